// The calendar: items on the days of a date or timeline column, by month, week or day. Drag an
// item to another day to move it (a timeline moves whole); drag a timeline's end to resize it;
// click a day's free space to make an item there; items without a date wait in a side list,
// from where they can be dragged onto a day (and back, to clear the date). Items take the
// colour of their status. Dragging is the app's (./drag: mouse, finger or keyboard, where an
// arrow takes the item to the next day that way).
import { DndContext, useDraggable, useDroppable, type DragEndEvent, type KeyboardCoordinateGetter } from "@dnd-kit/core";
import { addDays, format, parseISO } from "date-fns";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { Board, Item } from "../api/types";
import { type CalendarMode, covers, dateColumnOf, daysOf, moved, onDay, resized, spanOf, step, title } from "../state/calendar";
import { labelsOf, laneOf } from "../state/lanes";
import { color } from "./Cell";
import { AskDialog } from "./Dialog";
import { Follower, toMiddleOf, toNeighbour, underPointer, useDragSensors } from "./drag";

/** Items a month's day shows before "+n more". */
const PER_DAY = 3;
const today = () => format(new Date(), "yyyy-MM-dd");

/** What is being dragged: an item from a day (`from`), its end (`end`), or from the side list. */
type Drag = { item: Item; from?: string; end?: boolean };
/** Where it can go: a day, or the side list (no date). */
type Target = { day: string } | { day: null };

/** The undated items' count over all of them and a way to fetch more, when `items` holds a
 * page of them (a board's calendar asks the server for what it shows). */
export type UndatedMore = { count: number | undefined; loadMore: () => void };

export function Calendar({ board, items, undatedMore, onShown, dateColumn, onDateColumn, onSave, onAdd, onOpen }: {
  board: Board; items: Item[]; undatedMore?: UndatedMore; onShown?: (from: string, to: string) => void; dateColumn?: string; onDateColumn: (id: string) => void;
  onSave: (item: Item, column: string, value: unknown) => void; onAdd: (group: string, name: string, values?: Record<string, unknown>) => void; onOpen: (item: string) => void;
}) {
  const columns = board.columns ?? [];
  const dated = columns.filter((c) => c.type === "date" || c.type === "timeline");
  const col = dateColumnOf(columns, dateColumn);
  const status = columns.find((c) => c.type === "status");
  const [mode, setMode] = useState<CalendarMode>("month");
  const [anchor, setAnchor] = useState(today);
  const [drag, setDrag] = useState<Drag | null>(null);
  /** The day the keyboard took the lifted item to last (where it was picked up, at first). */
  const at = useRef<string | null>(null);
  const sensors = useDragSensors(useCallback<KeyboardCoordinateGetter>((event, args) => byDate(at, event, args), []));
  const [adding, setAdding] = useState<string | null>(null);
  const days = useMemo(() => daysOf(mode, anchor), [mode, anchor]);
  const [first, last] = [days[0], days[days.length - 1]];
  useEffect(() => onShown?.(first, last), [onShown, first, last]);
  // Each shown day's items, and the items with no date; one pass over the items.
  const { onDays, undated } = useMemo(() => {
    const onDays = new Map<string, Item[]>(days.map((d) => [d, []]));
    const undated: Item[] = [];
    if (!col) return { onDays, undated };
    for (const item of items) {
      const span = spanOf(col.type, item.values[col.id]);
      if (!span) {
        undated.push(item);
      } else if (span.to >= first && span.from <= last) {
        for (const d of days) if (covers(span, d)) onDays.get(d)!.push(item);
      }
    }
    return { onDays, undated };
  }, [items, col, days, first, last]);
  const undatedCount = undatedMore?.count ?? undated.length;
  if (!col) return <div className="muted">Add a date or timeline column to use the calendar.</div>;
  const labels = status ? labelsOf(status) : [];
  const tint = (item: Item) => color(labels.find((l) => l.id === (status ? laneOf(status, item) : ""))?.color ?? "blue");
  const month = parseISO(anchor).getMonth();
  function drop(e: DragEndEvent) {
    setDrag(null);
    const what = e.active.data.current as Drag | undefined;
    const to = e.over?.data.current as Target | undefined;
    if (!what || !to || !col) return;
    const value = what.item.values[col.id];
    if (to.day === null) {
      if (!what.end && what.from) onSave(what.item, col.id, null);
    } else if (what.end) onSave(what.item, col.id, resized(value, to.day));
    else if (what.from) {
      if (what.from !== to.day) onSave(what.item, col.id, moved(col.type, value, what.from, to.day));
    } else onSave(what.item, col.id, onDay(col.type, to.day));
  }
  const chip = (item: Item, from?: string) => (
    <Chip key={item.id} drag={{ item, from }} id={`${item.id}@${from ?? ""}`} color={tint(item)} onOpen={onOpen}>
      {item.name}
      {from && col.type === "timeline" && spanOf(col.type, item.values[col.id])?.to === from && <EndHandle item={item} day={from} />}
    </Chip>
  );
  return (
    <div className="calendar-wrap">
      <div className="calendar-head">
        <select aria-label="Dates from" value={col.id} onChange={(e) => onDateColumn(e.target.value)}>
          {dated.map((c) => <option key={c.id} value={c.id}>Dates: {c.title}</option>)}
        </select>
        <button onClick={() => setAnchor(step(mode, anchor, -1))} aria-label="Previous">‹</button>
        <button onClick={() => setAnchor(today())}>Today</button>
        <button onClick={() => setAnchor(step(mode, anchor, 1))} aria-label="Next">›</button>
        <h2 className="calendar-title">{title(mode, anchor)}</h2>
        <span className="calendar-modes" role="group" aria-label="Show">
          {(["month", "week", "day"] as const).map((m) => (
            <button key={m} className={mode === m ? "active" : ""} aria-pressed={mode === m} onClick={() => setMode(m)}>{m[0].toUpperCase() + m.slice(1)}</button>
          ))}
        </span>
      </div>
      <DndContext sensors={sensors} collisionDetection={underPointer} onDragStart={(e) => {
        const picked = (e.active.data.current as Drag | undefined) ?? null;
        at.current = picked?.from ?? null;
        setDrag(picked);
      }} onDragEnd={drop} onDragCancel={() => setDrag(null)}>
      <div className="calendar-body">
        <div className={`calendar ${mode}`} data-testid="calendar">
          {mode !== "day" && days.slice(0, 7).map((d) => <div key={d} className="calendar-dow">{format(parseISO(d), "EEE")}</div>)}
          {days.map((d) => {
            const on = onDays.get(d) ?? [];
            const shown = mode === "month" ? on.slice(0, PER_DAY) : on;
            return (
              <Day key={d} day={d} className={`calendar-day${parseISO(d).getMonth() !== month && mode === "month" ? " other" : ""}${d === today() ? " today" : ""}`}
                onAdd={() => setAdding(d)}>
                <span className="calendar-date">{format(parseISO(d), mode === "month" ? "d" : "EEE d")}</span>
                {shown.map((item) => chip(item, d))}
                {on.length > shown.length && (
                  <button className="link calendar-more" onClick={() => { setAnchor(d); setMode("day"); }}>+{on.length - shown.length} more</button>
                )}
              </Day>
            );
          })}
        </div>
        <Undated>
          <h3>No date <span className="muted">{undatedCount}</span></h3>
          {undated.slice(0, undatedMore ? undefined : 200).map((item) => chip(item))}
          {undatedMore && undatedCount > undated.length && <button className="link" onClick={undatedMore.loadMore}>Show more ({undatedCount - undated.length})</button>}
          {!undatedMore && undated.length > 200 && <div className="muted">and {undated.length - 200} more</div>}
        </Undated>
      </div>
      <Follower>
        {drag && !drag.end && <div className="calendar-item dragging" style={{ background: tint(drag.item) }}>{drag.item.name}</div>}
      </Follower>
      </DndContext>
      {adding && board.groups?.[0] && (
        <AskDialog title={`New item on ${format(parseISO(adding), "MMM d")}`} label="Item name" submit="Add item" onClose={() => setAdding(null)}
          onSubmit={(name) => onAdd(board.groups![0].id, name, { [col.id]: onDay(col.type, adding) })} />
      )}
    </div>
  );
}

/** The keyboard moves a lifted item by dates, as a calendar reads: left and right a day (from
 * the week's last day to the next week's first), up and down a week; where that day is not
 * shown (or from the side list), to the nearest target that way. */
function byDate(at: { current: string | null }, event: KeyboardEvent, args: Parameters<KeyboardCoordinateGetter>[1]) {
  const step = ({ ArrowRight: 1, ArrowLeft: -1, ArrowDown: 7, ArrowUp: -7 } as Record<string, number>)[event.code];
  const { over, droppableRects, collisionRect, activeNode } = args.context;
  // Where the last key took it (where it was picked up, before the first), rather than
  // dnd-kit's `over`: that trails a quick run of key presses, and is not there yet when the
  // first key comes right after the pick-up.
  const on = at.current ?? (over?.data.current as Target | undefined)?.day;
  const day = step && on ? format(addDays(parseISO(on), step), "yyyy-MM-dd") : undefined;
  // Right after the pick-up dnd-kit may not have measured the days yet: then they are read off
  // the page (this calendar's, not another widget's).
  const measured = (d: string) => activeNode?.closest(".calendar")?.querySelector(`[data-day="${d}"]`)?.getBoundingClientRect();
  const to = day ? (droppableRects.get(`day:${day}`) ?? measured(day)) : undefined;
  const lifted = collisionRect ?? activeNode?.getBoundingClientRect();
  if (!day || !to || !lifted) return toNeighbour(event, args);
  event.preventDefault();
  at.current = day;
  return toMiddleOf(to, lifted, args.currentCoordinates);
}

/** A day: items are dropped on it; a click on its free space adds an item there. */
function Day({ day, className, onAdd, children }: { day: string; className: string; onAdd: () => void; children: ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id: `day:${day}`, data: { day } satisfies Target });
  return (
    <div ref={setNodeRef} className={className + (isOver ? " drop-here" : "")} data-day={day} onClick={(e) => e.target === e.currentTarget && onAdd()}>
      {children}
    </div>
  );
}

/** The side list of items with no date: dropping an item there clears its date. */
function Undated({ children }: { children: ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id: "undated", data: { day: null } satisfies Target });
  return <aside ref={setNodeRef} className={"calendar-undated" + (isOver ? " drop-here" : "")} aria-label="No date">{children}</aside>;
}

/** An item on a day (or in the side list) that can be picked up; a click opens it. An item
 * spanning several days shows on each, so its id names the day too. */
function Chip({ id, drag, color, onOpen, children }: { id: string; drag: Drag; color: string; onOpen: (item: string) => void; children: ReactNode }) {
  const { setNodeRef, attributes, listeners, isDragging } = useDraggable({ id, data: drag });
  return (
    <div ref={setNodeRef} {...attributes} {...listeners} aria-roledescription="calendar item" className={"calendar-item" + (isDragging ? " lifted" : "")}
      data-item={drag.item.name} style={{ background: color }} onClick={() => onOpen(drag.item.id)}>
      {children}
    </div>
  );
}

/** A timeline's last day carries its end: dragged to another day, the timeline ends there. */
function EndHandle({ item, day }: { item: Item; day: string }) {
  const { setNodeRef, attributes, listeners } = useDraggable({ id: `end:${item.id}@${day}`, data: { item, from: day, end: true } satisfies Drag });
  return (
    <span ref={setNodeRef} {...attributes} {...listeners} className="calendar-end" title="Drag to change the end" aria-label={`End of ${item.name}`}
      aria-roledescription="timeline end" onClick={(e) => e.stopPropagation()} />
  );
}
