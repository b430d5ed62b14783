// A board's background formula recompute, as `GET /boards/{id}/formulas/progress` reports it:
// watched after a formula is saved (on a large board the values follow the save), until it ends.
import { useCallback, useEffect, useRef, useState } from "react";
import { api, ok } from "../api/client";
import type { S } from "../api/types";

export type Progress = S["RecomputeProgress"];

export function useFormulaProgress(boardId: string): { progress: Progress | null; watch: () => void } {
  const [progress, setProgress] = useState<Progress | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const poll = useCallback(async () => {
    try {
      const p = await ok(api.GET("/api/v1/boards/{id}/formulas/progress", { params: { path: { id: boardId } } }));
      setProgress(p.running ? p : null);
      if (p.running) timer.current = setTimeout(poll, 500);
    } catch {
      setProgress(null);
    }
  }, [boardId]);
  useEffect(() => () => clearTimeout(timer.current), [boardId]);
  const watch = useCallback(() => {
    clearTimeout(timer.current);
    void poll();
  }, [poll]);
  return { progress, watch };
}
