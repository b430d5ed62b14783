// The board's archive, from the board menu: its archived items in board order, with their
// group and when they were archived, each with Restore (the item goes back on the board, where
// its `item_restored` event puts it). Read a page at a time from the archive's own list
// (`GET /boards/{id}/items/archived`); "Show more" reads the next, so nothing is left out.
import { useCallback, useEffect, useState } from "react";
import { api, messageOf, ok } from "../api/client";
import type { Board, Item } from "../api/types";
import { emptyArchive, withPage, without } from "../state/archive";
import { Dialog } from "./Dialog";

export const ARCHIVE_PAGE = 50;

export function ArchiveDialog({ board, onClose }: { board: Board; onClose: () => void }) {
  const [list, setList] = useState(emptyArchive);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState("");
  const read = useCallback(async (cursor: string | null) => {
    setLoading(true);
    try {
      const query = { limit: ARCHIVE_PAGE, ...(cursor ? { cursor } : {}) };
      const page = await ok(api.GET("/api/v1/boards/{id}/items/archived", { params: { path: { id: board.id }, query } }));
      setList((l) => withPage(l, page));
    } catch (e) {
      setError(messageOf(e));
    }
    setLoading(false);
  }, [board.id]);
  useEffect(() => {
    read(null);
  }, [read]);
  async function restore(item: Item) {
    try {
      await ok(api.POST("/api/v1/items/{id}/restore", { params: { path: { id: item.id } } }));
      setList((l) => without(l, item.id));
    } catch (e) {
      setError(messageOf(e));
    }
  }
  const groupOf = (item: Item) => board.groups?.find((g) => g.id === item.group_id)?.title;
  return (
    <Dialog title="Archived items" onClose={onClose}>
      {list.loaded && list.items.length === 0 && !list.cursor && <p className="muted">Nothing is archived on this board.</p>}
      <ul className="archive">
        {list.items.map((item) => (
          <li key={item.id} data-archived={item.name}>
            <span className="what">
              <strong>{item.name}</strong>{" "}
              <span className="muted">{groupOf(item) ? `in ${groupOf(item)}, ` : ""}archived {new Date(item.updated_at).toLocaleString()}</span>
            </span>
            <button className="link" onClick={() => restore(item)}>Restore</button>
          </li>
        ))}
      </ul>
      {error && <div className="error" role="alert">{error}</div>}
      <div className="dialog-actions">
        {list.cursor && <button className="link" disabled={loading} onClick={() => read(list.cursor)}>Show more</button>}
        <button className="primary" onClick={onClose}>Done</button>
      </div>
    </Dialog>
  );
}
