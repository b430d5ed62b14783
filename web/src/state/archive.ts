// The board's archived items, read from its activity log (newest first): an item is archived
// when the latest of its archive, restore and delete events is an archive. The log is read a
// page at a time, so `seen` carries the items already decided from one page to the next.
import type { BoardEvent, Item } from "../api/types";

export type Archived = { item: Item; at: string; by: string };

/** The items a page of events shows archived, skipping those already in `seen` (and adding to it). */
export function archivedIn(events: BoardEvent[], seen: Set<string>): Archived[] {
  const out: Archived[] = [];
  for (const e of events) {
    if (e.kind !== "item_archived" && e.kind !== "item_restored" && e.kind !== "item_deleted") continue;
    const id = e.kind === "item_deleted" ? e.payload.item_id : e.payload.item.id;
    if (seen.has(id)) continue;
    seen.add(id);
    if (e.kind === "item_archived") out.push({ item: e.payload.item, at: e.created_at, by: e.actor });
  }
  return out;
}
