// Importing a CSV file into the board, from the board menu: pick the file, say where each of
// its columns goes (the item's name, its group, a board column, or nowhere), then watch a
// progress bar while the rows go up in chunks; rejected rows are listed by their line. The new
// items arrive on the board as live events. CSV is parsed (and re-written per chunk) by
// papaparse, so quoted commas and line breaks survive.
import Papa from "papaparse";
import { useState } from "react";
import { api, messageOf, ok } from "../api/client";
import type { Board } from "../api/types";
import { chunksOf, defaultMapping, fileLine, remap, type Mapping } from "../state/csvImport";
import { Dialog } from "./Dialog";

const CHUNK = 200;

type Parsed = { name: string; headers: string[]; rows: string[][] };
type Progress = { done: number; imported: number; rejected: { line: number; message: string }[]; finished: boolean };

export function ImportDialog({ board, onClose }: { board: Board; onClose: () => void }) {
  const [parsed, setParsed] = useState<Parsed | null>(null);
  const [mapping, setMapping] = useState<Mapping>({});
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState("");
  // A button column holds no value to import.
  const columns = (board.columns ?? []).filter((c) => c.type !== "button");

  async function pick(file: File | undefined) {
    if (!file) return;
    const { data } = Papa.parse<string[]>(await file.text(), { skipEmptyLines: true });
    if (data.length < 2) return setError("The file has no rows under its header.");
    setError("");
    setParsed({ name: file.name, headers: data[0], rows: data.slice(1) });
    setMapping(defaultMapping(data[0], columns));
  }

  async function run(p: Parsed) {
    let now: Progress = { done: 0, imported: 0, rejected: [], finished: false };
    setProgress(now);
    try {
      for (const chunk of chunksOf(p.rows, CHUNK)) {
        const csv = Papa.unparse([p.headers, ...chunk.rows]);
        const report = await ok(api.POST("/api/v1/boards/{id}/import", { params: { path: { id: board.id } }, body: { csv, mapping } }));
        const rejected = report.rejected.map((r) => ({ line: fileLine(chunk.start, r.line), message: r.column ? `${r.column}: ${r.message}` : r.message }));
        now = { ...now, done: now.done + chunk.rows.length, imported: now.imported + report.imported, rejected: [...now.rejected, ...rejected] };
        setProgress(now);
      }
    } catch (e) {
      setError(messageOf(e));
    }
    setProgress({ ...now, finished: true });
  }

  const targets = [{ id: "name", title: "Item name" }, { id: "group", title: "Group" }, ...columns.map((c) => ({ id: c.id, title: c.title }))];
  return (
    <Dialog title="Import from CSV" onClose={onClose}>
      {!parsed && <label className="field">A CSV file, its first line the column names<input type="file" accept=".csv,text/csv" aria-label="CSV file" onChange={(e) => pick(e.target.files?.[0])} /></label>}
      {parsed && !progress && (
        <>
          <p>{parsed.rows.length} rows in {parsed.name}. Where does each column go?</p>
          <table className="mapping">
            <tbody>
              {parsed.headers.map((h, k) => (
                <tr key={k}>
                  <td><strong>{h}</strong> <span className="muted">{parsed.rows[0]?.[k]}</span></td>
                  <td>
                    <select aria-label={`Column for ${h}`} value={mapping[h] ?? ""} onChange={(e) => setMapping(remap(mapping, h, e.target.value || null))}>
                      <option value="">Skip</option>
                      {targets.map((t) => <option key={t.id} value={t.id}>{t.title}</option>)}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {progress && (
        <>
          <progress aria-label="Import progress" value={progress.done} max={parsed?.rows.length ?? 1} />
          <p role="status">{progress.finished ? `Imported ${progress.imported} item${progress.imported === 1 ? "" : "s"}.` : `${progress.done} of ${parsed?.rows.length} rows…`}
            {progress.rejected.length > 0 && ` ${progress.rejected.length} row${progress.rejected.length === 1 ? " was" : "s were"} not imported:`}</p>
          {progress.rejected.length > 0 && (
            <ul className="rejected">{progress.rejected.slice(0, 20).map((r) => <li key={r.line}>Line {r.line}: {r.message}</li>)}</ul>
          )}
        </>
      )}
      {error && <div className="error" role="alert">{error}</div>}
      <div className="dialog-actions">
        {!progress?.finished && <button type="button" className="link" onClick={onClose} disabled={!!progress}>Cancel</button>}
        {parsed && !progress && <button className="primary" disabled={!Object.values(mapping).includes("name")} onClick={() => run(parsed)}>Import {parsed.rows.length} rows</button>}
        {progress?.finished && <button className="primary" onClick={onClose}>Done</button>}
      </div>
    </Dialog>
  );
}
