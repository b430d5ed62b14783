// How many subitems each item of the open board has, for the count on each row's expand button
// and the group footers: read when the board opens (`GET /boards/{id}/subitem-counts`), kept by
// TanStack Query, and read again a moment after each event of the board's subitem board
// (followed live while the board is open), since a subitem event does not say which counts it
// moved.
import { useQuery, useQueryClient } from "@tanstack/react-query";
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
  const client = useQueryClient();
  const live = useLive();
  /** The subitem board is followed (live) from its position now: counts read after that
   * position miss no change. */
  const [following, setFollowing] = useState<string | null>(null);
  const q = useQuery({
    queryKey: ["board", board, "subitem counts"],
    enabled: !!subBoard && (following === subBoard || !live),
    queryFn: async () => {
      const page = await ok(api.GET("/api/v1/boards/{id}/subitem-counts", { params: { path: { id: board } } }));
      return new Map(page.data.map((c) => [c.item_id, c.count])) as SubitemCounts;
    },
  });
  useEffect(() => {
    if (!subBoard || !live) return;
    let gone = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stop = () => {};
    const heard = (e: BoardEvent) => {
      if (e.board_id !== subBoard) return;
      // A burst of subitem changes (a bulk create) is one read.
      clearTimeout(timer);
      timer = setTimeout(() => void client.invalidateQueries({ queryKey: ["board", board, "subitem counts"] }), 250);
    };
    void ok(api.GET("/api/v1/boards/{id}", { params: { path: { id: subBoard } } }))
      .then((sub) => {
        if (gone) return;
        live.bus.events.add(heard);
        stop = follow(live.live, subBoard, sub.last_seq);
        setFollowing(subBoard);
        // Counts kept from an earlier visit were read before this position: read them again.
        void client.invalidateQueries({ queryKey: ["board", board, "subitem counts"] });
      })
      .catch(() => undefined);
    return () => {
      gone = true;
      clearTimeout(timer);
      live.bus.events.delete(heard);
      stop();
    };
  }, [board, subBoard, live, client]);
  return (subBoard && q.data) || NONE;
}
