// The calendar: items on the days of a date or timeline column, by month, week or day. Drag an
// item to another day to move it (a timeline moves whole); drag a timeline's end to resize it;
// click a day's free space to make an item there; items without a date wait in a side list,
// from where they can be dragged onto a day. Items take the colour of their status.
import { format, parseISO } from "date-fns";
import { useMemo, useState } from "react";
import type { Board, Item } from "../api/types";
import { type CalendarMode, covers, daysOf, moved, onDay, resized, spanOf, step, title } from "../state/calendar";
import { labelsOf, laneOf } from "../state/lanes";
import { color } from "./Cell";
import { AskDialog } from "./Dialog";

/** Items a month's day shows before "+n more". */
const PER_DAY = 3;
const today = () => format(new Date(), "yyyy-MM-dd");

type Drag = { item: Item; from?: string; end?: boolean };

export function Calendar({ board, items, dateColumn, onDateColumn, onSave, onAdd, onOpen }: {
  board: Board; items: Item[]; dateColumn?: string; onDateColumn: (id: string) => void;
  onSave: (item: Item, column: string, value: unknown) => void; onAdd: (group: string, name: string, values?: Record<string, unknown>) => void; onOpen: (item: string) => void;
}) {
  const columns = board.columns ?? [];
  const dated = columns.filter((c) => c.type === "date" || c.type === "timeline");
  const col = dated.find((c) => c.id === dateColumn) ?? dated[0];
  const status = columns.find((c) => c.type === "status");
  const [mode, setMode] = useState<CalendarMode>("month");
  const [anchor, setAnchor] = useState(today);
  const [drag, setDrag] = useState<Drag | null>(null);
  const [adding, setAdding] = useState<string | null>(null);
  const days = useMemo(() => daysOf(mode, anchor), [mode, anchor]);
  // Each shown day's items, and the items with no date; one pass over the items.
  const { onDays, undated } = useMemo(() => {
    const onDays = new Map<string, Item[]>(days.map((d) => [d, []]));
    const undated: Item[] = [];
    if (!col) return { onDays, undated };
    const [first, last] = [days[0], days[days.length - 1]];
    for (const item of items) {
      const span = spanOf(col.type, item.values[col.id]);
      if (!span) {
        undated.push(item);
      } else if (span.to >= first && span.from <= last) {
        for (const d of days) if (covers(span, d)) onDays.get(d)!.push(item);
      }
    }
    return { onDays, undated };
  }, [items, col, days]);
  if (!col) return <div className="muted">Add a date or timeline column to use the calendar.</div>;
  const labels = status ? labelsOf(status) : [];
  const tint = (item: Item) => color(labels.find((l) => l.id === (status ? laneOf(status, item) : ""))?.color ?? "blue");
  const month = parseISO(anchor).getMonth();
  function drop(d: string) {
    if (!drag || !col) return;
    const value = drag.item.values[col.id];
    if (drag.end) onSave(drag.item, col.id, resized(value, d));
    else if (drag.from) onSave(drag.item, col.id, moved(col.type, value, drag.from, d));
    else onSave(drag.item, col.id, onDay(col.type, d));
    setDrag(null);
  }
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
      <div className="calendar-body">
        <div className={`calendar ${mode}`} data-testid="calendar">
          {mode !== "day" && days.slice(0, 7).map((d) => <div key={d} className="calendar-dow">{format(parseISO(d), "EEE")}</div>)}
          {days.map((d) => {
            const on = onDays.get(d) ?? [];
            const shown = mode === "month" ? on.slice(0, PER_DAY) : on;
            return (
              <div key={d} className={`calendar-day${parseISO(d).getMonth() !== month && mode === "month" ? " other" : ""}${d === today() ? " today" : ""}`}
                data-day={d} onDragOver={(e) => e.preventDefault()} onDrop={() => drop(d)}
                onClick={(e) => e.target === e.currentTarget && setAdding(d)}>
                <span className="calendar-date">{format(parseISO(d), mode === "month" ? "d" : "EEE d")}</span>
                {shown.map((item) => (
                  <div key={item.id} className="calendar-item" data-item={item.name} style={{ background: tint(item) }} draggable
                    onDragStart={() => setDrag({ item, from: d })} onDragEnd={() => setDrag(null)} onClick={() => onOpen(item.id)}>
                    {item.name}
                    {col.type === "timeline" && spanOf(col.type, item.values[col.id])?.to === d && (
                      <span className="calendar-end" draggable title="Drag to change the end" aria-label={`End of ${item.name}`}
                        onDragStart={(e) => { e.stopPropagation(); setDrag({ item, end: true }); }} onDragEnd={() => setDrag(null)} />
                    )}
                  </div>
                ))}
                {on.length > shown.length && (
                  <button className="link calendar-more" onClick={() => { setAnchor(d); setMode("day"); }}>+{on.length - shown.length} more</button>
                )}
              </div>
            );
          })}
        </div>
        <aside className="calendar-undated" aria-label="No date" onDragOver={(e) => e.preventDefault()}
          onDrop={() => { if (drag && !drag.end) onSave(drag.item, col.id, null); setDrag(null); }}>
          <h3>No date <span className="muted">{undated.length}</span></h3>
          {undated.slice(0, 200).map((item) => (
            <div key={item.id} className="calendar-item" data-item={item.name} style={{ background: tint(item) }} draggable
              onDragStart={() => setDrag({ item })} onDragEnd={() => setDrag(null)} onClick={() => onOpen(item.id)}>{item.name}</div>
          ))}
          {undated.length > 200 && <div className="muted">and {undated.length - 200} more</div>}
        </aside>
      </div>
      {adding && board.groups?.[0] && (
        <AskDialog title={`New item on ${format(parseISO(adding), "MMM d")}`} label="Item name" submit="Add item" onClose={() => setAdding(null)}
          onSubmit={(name) => onAdd(board.groups![0].id, name, { [col.id]: onDay(col.type, adding) })} />
      )}
    </div>
  );
}
