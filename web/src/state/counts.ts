// Counts the server adds up over every item a filter matches, not only the rows fetched: a
// large board's group footers (`footers: true`) and the chart view's numbers (`group_by`,
// `split_by`). Each answer is kept by TanStack Query and read again, at most twice a second,
// while the board's events say its items changed.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo } from "react";
import { api, ok } from "../api/client";
import type { Bus } from "../api/live";
import type { BoardEvent, Footer, QueryResponse } from "../api/types";
import { TZ } from "./useFiltered";

export const countsKey = (board: string) => ["board", board, "counts"] as const;

/** What is counted: the filter, the grouping and what each group carries. */
export type CountsAsked = { filter: Record<string, unknown> | null; group_by: string; split_by?: string; footers?: boolean };

/** Events that cannot change a count: comments, members, button clicks. */
const QUIET = new Set<BoardEvent["kind"]>(["update_posted", "update_edited", "update_deleted", "board_member_set", "board_member_removed", "button_clicked"]);

/** How long changes gather before the counts are read again, in ms. */
const PAUSE = 500;

/** The server's answer to `asked` (its `total` and `groups`; no items); undefined until read,
 * and while `enabled` is false. */
export function useCounts(boardId: string, asked: CountsAsked, enabled: boolean, bus: Bus): QueryResponse | undefined {
  const q = useQuery({
    queryKey: [...countsKey(boardId), asked],
    enabled,
    queryFn: () => ok(api.POST("/api/v1/boards/{id}/items/query", { params: { path: { id: boardId } }, body: { ...asked, limit: 1, tz: TZ } })),
  });
  useReadAgainOnChanges(boardId, countsKey(boardId), enabled, bus);
  return enabled ? q.data : undefined;
}

/** Reads the queries under `key` again, at most every [`PAUSE`] ms, while the board's events
 * say its items changed (and `enabled`). */
export function useReadAgainOnChanges(boardId: string, key: readonly unknown[], enabled: boolean, bus: Bus) {
  const client = useQueryClient();
  const joined = JSON.stringify(key);
  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onEvent = (e: BoardEvent) => {
      if (e.board_id !== boardId || QUIET.has(e.kind) || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void client.invalidateQueries({ queryKey: JSON.parse(joined) });
      }, PAUSE);
    };
    bus.events.add(onEvent);
    return () => {
      clearTimeout(timer);
      bus.events.delete(onEvent);
    };
  }, [enabled, boardId, bus, client, joined]);
}

/** Each group's footers by group id (or by value of the group-by column), for `filter`'s
 * matches (every item without one); undefined until read, and while `enabled` is false. */
export function useFooters(boardId: string, filter: Record<string, unknown> | null, groupBy: string, enabled: boolean, bus: Bus): ReadonlyMap<string, Footer[]> | undefined {
  const asked = useMemo(() => ({ filter, group_by: groupBy, footers: true }), [filter, groupBy]);
  const answer = useCounts(boardId, asked, enabled, bus);
  return useMemo(() => answer && new Map(answer.groups.map((g) => [g.key, g.footers ?? []])), [answer]);
}
