// The inbox's logic: notifications grouped by the item they are about (newest group first, a
// notification about no item alone in its group), with each group's unread count.
import type { Notification } from "../api/types";

export type InboxGroup = { key: string; item_id: string | null; board_id: string | null; notes: Notification[]; unread: number };

export function grouped(ns: Notification[], unreadOnly = false): InboxGroup[] {
  const groups = new Map<string, InboxGroup>();
  for (const n of [...ns].sort((a, b) => b.created_at.localeCompare(a.created_at))) {
    const key = n.item_id ?? `note:${n.id}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, item_id: n.item_id ?? null, board_id: n.board_id ?? null, notes: [], unread: 0 }));
    g.notes.push(n);
    if (!n.read_at) g.unread += 1;
  }
  const all = [...groups.values()];
  return unreadOnly ? all.filter((g) => g.unread > 0) : all;
}
