// The board's archive as the archive screen holds it: archived items in board order, read a
// page at a time from `GET /boards/{id}/items/archived` ("Show more" reads the next), and
// restored ones taken out. Pure, so paging and restoring are unit-tested.
import type { Item } from "../api/types";

export type ArchiveList = {
  items: Item[];
  /** Where the next page starts; null once the archive has been read to its end. */
  cursor: string | null;
  /** Whether the first page has come. */
  loaded: boolean;
};

export const emptyArchive: ArchiveList = { items: [], cursor: null, loaded: false };

/** The list with one more page at its end (an item already listed is not listed twice). */
export function withPage(list: ArchiveList, page: { data: Item[]; next_cursor?: string | null }): ArchiveList {
  const known = new Set(list.items.map((i) => i.id));
  return { items: [...list.items, ...page.data.filter((i) => !known.has(i.id))], cursor: page.next_cursor ?? null, loaded: true };
}

/** The list without an item that was restored. */
export function without(list: ArchiveList, id: string): ArchiveList {
  return { ...list, items: list.items.filter((i) => i.id !== id) };
}
