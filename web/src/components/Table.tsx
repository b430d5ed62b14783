// The main table: coloured groups with counts, a sticky name column, a cell per column, an
// "add item" row per group, status battery footers, drag to move items between groups.
import { useEffect, useRef, useState } from "react";
import type { Board, Column, Item } from "../api/types";
import { itemsOf } from "../state/board";
import { labelsOf, laneOf, lanesOf, laneValue } from "../state/lanes";
import { usePeople, type Person } from "../state/people";
import { Cell, color } from "./Cell";
import { AddColumn, ColumnHeader, type ColumnActions } from "./ColumnHeader";

type Props = {
  board: Board;
  items: Item[];
  meId: string;
  editors: Map<string, string>;
  onSave: (item: Item, column: string, value: unknown) => void;
  onRename: (item: Item, name: string) => void;
  onAdd: (group: string, name: string) => void;
  onOpen: (item: string) => void;
  onMove: (item: Item, group: string, after?: string) => void;
  onEditing: (item: Item, column: string, on: boolean) => void;
  onArchive: (items: Item[]) => void;
  /** Group rows by a column's values (labels, people) instead of the board's groups. */
  groupBy?: Column;
  /** Order of rows within a group (default: board order). */
  sort?: (a: Item, b: Item) => number;
  hidden: Set<string>;
  columnActions: ColumnActions;
};

const ROW = 37;

/** The rows of a group worth rendering: those near the viewport (plus a margin), so a
 * 10,000-item board renders a few dozen rows at a time. */
function useWindow(count: number) {
  const ref = useRef<HTMLTableSectionElement>(null);
  const [range, setRange] = useState<[number, number]>([0, Math.min(count, 60)]);
  useEffect(() => {
    const update = () => {
      const el = ref.current;
      if (!el) return;
      const top = el.getBoundingClientRect().top;
      const first = Math.max(0, Math.floor(-top / ROW) - 20);
      const last = Math.min(count, Math.ceil((window.innerHeight - top) / ROW) + 20);
      setRange((r) => (r[0] === first && r[1] === last ? r : [first, Math.max(first, last)]));
    };
    update();
    // Scroll events do not bubble; listening in the capture phase sees every scroller.
    document.addEventListener("scroll", update, { capture: true, passive: true });
    window.addEventListener("resize", update);
    return () => {
      document.removeEventListener("scroll", update, { capture: true });
      window.removeEventListener("resize", update);
    };
  }, [count]);
  return { ref, range };
}

/** Arrow keys move between cells; Enter edits (handled by the cell). */
function navigate(e: React.KeyboardEvent) {
  const td = (e.target as HTMLElement).closest("td[data-r]") as HTMLElement | null;
  if (!td || !e.key.startsWith("Arrow") || (e.target as HTMLElement).tagName === "INPUT") return;
  const r = Number(td.dataset.r) + (e.key === "ArrowDown" ? 1 : e.key === "ArrowUp" ? -1 : 0);
  const c = Number(td.dataset.c) + (e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0);
  const next = td.closest(".table-wrap")?.querySelector<HTMLElement>(`td[data-r="${r}"][data-c="${c}"]`);
  if (next) {
    e.preventDefault();
    next.focus();
  }
}

type G = { id: string; title: string; color: string };

function groupsFor(p: Props, people: Person[]): G[] {
  if (!p.groupBy) return p.board.groups ?? [];
  return lanesOf(p.groupBy, people, p.items).map((l) => ({ id: l.id, title: l.name, color: l.color }));
}

function rowsFor(p: Props, group: string): Item[] {
  const col = p.groupBy;
  const rows = col
    ? p.items.filter((i) => laneOf(col, i) === group)
    : itemsOf(p.items, group);
  if (p.sort) return [...rows].sort(p.sort);
  return col ? [...rows].sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0)) : rows;
}

function Battery({ col, items }: { col: Column; items: Item[] }) {
  const labels = labelsOf(col);
  const counts = labels.map((l) => items.filter((i) => i.values[col.id] === l.id).length);
  const total = items.length || 1;
  return (
    <div className="battery" title={labels.map((l, i) => `${l.name}: ${counts[i]}`).join(", ")}>
      {labels.map((l, i) => counts[i] > 0 && <span key={l.id} style={{ width: `${(100 * counts[i]) / total}%`, background: color(l.color) }} />)}
    </div>
  );
}

function Footer({ col, items }: { col: Column; items: Item[] }) {
  if (col.type === "status") return <Battery col={col} items={items} />;
  if (col.type === "number") {
    const nums = items.map((i) => i.values[col.id]).filter((v): v is number => typeof v === "number");
    const sum = nums.reduce((a, b) => a + b, 0);
    return <span className="sum">{nums.length ? `Σ ${sum}` : ""}</span>;
  }
  return null;
}

export function Table(p: Props) {
  const people = usePeople();
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [dragging, setDraggingState] = useState<Item | null>(null);
  const dragged = useRef<Item | null>(null);
  const setDragging = (i: Item | null) => {
    dragged.current = i;
    setDraggingState(i);
  };
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const chosen = p.items.filter((i) => selected.has(i.id));
  const status = (p.board.columns ?? []).find((c) => c.type === "status");
  let rowBase = 0;
  const columns = (p.board.columns ?? []).filter((c) => !p.hidden.has(c.id));
  return (
    <div className="table-wrap" onKeyDown={navigate}>
      {chosen.length > 0 && (
        <div className="bulk" role="toolbar" aria-label="Selected items">
          <strong>{chosen.length} selected</strong>
          <select aria-label="Move selected to group" value="" onChange={(e) => { chosen.forEach((i) => p.onMove(i, e.target.value)); setSelected(new Set()); }}>
            <option value="">Move to…</option>
            {(p.board.groups ?? []).map((g) => <option key={g.id} value={g.id}>{g.title}</option>)}
          </select>
          {status && (
            <select aria-label="Set status of selected" value="" onChange={(e) => { chosen.forEach((i) => p.onSave(i, status.id, e.target.value || null)); }}>
              <option value="">Set {status.title}…</option>
              {labelsOf(status).map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
            </select>
          )}
          <button className="link danger" onClick={() => { p.onArchive(chosen); setSelected(new Set()); }}>Delete</button>
          <button className="link" onClick={() => setSelected(new Set())}>Clear</button>
        </div>
      )}
      {groupsFor(p, people).map((g) => {
        const rows = rowsFor(p, g.id);
        const base = rowBase;
        rowBase += rows.length;
        const shut = collapsed.has(g.id);
        return (
          <div key={g.id} className="group" style={{ "--group": color(g.color) } as React.CSSProperties}
            onDragOver={(e) => e.preventDefault()}
            onDrop={() => dragging && (p.groupBy ? p.onSave(dragging, p.groupBy.id, laneValue(p.groupBy, g.id)) : p.onMove(dragging, g.id, rows[rows.length - 1]?.id))}>
            <div className="group-title">
              <button className="chev" aria-label={shut ? "Expand group" : "Collapse group"} onClick={() => { const n = new Set(collapsed); if (shut) n.delete(g.id); else n.add(g.id); setCollapsed(n); }}>{shut ? "▸" : "▾"}</button>
              <span style={{ color: color(g.color) }}>{g.title}</span>
              <span className="count">{rows.length} item{rows.length === 1 ? "" : "s"}</span>
            </div>
            {!shut && (
              <table>
                <thead>
                  <tr>
                    <th className="name-col">Item</th>
                    {columns.map((c) => <ColumnHeader key={c.id} col={c} actions={p.columnActions} />)}
                    <AddColumn actions={p.columnActions} />
                  </tr>
                </thead>
                <Rows rows={rows} base={base} columns={columns} props={p} selected={selected} setSelected={setSelected} setDragging={setDragging} dragged={dragged} />
                <tbody>
                  <tr className="add-row">
                    <td className="name-col">
                      <input placeholder="+ Add item" value={drafts[g.id] ?? ""} aria-label={`Add item to ${g.title}`}
                        onChange={(e) => setDrafts({ ...drafts, [g.id]: e.target.value })}
                        onKeyDown={(e) => {
                          const v = (drafts[g.id] ?? "").trim();
                          if (e.key === "Enter" && v) { p.onAdd(p.groupBy ? (p.board.groups ?? [])[0]?.id ?? g.id : g.id, v); setDrafts({ ...drafts, [g.id]: "" }); }
                        }} />
                    </td>
                    {columns.map((c) => <td key={c.id} />)}
                  </tr>
                </tbody>
                <tfoot>
                  <tr>
                    <td />
                    {columns.map((c) => <td key={c.id}><Footer col={c} items={rows} /></td>)}
                  </tr>
                </tfoot>
              </table>
            )}
          </div>
        );
      })}
    </div>
  );
}

function Rows({ rows, base, columns, props: p, selected, setSelected, setDragging, dragged }: {
  rows: Item[]; base: number; columns: Column[]; props: Props; selected: Set<string>;
  setSelected: (s: Set<string>) => void; setDragging: (i: Item | null) => void; dragged: React.RefObject<Item | null>;
}) {
  const { ref, range } = useWindow(rows.length);
  const [first, last] = range;
  return (
    <tbody ref={ref}>
      {first > 0 && <tr style={{ height: first * ROW }} aria-hidden="true" />}
      {rows.slice(first, last).map((item, k) => {
        const r = base + first + k;
        return (
          <tr key={item.id} draggable onDragStart={() => setDragging(item)} onDragEnd={() => setDragging(null)} data-item={item.name} className={selected.has(item.id) ? "selected" : ""}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              // Dropped on a row: right after it, in its group (board grouping only).
              if (!dragged.current || dragged.current.id === item.id || p.groupBy) return;
              e.stopPropagation();
              p.onMove(dragged.current, item.group_id, item.id);
            }}>
            <td className="name-col">
              <input type="checkbox" className="select" aria-label={`Select ${item.name}`} checked={selected.has(item.id)}
                onChange={(e) => { const n = new Set(selected); if (e.target.checked) n.add(item.id); else n.delete(item.id); setSelected(n); }} />
              <input className="name-input" defaultValue={item.name} key={item.name} onBlur={(e) => e.target.value !== item.name && e.target.value.trim() && p.onRename(item, e.target.value)}
                onKeyDown={(e) => e.key === "Enter" && (e.target as HTMLInputElement).blur()} aria-label="Item name" />
              <button className="open" title="Open updates" aria-label="Open updates" onClick={() => p.onOpen(item.id)}><svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true"><path d="M2 3h12v8H6l-3 3v-3H2z" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinejoin="round" /></svg></button>
            </td>
            {columns.map((c, ci) => (
              <Cell key={c.id} col={c} item={item} meId={p.meId} row={r} index={ci} remoteEditor={p.editors.get(item.id)} onSave={(v) => p.onSave(item, c.id, v)} onEditing={(on) => p.onEditing(item, c.id, on)} />
            ))}
          </tr>
        );
      })}
      {last < rows.length && <tr style={{ height: (rows.length - last) * ROW }} aria-hidden="true" />}
    </tbody>
  );
}
