// The live connection and its listeners, for components deep in a board page that follow
// another board too (the subitem tables follow their subitem boards). Provided by the board
// page; absent (null) elsewhere, where such components read once.
import { createContext, useContext } from "react";
import type { Bus, Live } from "../api/live";

export const LiveContext = createContext<{ live: Live; bus: Bus } | null>(null);
export const useLive = () => useContext(LiveContext);

/** How many open components follow each board: the last one to close unsubscribes. */
const following = new Map<string, number>();

/** Follows `board` from `seq` until the returned function is called. */
export function follow(live: Live, board: string, seq: number): () => void {
  const n = following.get(board) ?? 0;
  following.set(board, n + 1);
  if (n === 0) live.subscribe(board, seq);
  return () => {
    const left = (following.get(board) ?? 1) - 1;
    if (left > 0) following.set(board, left);
    else {
      following.delete(board);
      live.unsubscribe(board);
    }
  };
}
