// A board's saved views, kept by TanStack Query per board (`["views", board]`): read when the
// board opens (shown from the cache when it opens again), and changed in the cache by what this
// page saves (a new view, a form built in place), so the tabs show it without asking again.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { api, ok } from "../api/client";
import type { View } from "../api/types";

const NONE: View[] = [];

export function useViews(boardId: string) {
  const client = useQueryClient();
  const q = useQuery({
    queryKey: ["views", boardId],
    queryFn: async () => (await ok(api.GET("/api/v1/boards/{id}/views", { params: { path: { id: boardId } } }))).data,
  });
  /** Changes the views kept for this board (after the server has taken the change). */
  const update = useCallback((change: (views: View[]) => View[]) => client.setQueryData<View[]>(["views", boardId], (old) => change(old ?? [])), [client, boardId]);
  return { views: q.data ?? NONE, update };
}
