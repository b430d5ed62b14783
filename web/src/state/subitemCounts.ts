// How many subitems each item of the open board has, for the count on each row's expand button
// and the group footers: fetched when the board opens (`GET /boards/{id}/subitem-counts`), then
// fetched again a moment after each event of the board's subitem board (followed live while
// the board is open), since a subitem event does not say which counts it moved.
import { useEffect, useState } from "react";
import { api, ok } from "../api/client";
import type { BoardEvent } from "../api/types";
import { follow, useLive } from "./liveContext";

/** Live subitems by parent item id; items without subitems are absent. */
export type SubitemCounts = ReadonlyMap<string, number>;

const NONE: SubitemCounts = new Map();

/** Subitems under the group's items: the sum of their counts. */
export function subitemsIn(counts: SubitemCounts, items: readonly { id: string }[]): number {
  let n = 0;
  for (const i of items) n += counts.get(i.id) ?? 0;
  return n;
}

/** The counts of `board`'s items, whose subitems live on `subBoard` (none yet: null). */
export function useSubitemCounts(board: string, subBoard: string | null | undefined): SubitemCounts {
  const [counts, setCounts] = useState<SubitemCounts>(NONE);
  const live = useLive();
  useEffect(() => {
    if (!subBoard) {
      setCounts(NONE);
      return;
    }
    let gone = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fetchCounts = async () => {
      const page = await ok(api.GET("/api/v1/boards/{id}/subitem-counts", { params: { path: { id: board } } }));
      if (!gone) setCounts(new Map(page.data.map((c) => [c.item_id, c.count])));
    };
    let stop = () => {};
    const heard = (e: BoardEvent) => {
      if (e.board_id !== subBoard) return;
      // A burst of subitem changes (a bulk create) is one fetch.
      clearTimeout(timer);
      timer = setTimeout(() => void fetchCounts().catch(() => undefined), 250);
    };
    // The subitem board's position first, so no change between it and the counts is missed.
    void ok(api.GET("/api/v1/boards/{id}", { params: { path: { id: subBoard } } }))
      .then(async (sub) => {
        if (gone) return;
        if (live) {
          live.bus.events.add(heard);
          stop = follow(live.live, subBoard, sub.last_seq);
        }
        await fetchCounts();
      })
      .catch(() => undefined);
    return () => {
      gone = true;
      clearTimeout(timer);
      live?.bus.events.delete(heard);
      stop();
    };
  }, [board, subBoard, live]);
  return counts;
}
