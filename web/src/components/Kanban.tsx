// The kanban: one lane per value of a column views can group by (the column types' metadata
// says which: status labels, dropdown options, people); dragging a card between lanes sets its
// value. Cards keep the view's sort within their lane (board order without one). Each lane's
// cards come from the server a run at a time (state/lanePages.ts), more as its end scrolls into
// view, with the lane's count over all of them. Each lane
// scrolls on its own and is windowed by @tanstack/react-virtual: a lane of thousands of cards
// keeps only those near its viewport in the DOM. Dragging is the app's (./drag: mouse, finger or
// keyboard, where an arrow takes the card to the next lane); it follows in an overlay.
import { DndContext, useDraggable, useDroppable, type DragEndEvent } from "@dnd-kit/core";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { Board, Column, Item } from "../api/types";
import { isGroupable, useColumnTypes } from "../state/columnTypes";
import type { Lanes } from "../state/lanePages";
import { laneColumnOf, laneOf, lanesOf, laneValue } from "../state/lanes";
import { usePeople } from "../state/people";
import { CardFields, CardFieldsChooser } from "./Cards";
import { color } from "./Cell";
import { AskDialog } from "./Dialog";
import { Follower, underPointer, useDragSensors, useNeighbourKeys } from "./drag";

const NONE: Item[] = [];

export function Kanban({ board, lanes: fetched, laneColumn, onLaneColumn, meId, cardColumns, onCardColumns, onSave, onAdd, onOpen }: {
  board: Board; lanes: Lanes; laneColumn?: string; onLaneColumn: (id: string) => void; meId: string; cardColumns: string[]; onCardColumns: (ids: string[]) => void;
  onSave: (item: Item, column: string, value: unknown) => void; onAdd: (group: string, name: string, values?: Record<string, unknown>) => void; onOpen: (item: string) => void;
}) {
  const types = useColumnTypes();
  const people = usePeople();
  const columns = board.columns ?? [];
  const groupable = columns.filter((c) => isGroupable(types, c.type));
  const lane = laneColumnOf(columns, types, laneColumn);
  const items = useMemo(() => [...fetched.cards.values()].flat(), [fetched.cards]);
  const [dragging, setDragging] = useState<Item | null>(null);
  const { keys, lifted } = useNeighbourKeys();
  const sensors = useDragSensors(keys);
  /** The lane a new card is being named for. */
  const [adding, setAdding] = useState<{ id: string; name: string } | null>(null);
  if (!lane) {
    const kinds = types.filter((t) => t.groupable).map((t) => t.title.toLowerCase());
    const either = kinds.length > 1 ? `${kinds.slice(0, -1).join(", ")} or ${kinds[kinds.length - 1]}` : kinds[0];
    return <div className="muted">{types.length ? `Add a ${either} column to use the kanban.` : "Loading…"}</div>;
  }
  const lanes = lanesOf(lane, people, items);
  const shown = columns.filter((c) => cardColumns.includes(c.id) && c.id !== lane.id);
  const drop = (e: DragEndEvent) => {
    setDragging(null);
    const item = items.find((i) => i.id === e.active.id);
    const to = e.over?.data.current?.lane as string | undefined;
    if (item && to !== undefined && laneOf(lane, item) !== to) onSave(item, lane.id, laneValue(lane, to));
  };
  return (
    <>
    <select aria-label="Lanes by" value={lane.id} onChange={(e) => onLaneColumn(e.target.value)}>
      {groupable.map((c) => <option key={c.id} value={c.id}>Lanes: {c.title}</option>)}
    </select>
    <CardFieldsChooser columns={columns} except={lane.id} cardColumns={cardColumns} onCardColumns={onCardColumns} />
    <DndContext sensors={sensors} collisionDetection={underPointer} onDragStart={(e) => {
      lifted();
      setDragging(items.find((i) => i.id === e.active.id) ?? null);
    }} onDragEnd={drop} onDragCancel={() => setDragging(null)}>
    <div className="kanban">
      {lanes.map((l) => {
        const cards = fetched.cards.get(l.id) ?? NONE;
        const count = fetched.counts?.get(l.id) ?? cards.length;
        return (
          <Lane key={l.id} id={l.id} name={l.name}>
            <div className="lane-head" style={{ background: color(l.color) }}>{l.name} <span>{count}</span></div>
            <LaneCards lane={l.id} cards={cards} more={fetched.more.has(l.id)} loadMore={fetched.loadMore} fields={shown} meId={meId} onOpen={onOpen} />
            {l.id && board.groups?.[0] && (
              <button className="link" onClick={() => setAdding(l)}>+ Add card</button>
            )}
          </Lane>
        );
      })}
    </div>
    <Follower>
      {dragging && (
        <div className="card dragging">
          <div className="card-name">{dragging.name}</div>
          <CardFields fields={shown} item={dragging} meId={meId} />
        </div>
      )}
    </Follower>
    </DndContext>
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

/** A lane: where cards are dropped to take its value (`id`, "" for no value). */
function Lane({ id, name, children }: { id: string; name: string; children: ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id: `lane:${id}`, data: { lane: id } });
  return <div ref={setNodeRef} className={"lane" + (isOver ? " drop-here" : "")} data-lane={name}>{children}</div>;
}

/** A card that can be picked up; it stays in its lane, faded, while its overlay moves. */
function DraggableCard({ item, onOpen, children }: { item: Item; onOpen: (item: string) => void; children: ReactNode }) {
  const { setNodeRef, attributes, listeners, isDragging } = useDraggable({ id: item.id });
  return (
    <div ref={setNodeRef} {...attributes} {...listeners} aria-roledescription="card" className={"card" + (isDragging ? " lifted" : "")} onClick={() => onOpen(item.id)} data-card={item.name}>
      {children}
    </div>
  );
}

/** A lane's cards, windowed within the lane's own scroller; nearing its last card fetched, a lane
 * with `more` asks for them. */
function LaneCards({ lane, cards, more, loadMore, fields, meId, onOpen }: {
  lane: string; cards: Item[]; more: boolean; loadMore: (lane: string) => void; fields: Column[]; meId: string; onOpen: (item: string) => void;
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
  const last = v.getVirtualItems().at(-1)?.index ?? -1;
  const near = more && last >= cards.length - 6;
  // Asked again when the lane's fetching changes (`loadMore` is new then) while still near.
  useEffect(() => {
    if (near) loadMore(lane);
  }, [near, cards.length, loadMore, lane]);
  return (
    <div className="lane-cards" ref={scroller}>
      <div className="lane-list" style={{ height: v.getTotalSize() }}>
        {v.getVirtualItems().map((row) => {
          const c = cards[row.index];
          return (
            <div key={row.key} data-index={row.index} ref={v.measureElement} className="lane-slot" style={{ transform: `translateY(${row.start}px)` }}>
              <DraggableCard item={c} onOpen={onOpen}>
                <div className="card-name">{c.name}</div>
                <CardFields fields={fields} item={c} meId={meId} />
              </DraggableCard>
            </div>
          );
        })}
      </div>
    </div>
  );
}
