// The kanban: one lane per value of a column views can group by (the column types' metadata
// says which: status labels, dropdown options, people); dragging a card between lanes sets its
// value. Cards keep the view's sort within their lane (board order without one). Each lane
// scrolls on its own and is windowed by @tanstack/react-virtual: a lane of thousands of cards
// keeps only those near its viewport in the DOM.
import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useRef, useState } from "react";
import type { Board, Column, Item } from "../api/types";
import { isGroupable, useColumnTypes } from "../state/columnTypes";
import { laneOf, lanesOf, laneValue } from "../state/lanes";
import { usePeople } from "../state/people";
import { CardFields, CardFieldsChooser } from "./Cards";
import { color } from "./Cell";
import { AskDialog } from "./Dialog";

const byPosition = (a: Item, b: Item) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0);

export function Kanban({ board, items, sort, laneColumn, onLaneColumn, meId, cardColumns, onCardColumns, onSave, onAdd, onOpen }: {
  board: Board; items: Item[]; sort?: (a: Item, b: Item) => number; laneColumn?: string; onLaneColumn: (id: string) => void; meId: string; cardColumns: string[]; onCardColumns: (ids: string[]) => void;
  onSave: (item: Item, column: string, value: unknown) => void; onAdd: (group: string, name: string, values?: Record<string, unknown>) => void; onOpen: (item: string) => void;
}) {
  const types = useColumnTypes();
  const people = usePeople();
  const columns = board.columns ?? [];
  const groupable = columns.filter((c) => isGroupable(types, c.type));
  // The chosen column, else a status column, else the first that can make lanes.
  const lane = groupable.find((c) => c.id === laneColumn) ?? groupable.find((c) => c.type === "status") ?? groupable[0];
  const [dragging, setDragging] = useState<Item | null>(null);
  /** The lane a new card is being named for. */
  const [adding, setAdding] = useState<{ id: string; name: string } | null>(null);
  if (!lane) {
    const kinds = types.filter((t) => t.groupable).map((t) => t.title.toLowerCase());
    const either = kinds.length > 1 ? `${kinds.slice(0, -1).join(", ")} or ${kinds[kinds.length - 1]}` : kinds[0];
    return <div className="muted">{types.length ? `Add a ${either} column to use the kanban.` : "Loading…"}</div>;
  }
  const lanes = lanesOf(lane, people, items);
  const shown = columns.filter((c) => cardColumns.includes(c.id) && c.id !== lane.id);
  return (
    <>
    <select aria-label="Lanes by" value={lane.id} onChange={(e) => onLaneColumn(e.target.value)}>
      {groupable.map((c) => <option key={c.id} value={c.id}>Lanes: {c.title}</option>)}
    </select>
    <CardFieldsChooser columns={columns} except={lane.id} cardColumns={cardColumns} onCardColumns={onCardColumns} />
    <div className="kanban">
      {lanes.map((l) => {
        const cards = items.filter((i) => laneOf(lane, i) === l.id).sort(sort ?? byPosition);
        return (
          <div key={l.id} className="lane" data-lane={l.name} onDragOver={(e) => e.preventDefault()}
            onDrop={() => dragging && onSave(dragging, lane.id, laneValue(lane, l.id))}>
            <div className="lane-head" style={{ background: color(l.color) }}>{l.name} <span>{cards.length}</span></div>
            <LaneCards cards={cards} fields={shown} meId={meId} onOpen={onOpen} onDrag={setDragging} />
            {l.id && board.groups?.[0] && (
              <button className="link" onClick={() => setAdding(l)}>+ Add card</button>
            )}
          </div>
        );
      })}
    </div>
    {adding && board.groups?.[0] && (
      // The new card starts in the lane it was added to.
      <AskDialog title={`New card in ${adding.name}`} label="Card name" submit="Add card" onClose={() => setAdding(null)}
        onSubmit={(name) => onAdd(board.groups![0].id, name, { [lane.id]: laneValue(lane, adding.id) })} />
    )}
    </>
  );
}

/** Card height guesses (px): the name and each field's line; rendered cards are measured. */
const CARD = 58;
const FIELD = 20;

/** A lane's cards, windowed within the lane's own scroller. */
function LaneCards({ cards, fields, meId, onOpen, onDrag }: {
  cards: Item[]; fields: Column[]; meId: string; onOpen: (item: string) => void; onDrag: (item: Item | null) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({
    count: cards.length,
    getScrollElement: () => scroller.current,
    estimateSize: useCallback(() => CARD + FIELD * fields.length, [fields.length]),
    getItemKey: useCallback((i: number) => cards[i].id, [cards]),
    overscan: 6,
    initialRect: { width: 240, height: window.innerHeight },
  });
  return (
    <div className="lane-cards" ref={scroller}>
      <div className="lane-list" style={{ height: v.getTotalSize() }}>
        {v.getVirtualItems().map((row) => {
          const c = cards[row.index];
          return (
            <div key={row.key} data-index={row.index} ref={v.measureElement} className="lane-slot" style={{ transform: `translateY(${row.start}px)` }}>
              <div className="card" draggable onDragStart={() => onDrag(c)} onDragEnd={() => onDrag(null)} onClick={() => onOpen(c.id)} data-card={c.name}>
                <div className="card-name">{c.name}</div>
                <CardFields fields={fields} item={c} meId={meId} />
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
