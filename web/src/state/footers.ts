// The footers of a table's groups while some of their rows are not fetched yet (a large board
// comes a page at a time, and so do a search's matches): the server adds them up over every
// row of each group (`footers: true` in a query), kept by TanStack Query and read again, at
// most twice a second, while the board's events say its items changed.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { api, ok } from "../api/client";
import type { Bus } from "../api/live";
import type { BoardEvent, Footer } from "../api/types";
import { TZ } from "./useFiltered";

export const footersKey = (board: string) => ["board", board, "footers"] as const;

/** Events that cannot change a footer: comments, members, button clicks. */
const QUIET = new Set<BoardEvent["kind"]>(["update_posted", "update_edited", "update_deleted", "board_member_set", "board_member_removed", "button_clicked"]);

/** How long changes gather before the footers are read again, in ms. */
const PAUSE = 500;

/** Each group's footers by group id (or by value of the group-by column), for `filter`'s
 * matches (every item without one); undefined until read, and while `enabled` is false. */
export function useFooters(boardId: string, filter: Record<string, unknown> | null, groupBy: string, enabled: boolean, bus: Bus): ReadonlyMap<string, Footer[]> | undefined {
  const client = useQueryClient();
  const q = useQuery({
    queryKey: [...footersKey(boardId), groupBy, filter],
    enabled,
    queryFn: async () => {
      const body = { filter, group_by: groupBy, limit: 1, footers: true, tz: TZ };
      const answer = await ok(api.POST("/api/v1/boards/{id}/items/query", { params: { path: { id: boardId } }, body }));
      return new Map(answer.groups.map((g) => [g.key, g.footers ?? []]));
    },
  });
  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onEvent = (e: BoardEvent) => {
      if (e.board_id !== boardId || QUIET.has(e.kind) || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void client.invalidateQueries({ queryKey: footersKey(boardId) });
      }, PAUSE);
    };
    bus.events.add(onEvent);
    return () => {
      clearTimeout(timer);
      bus.events.delete(onEvent);
    };
  }, [enabled, boardId, bus, client]);
  return enabled ? q.data : undefined;
}
