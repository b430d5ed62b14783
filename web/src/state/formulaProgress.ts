// A board's background formula recompute, as `GET /boards/{id}/formulas/progress` reports it:
// watched after a formula is saved (on a large board the values follow the save), read again
// every half second by TanStack Query while it runs.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { api, ok } from "../api/client";
import type { S } from "../api/types";

export type Progress = S["RecomputeProgress"];

const POLL_MS = 500;

export function useFormulaProgress(boardId: string): { progress: Progress | null; watch: () => void } {
  const client = useQueryClient();
  const key = ["board", boardId, "formula progress"];
  const [watching, setWatching] = useState(false);
  const q = useQuery({
    queryKey: key,
    enabled: watching,
    queryFn: () => ok(api.GET("/api/v1/boards/{id}/formulas/progress", { params: { path: { id: boardId } } })),
    refetchInterval: (query) => (query.state.data?.running ? POLL_MS : false),
  });
  const watch = useCallback(() => {
    setWatching(true);
    // Already watched (an earlier recompute ended): ask again.
    void client.invalidateQueries({ queryKey: ["board", boardId, "formula progress"] });
  }, [client, boardId]);
  return { progress: !q.isError && q.data?.running ? q.data : null, watch };
}
