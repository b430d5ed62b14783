// My Work's logic: an item's due date (from its board's date column, or the end of a timeline),
// the bucket it falls in (overdue, today, this week, later, no date) and the order within one.
// Days are "yyyy-MM-dd" strings in the viewer's calendar.
import { endOfWeek, format, parseISO } from "date-fns";
import type { Column, Item } from "../api/types";
import { spanOf } from "./calendar";
import { labelsOf } from "./lanes";

export type WorkBoard = { id: string; name: string; date_column_id?: string | null; status_column_id?: string | null; columns: Column[] };
export type Bucket = "overdue" | "today" | "week" | "later" | "none" | "done";
export const BUCKETS: { key: Bucket; title: string }[] = [
  { key: "overdue", title: "Overdue" },
  { key: "today", title: "Today" },
  { key: "week", title: "This week" },
  { key: "later", title: "Later" },
  { key: "none", title: "No date" },
  { key: "done", title: "Done" },
];

/** The day an item is due, if its board has a date (or timeline) column it fills. */
export function dueOf(item: Item, board: WorkBoard): string | null {
  const col = board.columns.find((c) => c.id === board.date_column_id);
  return col ? spanOf(col.type, item.values[col.id])?.to ?? null : null;
}

/** Whether an item's status is a "done" label. */
export function isDone(item: Item, board: WorkBoard): boolean {
  const col = board.columns.find((c) => c.id === board.status_column_id);
  const v = col ? item.values[col.id] : undefined;
  return !!col && typeof v === "string" && labelsOf(col).some((l) => l.id === v && (l as { done?: boolean }).done);
}

export function bucketOf(due: string | null, today: string): Bucket {
  if (!due) return "none";
  if (due < today) return "overdue";
  if (due === today) return "today";
  const weekEnd = format(endOfWeek(parseISO(today), { weekStartsOn: 1 }), "yyyy-MM-dd");
  return due <= weekEnd ? "week" : "later";
}

export type WorkRow = { item: Item; board: WorkBoard; due: string | null; done: boolean };

/** The items in their buckets (empty buckets left out), each by due date then name; done items
 * only when asked for, in a bucket of their own. */
export function bucketed(items: Item[], boards: WorkBoard[], today: string, showDone: boolean): { key: Bucket; title: string; rows: WorkRow[] }[] {
  const byId = new Map(boards.map((b) => [b.id, b]));
  const rows: (WorkRow & { bucket: Bucket })[] = [];
  for (const item of items) {
    const board = byId.get(item.board_id);
    if (!board) continue;
    const done = isDone(item, board);
    if (done && !showDone) continue;
    const due = dueOf(item, board);
    const bucket = bucketOf(due, today);
    rows.push({ item, board, due, done, bucket: done ? "done" : bucket });
  }
  const order = (a: WorkRow, b: WorkRow) => (a.due ?? "").localeCompare(b.due ?? "") || a.item.name.localeCompare(b.item.name);
  return BUCKETS.map((b) => ({ ...b, rows: rows.filter((r) => r.bucket === b.key).sort(order) })).filter((b) => b.rows.length > 0);
}
