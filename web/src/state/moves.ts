// Items moving between boards (`POST /items/{id}/move-to-board`): which boards an item can go
// to, and the moves in words as the activity log tells them. A move is two events: the source
// board's `item_deleted` with `moved_to`, the target board's `item_created` with `moved_from`.
import type { Board, BoardEvent } from "../api/types";

/** The boards an item of `from` can move to: others of its organization, not subitem boards,
 * not those the user may only view (a list's boards say no permission: the server decides). */
export function moveTargets(boards: Board[], from: Pick<Board, "id" | "org_id">): Board[] {
  return boards.filter((b) => b.id !== from.id && b.org_id === from.org_id && !b.parent_board_id && b.permission !== "view");
}

/** The other board of a move event (where the item went, or came from), if it is one. */
export function moveOf(e: BoardEvent): { to: string } | { from: string } | null {
  if (e.kind === "item_deleted" && e.payload.moved_to) return { to: e.payload.moved_to };
  if (e.kind === "item_created" && e.payload.moved_from) return { from: e.payload.moved_from };
  return null;
}

/** A move in words ("moved “Launch” to Marketing", "moved “Launch” here from Sales"), or null
 * for any other event. A board the reader cannot name is "another board". */
export function moveWords(e: BoardEvent, boardName: (id: string) => string | undefined): string | null {
  const move = moveOf(e);
  if (!move) return null;
  const name = e.kind === "item_deleted" ? e.payload.name : e.kind === "item_created" ? e.payload.item.name : "";
  const other = (id: string) => boardName(id) ?? "another board";
  return "to" in move ? `moved “${name}” to ${other(move.to)}` : `moved “${name}” here from ${other(move.from)}`;
}
