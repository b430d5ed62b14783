// My Work: every item assigned to me across the organization's boards, by when it is due
// (overdue, today, this week, later, no date), each with its board, its status and its due date
// editable in place; a name opens the item on its board.
import { format } from "date-fns";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api, messageOf, ok } from "../api/client";
import type { Item } from "../api/types";
import { labelsOf } from "../state/lanes";
import { bucketed, type WorkBoard, type WorkRow } from "../state/myWork";
import { color } from "./Cell";

const today = () => format(new Date(), "yyyy-MM-dd");

function Row({ row, onSave, onOpen }: { row: WorkRow; onSave: (item: Item, column: string, value: unknown) => void; onOpen: (board: string, item: string) => void }) {
  const { item, board, due, done } = row;
  const status = board.columns.find((c) => c.id === board.status_column_id);
  const dates = board.columns.find((c) => c.id === board.date_column_id);
  const labels = status ? labelsOf(status) : [];
  const label = status ? labels.find((l) => l.id === item.values[status.id]) : undefined;
  return (
    <tr data-item={item.name} className={done ? "done" : undefined}>
      <td><button className="link work-name" onClick={() => onOpen(board.id, item.id)}>{item.name}</button></td>
      <td className="muted">{board.name}</td>
      <td>
        {status && (
          <select aria-label={`Status of ${item.name}`} value={label?.id ?? ""} style={label ? { background: color(label.color ?? "grey"), color: "#fff" } : undefined}
            onChange={(e) => onSave(item, status.id, e.target.value || null)}>
            <option value="">—</option>
            {labels.map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
          </select>
        )}
      </td>
      <td>
        {dates?.type === "date" ? (
          <input type="date" aria-label={`Due date of ${item.name}`} value={due ?? ""} onChange={(e) => onSave(item, dates.id, e.target.value || null)} />
        ) : <span>{due ?? ""}</span>}
      </td>
    </tr>
  );
}

type Work = { boards: WorkBoard[]; items: Item[]; truncated: boolean };

export function MyWork({ org, onOpen }: { org: string; onOpen: (board: string, item: string) => void }) {
  const client = useQueryClient();
  const key = ["me", "work", org];
  const read = useQuery({
    queryKey: key,
    queryFn: async () => (await ok(api.GET("/api/v1/me/work", { params: { query: { org_id: org } } }))) as unknown as Work,
    // Back on the tab, the list catches up with what changed meanwhile.
    refetchOnWindowFocus: "always",
  });
  const work = read.data ?? null;
  const [failed, setError] = useState("");
  const error = failed || (read.error ? messageOf(read.error) : "");
  const [showDone, setShowDone] = useState(false);
  const groups = useMemo(() => (work ? bucketed(work.items, work.boards, today(), showDone) : []), [work, showDone]);
  async function save(item: Item, column: string, value: unknown) {
    client.setQueryData<Work>(key, (w) => w && { ...w, items: w.items.map((i) => (i.id === item.id ? { ...i, values: { ...i.values, [column]: value } } : i)) });
    try {
      await ok(api.PATCH("/api/v1/items/{id}", { params: { path: { id: item.id } }, body: { values: { [column]: value } } }));
      setError("");
    } catch (e) {
      setError(messageOf(e));
      void client.invalidateQueries({ queryKey: key });
    }
  }
  return (
    <section className="my-work">
      <div className="board-head"><h1>My work</h1></div>
      <label className="muted"><input type="checkbox" checked={showDone} onChange={(e) => setShowDone(e.target.checked)} /> Show done items</label>
      {error && <div className="error banner" role="alert">{error}</div>}
      {!work && !error && <div className="muted">Loading…</div>}
      {work && groups.length === 0 && <p className="muted">Nothing is assigned to you. Items with you in a people column show up here.</p>}
      {groups.map((g) => (
        <section key={g.key} className={"work-bucket bucket-" + g.key} aria-label={g.title}>
          <h2>{g.title} <span className="muted">{g.rows.length}</span></h2>
          <table className="work-table">
            <thead><tr><th scope="col">Item</th><th scope="col">Board</th><th scope="col">Status</th><th scope="col">Due</th></tr></thead>
            <tbody>{g.rows.map((r) => <Row key={r.item.id} row={r} onSave={save} onOpen={onOpen} />)}</tbody>
          </table>
        </section>
      ))}
      {work?.truncated && <p className="muted">Showing the first 2,000 items.</p>}
    </section>
  );
}
