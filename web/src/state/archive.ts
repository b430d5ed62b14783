// The board's archive as the archive screen shows it: pages of archived items in board order
// from `GET /boards/{id}/items/archived`, kept by TanStack Query's infinite query ("Show more"
// reads the next page), and restored ones taken out of the pages read. Pure, so unit-tested.
import type { Item } from "../api/types";

export type ArchivePage = { data: Item[]; next_cursor?: string | null };

/** The items of the pages read so far, in order, each once (an item can come twice when the
 * archive changed between two pages). */
export function archivedItems(pages: readonly ArchivePage[]): Item[] {
  const seen = new Set<string>();
  return pages.flatMap((p) => p.data).filter((i) => !seen.has(i.id) && !!seen.add(i.id));
}

/** The pages without an item that was restored (the next page's cursor stays as it was). */
export function withoutItem<P extends ArchivePage>(pages: readonly P[], id: string): P[] {
  return pages.map((p) => ({ ...p, data: p.data.filter((i) => i.id !== id) }));
}
