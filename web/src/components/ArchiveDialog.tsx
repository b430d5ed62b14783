// The board's archive, from the board menu: items archived (deleted from the table) with when
// and by whom, each with Restore. There is no list of archived items in the API, so they are
// read from the board's activity log, newest first, a page at a time ("Look further back"
// reads older pages: nothing is left out silently).
import { useCallback, useEffect, useRef, useState } from "react";
import { api, messageOf, ok } from "../api/client";
import type { Board } from "../api/types";
import { archivedIn, type Archived } from "../state/archive";
import { usePeople } from "../state/people";
import { Dialog } from "./Dialog";

const PAGE = 500;

export function ArchiveDialog({ board, onClose }: { board: Board; onClose: () => void }) {
  const people = usePeople();
  const [found, setFound] = useState<Archived[]>([]);
  /** Where the next (older) page of the log starts; null once it has been read to the start. */
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState("");
  const seen = useRef(new Set<string>());
  const read = useCallback(async (from: string | null) => {
    setLoading(true);
    try {
      const page = await ok(api.GET("/api/v1/boards/{id}/activity", { params: { path: { id: board.id }, query: { limit: PAGE, ...(from ? { cursor: from } : {}) } } }));
      const more = archivedIn(page.data, seen.current);
      setFound((f) => [...f, ...more]);
      setCursor(page.next_cursor ?? null);
    } catch (e) {
      setError(messageOf(e));
    }
    setLoading(false);
  }, [board.id]);
  useEffect(() => {
    read(null);
  }, [read]);
  async function restore(a: Archived) {
    try {
      await ok(api.POST("/api/v1/items/{id}/restore", { params: { path: { id: a.item.id } } }));
      setFound((f) => f.filter((x) => x.item.id !== a.item.id));
    } catch (e) {
      setError(messageOf(e));
    }
  }
  const nameOf = (id: string) => people.find((p) => p.id === id)?.name ?? "someone";
  return (
    <Dialog title="Archived items" onClose={onClose}>
      {found.length === 0 && !loading && <p className="muted">{cursor ? "No archived items in the recent activity." : "Nothing is archived on this board."}</p>}
      <ul className="archive">
        {found.map((a) => (
          <li key={a.item.id} data-archived={a.item.name}>
            <span className="what"><strong>{a.item.name}</strong> <span className="muted">archived {new Date(a.at).toLocaleString()} by {nameOf(a.by)}</span></span>
            <button className="link" onClick={() => restore(a)}>Restore</button>
          </li>
        ))}
      </ul>
      {error && <div className="error" role="alert">{error}</div>}
      <div className="dialog-actions">
        {cursor && <button className="link" disabled={loading} onClick={() => read(cursor)}>Look further back</button>}
        <button className="primary" onClick={onClose}>Done</button>
      </div>
    </Dialog>
  );
}
