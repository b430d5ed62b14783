// A column's header: rename (double-click), a menu to hide or delete it, a handle to resize
// it, and drag and drop to reorder it (the table's dnd-kit context: picked up by its title, not
// the whole header, so selecting text in the dialogs it opens never drags it; dropped on another
// header, it takes that one's place: after it when dragged rightwards, before it leftwards).
// The last header adds a column.
import { useDraggable, useDroppable } from "@dnd-kit/core";
import { useCallback, useState } from "react";
import type { Column, ColumnType, S } from "../api/types";

type FormulaPreview = S["FormulaPreview"];
import { messageOf } from "../api/client";
import { pickerSections, useColumnTypes } from "../state/columnTypes";
import { ConfirmDialog } from "./Dialog";
import { NewMirrorDialog, NewRelationDialog } from "./Connect";
import { DependencySettingsDialog } from "./DependencySettings";
import { FormulaEditor } from "./FormulaEditor";
import { Popup } from "./Popup";
import type { Lifted, Target } from "./Table";

export type ColumnActions = {
  onAdd: (title: string, type: ColumnType) => void;
  onRename: (id: string, title: string) => void;
  /** Rejects (with the API's error) only when other columns depend on it; `force` deletes it
   * even so. */
  onDelete: (id: string, force?: boolean) => Promise<unknown>;
  onHide: (id: string) => void;
  onResize: (id: string, width: number) => void;
  /** Puts a column right before or right after another. */
  onMove: (id: string, position: { before: string } | { after: string }) => void;
  /** A new formula column; rejects with the API's error when the expression is refused. */
  onAddFormula: (title: string, expression: string) => Promise<unknown>;
  /** A formula's new expression; rejects with the API's error when it is refused. */
  onSetFormula: (id: string, expression: string) => Promise<unknown>;
  /** What an expression would compute for the first items (for `columnId`, the formula being edited). */
  onPreviewFormula: (expression: string, columnId?: string) => Promise<FormulaPreview>;
  /** New settings for a column; rejects with the API's error when they are refused. */
  onSetSettings: (id: string, settings: Record<string, unknown>) => Promise<unknown>;
  /** A new column with settings (a relation, a mirror); rejects with the API's error when refused. */
  onAddWith: (title: string, type: ColumnType, settings: Record<string, unknown>) => Promise<unknown>;
  /** The board's columns (what a formula can refer to). */
  columns: Column[];
  boardId: string;
};

/** `at` names the header row (each group has one), so each header has ids of its own. */
export function ColumnHeader({ col, at, actions }: { col: Column; at: string; actions: ColumnActions }) {
  const [renaming, setRenaming] = useState(false);
  const [menu, setMenu] = useState(false);
  const [deleting, setDeleting] = useState(false);
  // Other columns depend on it: why, and the offer to delete it anyway.
  const [dependents, setDependents] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [settings, setSettings] = useState(false);
  const drag = useDraggable({ id: `column:${at}:${col.id}`, data: { kind: "column", column: col.id } satisfies Lifted, disabled: renaming });
  const drop = useDroppable({ id: `header:${at}:${col.id}`, data: { kind: "column", column: col.id } satisfies Target });
  const ref = useCallback((el: HTMLTableCellElement | null) => {
    drag.setNodeRef(el);
    drop.setNodeRef(el);
  }, [drag.setNodeRef, drop.setNodeRef]);
  const expression = col.type === "formula" ? ((col.settings as { expression?: string }).expression ?? "") : null;
  const startResize = (e: React.MouseEvent) => {
    e.preventDefault();
    e.stopPropagation();
    const th = (e.target as HTMLElement).parentElement as HTMLElement;
    // The table lays out by its <col> widths (fixed layout), so the drag resizes the column's <col>.
    const target = th.closest("table")?.querySelector<HTMLElement>(`col[data-col="${col.id}"]`) ?? th;
    const x0 = e.clientX;
    const w0 = th.offsetWidth;
    const move = (m: MouseEvent) => (target.style.width = `${Math.max(60, w0 + m.clientX - x0)}px`);
    const up = (m: MouseEvent) => {
      window.removeEventListener("mousemove", move);
      window.removeEventListener("mouseup", up);
      actions.onResize(col.id, Math.max(60, w0 + m.clientX - x0));
    };
    window.addEventListener("mousemove", move);
    window.addEventListener("mouseup", up);
  };
  return (
    <th ref={ref} data-header={col.title} className={(drag.isDragging ? "lifted" : "") + (drop.isOver && !drag.isDragging ? " drop-here" : "")}>
      {renaming ? (
        <input autoFocus aria-label="Column title" defaultValue={col.title}
          onBlur={(e) => { setRenaming(false); if (e.target.value.trim() && e.target.value !== col.title) actions.onRename(col.id, e.target.value.trim()); }}
          onKeyDown={(e) => { if (e.key === "Enter") (e.target as HTMLInputElement).blur(); if (e.key === "Escape") setRenaming(false); }} />
      ) : (
        <span ref={drag.setActivatorNodeRef} {...drag.attributes} {...drag.listeners} className="col-title" aria-roledescription="column" aria-label={`Move column ${col.title}`} onDoubleClick={() => setRenaming(true)} title="Double-click to rename, drag to move">{col.title}</span>
      )}
      <button className="col-menu" aria-label={`${col.title} column menu`} onClick={() => setMenu(!menu)}>⋯</button>
      {menu && (
        <Popup className="palette menu" onClose={() => setMenu(false)}>
          <button onClick={() => { setMenu(false); setRenaming(true); }}>Rename</button>
          {expression !== null && <button onClick={() => { setMenu(false); setEditing(true); }}>Edit formula</button>}
          {col.type === "dependency" && <button onClick={() => { setMenu(false); setSettings(true); }}>Dependency settings</button>}
          <button onClick={() => { setMenu(false); actions.onHide(col.id); }}>Hide</button>
          <button onClick={() => { setMenu(false); setDeleting(true); }}>Delete</button>
        </Popup>
      )}
      <span className="resize" onMouseDown={startResize} />
      {editing && <FormulaEditor title={`Formula: ${col.title}`} initial={expression ?? ""} columns={actions.columns.filter((c) => c.id !== col.id)}
        preview={(e) => actions.onPreviewFormula(e, col.id)} onSave={(e) => actions.onSetFormula(col.id, e)} onClose={() => setEditing(false)} />}
      {settings && <DependencySettingsDialog col={col} columns={actions.columns} onSave={(s) => actions.onSetSettings(col.id, s)} onClose={() => setSettings(false)} />}
      {deleting && <ConfirmDialog title="Delete column" message={`Delete the column "${col.title}" and its values on every item?`} confirm="Delete column"
        onConfirm={() => void actions.onDelete(col.id).catch((e) => setDependents(messageOf(e)))} onClose={() => setDeleting(false)} />}
      {dependents && <ConfirmDialog title="Other columns depend on it" message={`${dependents} Delete it anyway? Formulas and mirrors reading it will show an error saying why until they are changed.`}
        confirm="Delete anyway" onConfirm={() => void actions.onDelete(col.id, true)} onClose={() => setDependents(null)} />}
    </th>
  );
}

export function AddColumn({ actions }: { actions: ColumnActions }) {
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState("");
  const [type, setType] = useState<ColumnType>("text");
  const [formula, setFormula] = useState(false);
  // A relation names the board it links to and a mirror what it reads: a dialog asks.
  const [asking, setAsking] = useState<"board_relation" | "mirror" | "rollup" | null>(null);
  // The types the server knows, by title: those people fill in, then those Sunday fills in.
  const sections = pickerSections(useColumnTypes());
  return (
    <th className="add-col">
      <button aria-label="Add column" onClick={() => setOpen(!open)}>+</button>
      {open && (
        <Popup className="palette menu" onClose={() => setOpen(false)}>
          <input aria-label="New column title" placeholder="Title" value={title} onChange={(e) => setTitle(e.target.value)} />
          <select aria-label="New column type" value={type} disabled={sections.length === 0} onChange={(e) => setType(e.target.value as ColumnType)}>
            {sections.length === 0 && <option value={type}>Loading types…</option>}
            {sections.map((s) => (
              <optgroup key={s.label} label={s.label}>
                {s.types.map((t) => <option key={t.type} value={t.type}>{t.title}</option>)}
              </optgroup>
            ))}
          </select>
          <button onClick={() => {
            // A formula needs its expression: the formula editor asks for it.
            if (type === "formula") { setOpen(false); setFormula(true); return; }
            if (type === "board_relation" || type === "mirror" || type === "rollup") { setOpen(false); setAsking(type); return; }
            if (title.trim()) { actions.onAdd(title.trim(), type); setTitle(""); setOpen(false); }
          }}>Create column</button>
        </Popup>
      )}
      {formula && <FormulaEditor title="New formula column" named initialName={title.trim()} columns={actions.columns} preview={(e) => actions.onPreviewFormula(e)}
        onSave={(e, name) => actions.onAddFormula(name, e).then(() => setTitle(""))} onClose={() => setFormula(false)} />}
      {asking === "board_relation" && <NewRelationDialog initialTitle={title.trim()} boardId={actions.boardId}
        onCreate={(t, ty, s) => actions.onAddWith(t, ty, s).then(() => setTitle(""))} onClose={() => setAsking(null)} />}
      {(asking === "mirror" || asking === "rollup") && <NewMirrorDialog type={asking} initialTitle={title.trim()} boardId={actions.boardId} columns={actions.columns}
        onCreate={(t, ty, s) => actions.onAddWith(t, ty, s).then(() => setTitle(""))} onClose={() => setAsking(null)} />}
    </th>
  );
}
