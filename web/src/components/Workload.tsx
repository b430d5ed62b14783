// The workload view: people × weeks, each cell a person's load that week (items counted, or a
// number column summed) against a weekly capacity, over-capacity cells in red. A cell opens the
// list of its items; an item dragged from the list onto another cell goes to that person (in
// place of the one it was on) and moves by as many weeks as it was dragged. Dragging is the
// app's (./drag: mouse, finger or keyboard, where an arrow takes the item to the next cell).
import { DndContext, useDraggable, useDroppable, type DragEndEvent } from "@dnd-kit/core";
import { addDays, format, parseISO } from "date-fns";
import { useEffect, useMemo, useState, type ReactNode } from "react";
import type { Board, Item } from "../api/types";
import { usePeople } from "../state/people";
import { addWeeksTo, dropped, weekOf, weeksFrom, workload, type WorkloadSettings } from "../state/workload";
import { Avatar } from "./Avatar";
import { Follower, underPointer, useDragSensors, useNeighbourKeys } from "./drag";

const WEEKS = 8;
type Cell = { person: string | null; week: string };

export function Workload({ board, items, onShown, settings, onSettings, onSave, onOpen }: {
  board: Board; items: Item[]; onShown?: (from: string, to: string) => void; settings: WorkloadSettings; onSettings: (s: WorkloadSettings) => void;
  onSave: (item: Item, column: string, value: unknown) => void; onOpen: (item: string) => void;
}) {
  const columns = board.columns ?? [];
  const people = usePeople();
  const [start, setStart] = useState(() => weekOf(format(new Date(), "yyyy-MM-dd")));
  const [open, setOpen] = useState<Cell | null>(null);
  const [drag, setDrag] = useState<Item | null>(null);
  const { keys, lifted } = useNeighbourKeys();
  const sensors = useDragSensors(keys);
  const weeks = useMemo(() => weeksFrom(start, WEEKS), [start]);
  // A board's workload asks the server for the items on these weeks' days.
  const [first, last] = [weeks[0], addWeeksTo(weeks[weeks.length - 1], 1)];
  useEffect(() => onShown?.(first, format(addDays(parseISO(last), -1), "yyyy-MM-dd")), [onShown, first, last]);
  const nameOf = (id: string) => people.find((p) => p.id === id)?.name ?? "Someone";
  const rows = useMemo(
    () => workload(items, columns, settings, weeks, (id) => people.find((p) => p.id === id)?.name ?? id, people.map((p) => p.id)),
    [items, columns, settings, weeks, people],
  );
  const personCols = columns.filter((c) => c.type === "people");
  const dateCols = columns.filter((c) => c.type === "date" || c.type === "timeline");
  const numberCols = columns.filter((c) => c.type === "number");
  if (!personCols.length || !dateCols.length) return <div className="muted">The workload needs a people column and a date or timeline column.</div>;
  const byId = new Map(items.map((i) => [i.id, i]));
  const shown = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
  const openRow = open && rows.find((r) => r.person === open.person);
  const openItems = open && openRow ? openRow.cells[weeks.indexOf(open.week)]?.items.map((id) => byId.get(id)).filter((i): i is Item => !!i) ?? [] : [];
  function drop(e: DragEndEvent) {
    setDrag(null);
    const item = byId.get(String(e.active.id));
    const to = e.over?.data.current as Cell | undefined;
    if (!item || !to || !open || (to.person === open.person && to.week === open.week)) return;
    for (const [column, value] of Object.entries(dropped(item, settings, columns, open, to))) onSave(item, column, value);
    setOpen(to);
  }
  return (
    <DndContext sensors={sensors} collisionDetection={underPointer} onDragStart={(e) => {
      lifted();
      setDrag(byId.get(String(e.active.id)) ?? null);
    }} onDragEnd={drop} onDragCancel={() => setDrag(null)}>
    <div className="workload">
      <div className="workload-settings">
        <label>People <select aria-label="People" value={settings.people_column} onChange={(e) => onSettings({ ...settings, people_column: e.target.value })}>
          {personCols.map((c) => <option key={c.id} value={c.id}>{c.title}</option>)}
        </select></label>
        <label>Dates <select aria-label="Dates" value={settings.date_column} onChange={(e) => onSettings({ ...settings, date_column: e.target.value })}>
          {dateCols.map((c) => <option key={c.id} value={c.id}>{c.title}</option>)}
        </select></label>
        <label>Load <select aria-label="Load" value={settings.metric.fn === "sum" ? settings.metric.column_id : ""}
          onChange={(e) => onSettings({ ...settings, metric: e.target.value ? { fn: "sum", column_id: e.target.value } : { fn: "count" } })}>
          <option value="">Items</option>
          {numberCols.map((c) => <option key={c.id} value={c.id}>Sum of {c.title}</option>)}
        </select></label>
        <label>Capacity a week <input aria-label="Capacity a week" type="number" min={0} step="any" className="capacity" value={settings.capacity}
          onChange={(e) => e.target.value !== "" && Number(e.target.value) >= 0 && onSettings({ ...settings, capacity: Number(e.target.value) })} /></label>
        <span className="workload-nav">
          <button aria-label="Earlier weeks" onClick={() => setStart(addWeeksTo(start, -WEEKS / 2))}>‹</button>
          <button onClick={() => setStart(weekOf(format(new Date(), "yyyy-MM-dd")))}>This week</button>
          <button aria-label="Later weeks" onClick={() => setStart(addWeeksTo(start, WEEKS / 2))}>›</button>
        </span>
      </div>
      <table className="workload-grid">
        <thead>
          <tr><th scope="col">Person</th>{weeks.map((w) => <th key={w} scope="col">{format(parseISO(w), "MMM d")}</th>)}</tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.person ?? "nobody"} data-person={r.person ? nameOf(r.person) : "Unassigned"}>
              <th scope="row">{r.person ? <><Avatar small id={r.person} name={nameOf(r.person)} decorative /> {nameOf(r.person)}</> : <span className="muted">Unassigned</span>}</th>
              {r.cells.map((c, w) => {
                const over = r.person !== null && c.load > settings.capacity;
                const here = { person: r.person, week: weeks[w] };
                const fill = settings.capacity > 0 ? Math.min(1, c.load / settings.capacity) : c.load > 0 ? 1 : 0;
                return (
                  <WeekCell key={weeks[w]} cell={here} className={"workload-cell" + (over ? " over" : "") + (open?.person === r.person && open?.week === weeks[w] ? " open" : "")}>
                    <button className="workload-load" aria-label={`${r.person ? nameOf(r.person) : "Unassigned"}, week of ${format(parseISO(weeks[w]), "MMM d")}: ${shown(c.load)}${over ? " (over capacity)" : ""}`}
                      onClick={() => setOpen(c.items.length ? here : null)}>
                      <span className="workload-bar" style={{ width: `${fill * 100}%` }} />
                      <span className="workload-number">{c.load ? shown(c.load) : ""}</span>
                    </button>
                  </WeekCell>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {open && openItems.length > 0 && (
        <section className="workload-items" aria-label="Items of the cell">
          <strong>{open.person ? nameOf(open.person) : "Unassigned"}, week of {format(parseISO(open.week), "MMM d")}</strong>
          <span className="muted"> · drag an item onto another person or week</span>
          <ul>
            {openItems.map((i) => <CellItem key={i.id} item={i} onOpen={onOpen} />)}
          </ul>
        </section>
      )}
    </div>
    <Follower>{drag && <div className="row-dragging workload-dragging">{drag.name}</div>}</Follower>
    </DndContext>
  );
}

/** A person's week: items are dropped on it. */
function WeekCell({ cell, className, children }: { cell: Cell; className: string; children: ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id: `cell:${cell.person ?? ""}:${cell.week}`, data: cell });
  return <td ref={setNodeRef} data-week={cell.week} className={className + (isOver ? " drop-here" : "")}>{children}</td>;
}

/** An item of the open cell, picked up by its row (a click on its name opens it). */
function CellItem({ item, onOpen }: { item: Item; onOpen: (item: string) => void }) {
  const { setNodeRef, attributes, listeners, isDragging } = useDraggable({ id: item.id });
  return (
    <li ref={setNodeRef} {...attributes} {...listeners} aria-roledescription="workload item" className={isDragging ? "lifted" : undefined} data-item={item.name}>
      <button className="link" onClick={() => onOpen(item.id)}>{item.name}</button>
    </li>
  );
}
