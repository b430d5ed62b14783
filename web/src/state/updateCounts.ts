// How many updates (comments and their replies) each item has, for the bubble on its row:
// fetched whole when the board opens (`GET /boards/{id}/update-counts`), then kept current by
// the board's events. A posted update or reply counts one more. A deleted update takes its
// replies with it and the event does not say how many, so the count drops by one at once and
// the counts are fetched again (`recount`).
import type { BoardEvent, UpdateCount } from "../api/types";

/** Update counts by item id; items without updates are absent. */
export type UpdateCounts = ReadonlyMap<string, number>;

export const countsOf = (rows: UpdateCount[]): UpdateCounts => new Map(rows.filter((r) => r.count > 0).map((r) => [r.item_id, r.count]));

/** The counts after one event, and whether they must be fetched again to be exact. */
export function countAfter(counts: UpdateCounts, e: BoardEvent): { counts: UpdateCounts; recount: boolean } {
  if (e.kind === "update_posted") return { counts: plus(counts, e.payload.update.item_id, 1), recount: false };
  if (e.kind === "update_deleted") {
    const item = e.payload.item_id ?? e.item_id;
    return { counts: item ? plus(counts, item, -1) : counts, recount: true };
  }
  return { counts, recount: false };
}

function plus(counts: UpdateCounts, item: string, n: number): UpdateCounts {
  const next = new Map(counts);
  const value = (counts.get(item) ?? 0) + n;
  if (value > 0) next.set(item, value);
  else next.delete(item);
  return next;
}
