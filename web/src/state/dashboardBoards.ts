// The boards a dashboard's widgets read, each once with the most of its items any widget on it
// needs, kept by TanStack Query (one entry per board and need): followed live from the
// `last_seq` read with it, and read again (at most every 150 ms) when its events say it
// changed. Widgets answered by the analytics API read no items.
import { useQueries, useQueryClient, type UseQueryResult } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef } from "react";
import { api, messageOf, ok } from "../api/client";
import type { Bus, Live } from "../api/live";
import type { Board, BoardEvent, Item, Widget, WidgetKind } from "../api/types";
import { loaded, type BoardData } from "./dashboard";

/** The kinds that show a board's view (over all their boards' items, state/merged). */
export const PLANS: WidgetKind[] = ["calendar", "timeline", "workload"];

/** How much of a board's items the page needs: none (answered widgets, activity), the newest
 * (a table) or all of them (a calendar, timeline or workload). */
type Need = "none" | "recent" | "all";
const NEEDS: Need[] = ["none", "recent", "all"];
const needOf = (kind: WidgetKind): Need => (PLANS.includes(kind) ? "all" : kind === "table" ? "recent" : "none");

/** How long a board's events gather before it is read again, in ms. */
const PAUSE = 150;

const boardKey = (board: string) => ["dashboard", "board", board] as const;

/** The items of a board the viewer may read, page by page (`recent`: the newest 50). */
async function itemsOf(board: string, need: Need): Promise<Item[]> {
  if (need === "none") return [];
  if (need === "recent") {
    const body = { limit: 50, sort: [{ column: "created_at", dir: "desc" as const }] };
    return (await ok(api.POST("/api/v1/boards/{id}/items/query", { params: { path: { id: board } }, body }))).data as Item[];
  }
  const out: Item[] = [];
  let cursor: string | undefined;
  do {
    const page = await ok(api.POST("/api/v1/boards/{id}/items/query", { params: { path: { id: board } }, body: { limit: 500, cursor } }));
    out.push(...(page.data as Item[]));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

async function loadBoard(id: string, need: Need): Promise<BoardData> {
  try {
    // The board first: its `last_seq`, which the page follows from, is then no later than the
    // items read after it (an event in between is heard again and reloads, never lost).
    const board = await ok(api.GET("/api/v1/boards/{id}", { params: { path: { id } } }));
    return { id, board: board as Board, items: await itemsOf(id, need) };
  } catch (e) {
    return { id, error: messageOf(e) };
  }
}

/** Each widget board's data by board id (boards not read yet are missing). */
export function useDashboardBoards(widgets: Widget[] | undefined, live: Live, bus: Bus): Map<string, BoardData> {
  const client = useQueryClient();
  const needs = useMemo(() => {
    const out = new Map<string, Need>();
    for (const w of widgets ?? []) {
      for (const b of w.board_ids) {
        const need = needOf(w.kind);
        if (NEEDS.indexOf(need) >= NEEDS.indexOf(out.get(b) ?? "none")) out.set(b, need);
      }
    }
    return out;
  }, [widgets]);
  const wanted = useMemo(() => [...needs], [needs]);
  const combine = useCallback(
    (results: UseQueryResult<BoardData>[]) => new Map(results.flatMap((r) => (r.data ? [[r.data.id, r.data] as const] : []))),
    [],
  );
  const data = useQueries({
    queries: wanted.map(([b, need]) => ({
      queryKey: [...boardKey(b), need],
      queryFn: () => loadBoard(b, need),
      // Read again when its events say so (below), not on a timer or a refocus.
      staleTime: Infinity,
    })),
    combine,
  });

  // Each board is followed live from the `last_seq` of its first read, once.
  const followed = useRef(new Set<string>());
  useEffect(() => {
    for (const [b, d] of data) {
      if (loaded(d) && needs.has(b) && !followed.current.has(b)) {
        followed.current.add(b);
        live.subscribe(b, d.board.last_seq);
      }
    }
  }, [data, needs, live]);
  useEffect(() => {
    const subscribed = followed.current;
    return () => {
      subscribed.forEach((b) => live.unsubscribe(b));
      subscribed.clear();
    };
  }, [live]);
  useEffect(() => {
    for (const b of [...followed.current]) {
      if (!needs.has(b)) {
        followed.current.delete(b);
        live.unsubscribe(b);
      }
    }
  }, [needs, live]);

  useEffect(() => {
    const timers = new Map<string, ReturnType<typeof setTimeout>>();
    const onEvent = (e: BoardEvent) => {
      if (!needs.has(e.board_id) || timers.has(e.board_id)) return;
      timers.set(e.board_id, setTimeout(() => {
        timers.delete(e.board_id);
        void client.invalidateQueries({ queryKey: boardKey(e.board_id) });
      }, PAUSE));
    };
    bus.events.add(onEvent);
    return () => {
      bus.events.delete(onEvent);
      timers.forEach(clearTimeout);
    };
  }, [needs, bus, client]);
  return data;
}
