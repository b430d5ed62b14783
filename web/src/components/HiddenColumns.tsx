// The toolbar's "Hidden columns" menu: every hidden column, each a button that shows it again
// (one at a time), and "Show all". Shown only while some column is hidden.
import { useState } from "react";
import type { Column } from "../api/types";
import { Popup } from "./Popup";

export function HiddenColumns({ columns, hidden, onChange }: { columns: Column[]; hidden: ReadonlySet<string>; onChange: (hidden: Set<string>) => void }) {
  const [open, setOpen] = useState(false);
  const off = columns.filter((c) => hidden.has(c.id));
  if (off.length === 0) return null;
  const show = (id: string) => onChange(new Set([...hidden].filter((h) => h !== id)));
  return (
    <span className="hidden-columns">
      <button className="filter-add" aria-expanded={open} onClick={() => setOpen(!open)}>Hidden columns ({off.length})</button>
      {open && (
        <Popup className="palette menu" onClose={() => setOpen(false)}>
          {off.map((c) => (
            <button key={c.id} aria-label={`Show ${c.title}`} onClick={() => show(c.id)}>{c.title}</button>
          ))}
          <button onClick={() => { onChange(new Set()); setOpen(false); }}>Show all</button>
        </Popup>
      )}
    </span>
  );
}
