// The formula editor: the expression, buttons that insert a column reference, and the server's
// verdict. The server checks a formula when it is saved (syntax, columns, types, cycles) and
// answers with the position of the mistake, which is shown under the expression, marked.
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { ApiError, messageOf } from "../api/client";
import type { Column, S } from "../api/types";
import { Dialog } from "./Dialog";

const EXAMPLES = ["{Price} * {Quantity}", 'IF({Due} < TODAY(), "Late", "On time")', "DAYS({Due}, TODAY())", 'CONCATENATE({Name}, " – ", {Status})'];

type Refusal = { message: string; start?: number; end?: number };
type Preview = S["FormulaPreview"];

const refusalOf = (e: unknown): Refusal => {
  const d = e instanceof ApiError ? (e.details as { position?: number; end?: number } | undefined) : undefined;
  return { message: messageOf(e), start: d?.position, end: d?.end };
};

/** A preview value as text: the value, its error, or a dash when empty. */
function shown(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "object" && v && "error" in v) return `⚠ ${(v as { error: { message: string } }).error.message}`;
  return typeof v === "boolean" ? (v ? "✔" : "—") : String(v);
}

export function FormulaEditor({ title, initial = "", named = false, initialName = "Formula", columns, preview, onSave, onClose }: {
  /** The dialog's title. */
  title: string;
  initial?: string;
  /** Whether the dialog also asks for the column's title (a new formula). */
  named?: boolean;
  /** The column title offered first (what the picker was given). */
  initialName?: string;
  /** The board's columns, offered as references. */
  columns: Column[];
  /** What the expression computes for the first items (checked by the server as you type). */
  preview: (expression: string) => Promise<Preview>;
  /** Saves; a rejection with the API's error is shown in place. */
  onSave: (expression: string, name: string) => Promise<unknown>;
  onClose: () => void;
}) {
  const [expression, setExpression] = useState(initial);
  const [name, setName] = useState(initialName || "Formula");
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [saving, setSaving] = useState(false);
  const [previewed, setPreviewed] = useState<Preview | null>(null);
  const [caret, setCaret] = useState(initial.length);
  const area = useRef<HTMLTextAreaElement>(null);
  /** Where the caret goes once an insertion is on the page: set in the same commit as the new
   * text (a frame later, keys typed meanwhile would land before it and be split by the move). */
  const placeCaret = useRef<number | null>(null);
  useLayoutEffect(() => {
    const at = placeCaret.current;
    if (at === null) return;
    placeCaret.current = null;
    area.current?.focus();
    area.current?.setSelectionRange(at, at);
  });
  const previewer = useRef(preview);
  previewer.current = preview;
  // Checked and computed as you type (after a pause), so mistakes show before saving.
  useEffect(() => {
    if (!expression.trim()) {
      setPreviewed(null);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      previewer.current(expression).then(
        (p) => { if (live) { setPreviewed(p); setRefusal(null); } },
        (e) => { if (live) { setPreviewed(null); setRefusal(refusalOf(e)); } },
      );
    }, 350);
    return () => { live = false; clearTimeout(t); };
  }, [expression]);
  // Typing `{` offers the columns whose titles start with what follows it.
  const open = /\{([^{}]*)$/.exec(expression.slice(0, caret));
  const suggestions = open ? [...columns.map((c) => c.title), "Name"].filter((t) => t.toLowerCase().startsWith(open[1].toLowerCase())).slice(0, 8) : [];
  const complete = (t: string) => {
    if (!open) return;
    const start = caret - open[1].length;
    const next = expression.slice(0, start) + t + "}" + expression.slice(caret);
    setExpression(next);
    const at = start + t.length + 1;
    setCaret(at);
    placeCaret.current = at;
  };
  const insert = (text: string) => {
    const el = area.current;
    const at = el?.selectionStart ?? expression.length;
    const end = el?.selectionEnd ?? at;
    setExpression(expression.slice(0, at) + text + expression.slice(end));
    placeCaret.current = at + text.length;
  };
  const save = async () => {
    setSaving(true);
    try {
      await onSave(expression, name.trim() || "Formula");
      onClose();
    } catch (e) {
      setRefusal(refusalOf(e));
    } finally {
      setSaving(false);
    }
  };
  const chars = [...expression];
  return (
    <Dialog title={title} onClose={onClose}>
      <form className="formula-editor" onSubmit={(e) => { e.preventDefault(); void save(); }}>
        {named && <label>Column title <input aria-label="Formula title" value={name} onChange={(e) => setName(e.target.value)} /></label>}
        <label>Expression
          <textarea ref={area} aria-label="Formula expression" rows={3} spellCheck={false} value={expression}
            placeholder={EXAMPLES[0]} onChange={(e) => { setExpression(e.target.value); setCaret(e.target.selectionStart); }}
            onSelect={(e) => setCaret((e.target as HTMLTextAreaElement).selectionStart)} />
        </label>
        {suggestions.length > 0 && (
          <div className="formula-suggest" role="listbox" aria-label="Columns">
            {suggestions.map((t) => <button type="button" role="option" aria-selected={false} key={t} onMouseDown={(e) => { e.preventDefault(); complete(t); }}>{t}</button>)}
          </div>
        )}
        {refusal && (
          <div className="formula-error" role="alert">
            <p>{refusal.message}</p>
            {refusal.start !== undefined && (
              <code aria-label="Where the formula is wrong">
                {chars.slice(0, refusal.start).join("")}
                <mark>{chars.slice(refusal.start, Math.max(refusal.end ?? refusal.start, refusal.start + 1)).join("") || " "}</mark>
                {chars.slice(Math.max(refusal.end ?? refusal.start, refusal.start + 1)).join("")}
              </code>
            )}
          </div>
        )}
        {previewed && !refusal && (
          <table className="formula-preview" aria-label="Preview">
            <caption>Preview ({previewed.result})</caption>
            <tbody>{previewed.items.map((i) => <tr key={i.item_id}><th scope="row">{i.name}</th><td>{shown(i.value)}</td></tr>)}</tbody>
          </table>
        )}
        <div className="formula-refs" role="group" aria-label="Insert a column">
          {columns.filter((c) => c.type !== "button").map((c) => (
            <button type="button" key={c.id} className="chip" onClick={() => insert(`{${c.title}}`)}>{c.title}</button>
          ))}
          <button type="button" className="chip" onClick={() => insert("{Name}")}>Name</button>
        </div>
        <p className="hint">Refer to columns as <code>{"{Title}"}</code>. Functions include IF, SWITCH, AND, OR, CONCATENATE, LEFT, UPPER, LEN, TODAY, DAYS, WORKDAYS, ADD_DAYS, FORMAT_DATE, ROUND, SUM, MIN, MAX, AVERAGE. Examples: {EXAMPLES.slice(1).map((x) => <code key={x}>{x}</code>)}</p>
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button className="primary" disabled={saving || !expression.trim()}>Save formula</button>
        </div>
      </form>
    </Dialog>
  );
}
