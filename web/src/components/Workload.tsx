// The workload view: people × weeks, each cell a person's load that week (items counted, or a
// number column summed) against a weekly capacity, over-capacity cells in red. A cell opens the
// list of its items; an item dragged from the list onto another cell goes to that person (in
// place of the one it was on) and moves by as many weeks as it was dragged.
import { format, parseISO } from "date-fns";
import { useMemo, useState } from "react";
import type { Board, Item } from "../api/types";
import { usePeople } from "../state/people";
import { addWeeksTo, dropped, weekOf, weeksFrom, workload, type WorkloadSettings } from "../state/workload";
import { Avatar } from "./Avatar";

const WEEKS = 8;
type Cell = { person: string | null; week: string };

export function Workload({ board, items, settings, onSettings, onSave, onOpen }: {
  board: Board; items: Item[]; settings: WorkloadSettings; onSettings: (s: WorkloadSettings) => void;
  onSave: (item: Item, column: string, value: unknown) => void; onOpen: (item: string) => void;
}) {
  const columns = board.columns ?? [];
  const people = usePeople();
  const [start, setStart] = useState(() => weekOf(format(new Date(), "yyyy-MM-dd")));
  const [open, setOpen] = useState<Cell | null>(null);
  const [drag, setDrag] = useState<{ item: Item; from: Cell } | null>(null);
  const weeks = useMemo(() => weeksFrom(start, WEEKS), [start]);
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
  function drop(to: Cell) {
    if (!drag) return;
    for (const [column, value] of Object.entries(dropped(drag.item, settings, columns, drag.from, to))) onSave(drag.item, column, value);
    setDrag(null);
    setOpen(to);
  }
  return (
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
                  <td key={weeks[w]} data-week={weeks[w]} className={"workload-cell" + (over ? " over" : "") + (open?.person === r.person && open?.week === weeks[w] ? " open" : "")}
                    onDragOver={(e) => drag && e.preventDefault()} onDrop={(e) => { e.preventDefault(); drop(here); }}>
                    <button className="workload-load" aria-label={`${r.person ? nameOf(r.person) : "Unassigned"}, week of ${format(parseISO(weeks[w]), "MMM d")}: ${shown(c.load)}${over ? " (over capacity)" : ""}`}
                      onClick={() => setOpen(c.items.length ? here : null)}>
                      <span className="workload-bar" style={{ width: `${fill * 100}%` }} />
                      <span className="workload-number">{c.load ? shown(c.load) : ""}</span>
                    </button>
                  </td>
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
            {openItems.map((i) => (
              <li key={i.id} draggable onDragStart={(e) => { e.dataTransfer.setData("text/plain", i.id); setDrag({ item: i, from: open }); }} onDragEnd={() => setDrag(null)}>
                <button className="link" onClick={() => onOpen(i.id)}>{i.name}</button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
