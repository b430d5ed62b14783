// The main table: coloured groups with counts, a sticky name column, a cell per column, an
// "add item" row per group, status battery footers, drag to move items between groups.
import { useState } from "react";
import type { Board, Column, Item } from "../api/types";
import { itemsOf } from "../state/board";
import { Cell, color, labelsOf } from "./Cell";

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
};

function Battery({ col, items }: { col: Column; items: Item[] }) {
  const labels = labelsOf(col);
  const counts = labels.map((l) => items.filter((i) => (i.values as Record<string, unknown>)[col.id] === l.id).length);
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
    const nums = items.map((i) => (i.values as Record<string, unknown>)[col.id]).filter((v): v is number => typeof v === "number");
    const sum = nums.reduce((a, b) => a + b, 0);
    return <span className="sum">{nums.length ? `Σ ${sum}` : ""}</span>;
  }
  return null;
}

export function Table(p: Props) {
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [dragging, setDragging] = useState<Item | null>(null);
  const columns = p.board.columns ?? [];
  return (
    <div className="table-wrap">
      {(p.board.groups ?? []).map((g) => {
        const rows = itemsOf(p.items, g.id);
        const shut = collapsed.has(g.id);
        return (
          <div key={g.id} className="group" style={{ "--group": color(g.color) } as React.CSSProperties}
            onDragOver={(e) => e.preventDefault()} onDrop={() => dragging && p.onMove(dragging, g.id, rows[rows.length - 1]?.id)}>
            <div className="group-title">
              <button className="chev" onClick={() => { const n = new Set(collapsed); if (shut) n.delete(g.id); else n.add(g.id); setCollapsed(n); }}>{shut ? "▸" : "▾"}</button>
              <span style={{ color: color(g.color) }}>{g.title}</span>
              <span className="count">{rows.length} item{rows.length === 1 ? "" : "s"}</span>
            </div>
            {!shut && (
              <table>
                <thead>
                  <tr>
                    <th className="name-col">Item</th>
                    {columns.map((c) => <th key={c.id}>{c.title}</th>)}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((item) => (
                    <tr key={item.id} draggable onDragStart={() => setDragging(item)} onDragEnd={() => setDragging(null)} data-item={item.name}>
                      <td className="name-col">
                        <input className="name-input" defaultValue={item.name} key={item.name} onBlur={(e) => e.target.value !== item.name && e.target.value.trim() && p.onRename(item, e.target.value)}
                          onKeyDown={(e) => e.key === "Enter" && (e.target as HTMLInputElement).blur()} aria-label="Item name" />
                        <button className="open" title="Open updates" aria-label="Open updates" onClick={() => p.onOpen(item.id)}><svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true"><path d="M2 3h12v8H6l-3 3v-3H2z" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinejoin="round" /></svg></button>
                      </td>
                      {columns.map((c) => (
                        <Cell key={c.id} col={c} item={item} meId={p.meId} remoteEditor={p.editors.get(item.id)} onSave={(v) => p.onSave(item, c.id, v)} onEditing={(on) => p.onEditing(item, c.id, on)} />
                      ))}
                    </tr>
                  ))}
                  <tr className="add-row">
                    <td className="name-col">
                      <input placeholder="+ Add item" value={drafts[g.id] ?? ""} aria-label={`Add item to ${g.title}`}
                        onChange={(e) => setDrafts({ ...drafts, [g.id]: e.target.value })}
                        onKeyDown={(e) => {
                          const v = (drafts[g.id] ?? "").trim();
                          if (e.key === "Enter" && v) { p.onAdd(g.id, v); setDrafts({ ...drafts, [g.id]: "" }); }
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
