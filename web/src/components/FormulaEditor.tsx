// The formula editor: the expression, buttons that insert a column reference, and the server's
// verdict. The server checks a formula when it is saved (syntax, columns, types, cycles) and
// answers with the position of the mistake, which is shown under the expression, marked.
import { useRef, useState } from "react";
import { ApiError, messageOf } from "../api/client";
import type { Column } from "../api/types";
import { Dialog } from "./Dialog";

const EXAMPLES = ["{Price} * {Quantity}", 'IF({Due} < TODAY(), "Late", "On time")', "DAYS({Due}, TODAY())", 'CONCATENATE({Name}, " – ", {Status})'];

type Refusal = { message: string; start?: number; end?: number };

export function FormulaEditor({ title, initial = "", named = false, initialName = "Formula", columns, onSave, onClose }: {
  /** The dialog's title. */
  title: string;
  initial?: string;
  /** Whether the dialog also asks for the column's title (a new formula). */
  named?: boolean;
  /** The column title offered first (what the picker was given). */
  initialName?: string;
  /** The board's columns, offered as references. */
  columns: Column[];
  /** Saves; a rejection with the API's error is shown in place. */
  onSave: (expression: string, name: string) => Promise<unknown>;
  onClose: () => void;
}) {
  const [expression, setExpression] = useState(initial);
  const [name, setName] = useState(initialName || "Formula");
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [saving, setSaving] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const insert = (text: string) => {
    const el = area.current;
    const at = el?.selectionStart ?? expression.length;
    const end = el?.selectionEnd ?? at;
    setExpression(expression.slice(0, at) + text + expression.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + text.length, at + text.length);
    });
  };
  const save = async () => {
    setSaving(true);
    try {
      await onSave(expression, name.trim() || "Formula");
      onClose();
    } catch (e) {
      const d = e instanceof ApiError ? (e.details as { position?: number; end?: number } | undefined) : undefined;
      setRefusal({ message: messageOf(e), start: d?.position, end: d?.end });
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
            placeholder={EXAMPLES[0]} onChange={(e) => { setExpression(e.target.value); setRefusal(null); }} />
        </label>
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
