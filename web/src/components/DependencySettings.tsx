// A dependency column's settings: which date or timeline column its dependencies order, and how
// moving an item's dates moves the items that depend on it.
import { useState } from "react";
import { messageOf } from "../api/client";
import type { Column } from "../api/types";
import { Dialog } from "./Dialog";

type Settings = { date_column_id?: string | null; mode?: string; lag_days?: number };

const MODES: [string, string][] = [
  ["keep_gap", "Keep the gap: dependents move as far as their predecessor's end moved"],
  ["strict", "Strict: dependents start right after their predecessors end (plus the lag)"],
  ["none", "None: nothing moves"],
];

export function DependencySettingsDialog({ col, columns, onSave, onClose }: {
  col: Column; columns: Column[]; onSave: (settings: Settings) => Promise<unknown>; onClose: () => void;
}) {
  const current = col.settings as Settings;
  const [date, setDate] = useState(current.date_column_id ?? "");
  const [mode, setMode] = useState(current.mode ?? "keep_gap");
  const [lag, setLag] = useState(current.lag_days ?? 0);
  const [error, setError] = useState("");
  const dated = columns.filter((c) => c.type === "date" || c.type === "timeline");
  const save = async () => {
    try {
      await onSave({ date_column_id: date || null, mode, lag_days: lag });
      onClose();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <Dialog title={`Dependencies: ${col.title}`} onClose={onClose}>
      <form onSubmit={(e) => { e.preventDefault(); void save(); }}>
        <label>Dates to move
          <select aria-label="Date column" value={date} onChange={(e) => setDate(e.target.value)}>
            <option value="">None</option>
            {dated.map((c) => <option key={c.id} value={c.id}>{c.title}</option>)}
          </select>
        </label>
        <fieldset>
          <legend>When an item's dates move</legend>
          {MODES.map(([value, words]) => (
            <label key={value}><input type="radio" name="mode" value={value} checked={mode === value} onChange={() => setMode(value)} /> {words}</label>
          ))}
        </fieldset>
        <label>Lag (days between a predecessor's end and a dependent's start)
          <input aria-label="Lag in days" type="number" min={0} max={365} value={lag} onChange={(e) => setLag(Math.max(0, Math.min(365, Number(e.target.value) || 0)))} />
        </label>
        {error && <p role="alert" className="error">{error}</p>}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button className="primary">Save</button>
        </div>
      </form>
    </Dialog>
  );
}
