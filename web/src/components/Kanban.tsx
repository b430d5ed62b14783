// The kanban: one lane per label of a status (or dropdown) column; dragging a card between
// lanes sets its value.
import { useState } from "react";
import type { Board, Item } from "../api/types";
import { CellValue, color, labelsOf } from "./Cell";

export function Kanban({ board, items, laneColumn, onLaneColumn, meId, cardColumns, onCardColumns, onSave, onAdd, onOpen }: {
  board: Board; items: Item[]; laneColumn?: string; onLaneColumn: (id: string) => void; meId: string; cardColumns: string[]; onCardColumns: (ids: string[]) => void;
  onSave: (item: Item, column: string, value: unknown) => void; onAdd: (group: string, name: string, values?: Record<string, unknown>) => void; onOpen: (item: string) => void;
}) {
  const columns = board.columns ?? [];
  const lane = columns.find((c) => c.id === laneColumn) ?? columns.find((c) => c.type === "status");
  const [dragging, setDragging] = useState<Item | null>(null);
  if (!lane) return <div className="muted">Add a status column to use the kanban.</div>;
  const value = (i: Item) => {
    const v = i.values[lane.id];
    return lane.type === "dropdown" ? (v as string[] | undefined)?.[0] : (v as string | undefined);
  };
  const lanes = [...labelsOf(lane), { id: "", name: "No value", color: "grey" }];
  const shown = columns.filter((c) => cardColumns.includes(c.id) && c.id !== lane.id);
  return (
    <>
    <select aria-label="Lanes by" value={lane.id} onChange={(e) => onLaneColumn(e.target.value)}>
      {columns.filter((c) => c.type === "status" || c.type === "dropdown").map((c) => <option key={c.id} value={c.id}>Lanes: {c.title}</option>)}
    </select>
    <details className="card-fields">
      <summary>Card fields ({shown.length})</summary>
      {columns.filter((c) => c.id !== lane.id).map((c) => (
        <label key={c.id}>
          <input type="checkbox" checked={cardColumns.includes(c.id)} onChange={(e) => onCardColumns(e.target.checked ? [...cardColumns, c.id] : cardColumns.filter((x) => x !== c.id))} /> {c.title}
        </label>
      ))}
    </details>
    <div className="kanban">
      {lanes.map((l) => {
        const cards = items.filter((i) => (value(i) ?? "") === l.id);
        return (
          <div key={l.id} className="lane" data-lane={l.name} onDragOver={(e) => e.preventDefault()}
            onDrop={() => dragging && onSave(dragging, lane.id, l.id ? (lane.type === "dropdown" ? [l.id] : l.id) : null)}>
            <div className="lane-head" style={{ background: color(l.color) }}>{l.name} <span>{cards.length}</span></div>
            {cards.map((c) => (
              <div key={c.id} className="card" draggable onDragStart={() => setDragging(c)} onDragEnd={() => setDragging(null)} onClick={() => onOpen(c.id)} data-card={c.name}>
                <div className="card-name">{c.name}</div>
                {shown.map((col) => c.values[col.id] !== undefined || col.type === "auto_number" ? (
                  <div key={col.id} className="card-field"><span className="muted">{col.title}</span> <CellValue col={col} item={c} meId={meId} /></div>
                ) : null)}
              </div>
            ))}
            {l.id && board.groups?.[0] && (
              <button className="link" onClick={async () => {
                const name = prompt("New card");
                // The new card starts in this lane.
                if (name) onAdd(board.groups![0].id, name, { [lane.id]: lane.type === "dropdown" ? [l.id] : l.id });
              }}>+ Add card</button>
            )}
          </div>
        );
      })}
    </div>
    </>
  );
}
