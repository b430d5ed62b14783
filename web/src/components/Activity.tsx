// One entry of an item's activity log, in words: who, what changed (a column's old → new value,
// a rename, a move between groups or boards, a button clicked), and when. Values are shown as the table shows them.
import type { Board, BoardEvent, Item } from "../api/types";
import { moveWords } from "../state/moves";
import { Avatar } from "./Avatar";
import { CellValue } from "./Cell";

/** `boardName` names the other board of a move between boards (undefined: one not known here). */
type Props = { event: BoardEvent; board: Board; item: Item | undefined; meId: string; nameOf: (id: string) => string; boardName: (id: string) => string | undefined };

export function ActivityEntry({ event: e, board, item, meId, nameOf, boardName }: Props) {
  const when = new Date(e.created_at).toLocaleString();
  return (
    <li data-kind={e.kind}>
      <Avatar small decorative id={e.actor} name={nameOf(e.actor)} /> <strong>{nameOf(e.actor)}</strong> <What event={e} board={board} item={item} meId={meId} boardName={boardName} /> <span className="muted">· {when}</span>
    </li>
  );
}

function What({ event: e, board, item, meId, boardName }: Omit<Props, "nameOf">) {
  const groupTitle = (id: string) => board.groups?.find((g) => g.id === id)?.title ?? "a deleted group";
  const moved = moveWords(e, boardName);
  if (moved) return <span className="change">{moved}</span>;
  if (e.kind === "button_clicked") {
    const title = board.columns?.find((c) => c.id === e.payload.column_id)?.title;
    return <span className="change">{title ? `clicked ${title}` : "clicked a deleted button"}</span>;
  }
  if (e.kind === "items_computed") return <span className="change">computed formulas of {e.payload.items.length} items</span>;
  if (e.kind !== "item_updated" && e.kind !== "item_moved") return <>{e.kind.replace(/_/g, " ")}</>;
  const p = e.payload;
  const parts: React.ReactNode[] = [];
  if (p.name) parts.push(<span key="name" className="change">renamed “{p.name.old}” → “{p.name.new}”</span>);
  for (const c of p.changes ?? []) {
    const col = board.columns?.find((x) => x.id === c.column_id);
    if (!col || !item) continue;
    // The log's values are shown by the cell renderer, on a copy of the item holding them.
    const as = (v: unknown) => <CellValue col={col} item={{ ...item, values: v === null || v === undefined ? {} : { [col.id]: v } }} meId={meId} />;
    parts.push(
      <span key={c.column_id} className="change" data-column={col.title}>
        {col.title}: {as(c.old)} → {as(c.new)}
      </span>,
    );
  }
  if (p.group) parts.push(<span key="group" className="change">moved from {groupTitle(p.group.from)} to {groupTitle(p.group.to)}</span>);
  return parts.length ? <>{parts}</> : <>{e.kind === "item_moved" ? "moved it" : "changed it"}</>;
}
