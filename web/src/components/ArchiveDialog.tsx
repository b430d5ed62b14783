// The board's archive, from the board menu: its archived items in board order, with their
// group and when they were archived, each with Restore (the item goes back on the board, where
// its `item_restored` event puts it). Read a page at a time from the archive's own list
// (`GET /boards/{id}/items/archived`); "Show more" reads the next, so nothing is left out.
import { type InfiniteData, useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, messageOf, ok } from "../api/client";
import type { Board, Item } from "../api/types";
import { archivedItems, type ArchivePage, withoutItem } from "../state/archive";
import { Dialog } from "./Dialog";

export const ARCHIVE_PAGE = 50;

export function ArchiveDialog({ board, onClose }: { board: Board; onClose: () => void }) {
  const client = useQueryClient();
  const key = ["board", board.id, "archived"];
  const archive = useInfiniteQuery({
    queryKey: key,
    queryFn: async ({ pageParam }): Promise<ArchivePage> => {
      const query = { limit: ARCHIVE_PAGE, ...(pageParam ? { cursor: pageParam } : {}) };
      return ok(api.GET("/api/v1/boards/{id}/items/archived", { params: { path: { id: board.id }, query } }));
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const [error, setError] = useState("");
  const items = archivedItems(archive.data?.pages ?? []);
  async function restore(item: Item) {
    try {
      await ok(api.POST("/api/v1/items/{id}/restore", { params: { path: { id: item.id } } }));
      client.setQueryData<InfiniteData<ArchivePage, string | null>>(key, (d) => d && { ...d, pages: withoutItem(d.pages, item.id) });
    } catch (e) {
      setError(messageOf(e));
    }
  }
  const problem = error || (archive.error ? messageOf(archive.error) : "");
  const groupOf = (item: Item) => board.groups?.find((g) => g.id === item.group_id)?.title;
  return (
    <Dialog title="Archived items" onClose={onClose}>
      {archive.isSuccess && items.length === 0 && !archive.hasNextPage && <p className="muted">Nothing is archived on this board.</p>}
      <ul className="archive">
        {items.map((item) => (
          <li key={item.id} data-archived={item.name}>
            <span className="what">
              <strong>{item.name}</strong>{" "}
              <span className="muted">{groupOf(item) ? `in ${groupOf(item)}, ` : ""}archived {new Date(item.updated_at).toLocaleString()}</span>
            </span>
            <button className="link" onClick={() => restore(item)}>Restore</button>
          </li>
        ))}
      </ul>
      {problem && <div className="error" role="alert">{problem}</div>}
      <div className="dialog-actions">
        {archive.hasNextPage && <button className="link" disabled={archive.isFetching} onClick={() => archive.fetchNextPage()}>Show more</button>}
        <button className="primary" onClick={onClose}>Done</button>
      </div>
    </Dialog>
  );
}
