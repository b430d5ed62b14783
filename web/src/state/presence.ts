// Who edits which cell, from the board's presence frames: others' "editing" entries that name
// an item and a column mark that one cell (not the whole row) in the editor's avatar colour.
// Pure, so the rules (me left out, only editing, entries without a cell ignored) are unit-tested.
import type { Presence } from "../api/types";
import { avatarColour } from "./avatar";

/** Someone editing a cell, as the cell shows them. */
export type CellEditor = { userId: string; name: string; colour: string };

/** Per item id, the cells others are editing there (by column id). Items nobody edits are
 * absent, so a row's prop stays `undefined` (and its memoized row does not re-render). */
export type CellEditors = ReadonlyMap<string, ReadonlyMap<string, CellEditor>>;

export function cellEditors(presence: Presence[], meId: string, nameOf: (id: string) => string): CellEditors {
  const out = new Map<string, Map<string, CellEditor>>();
  for (const p of presence) {
    if (p.user_id === meId || p.state !== "editing" || !p.item_id || !p.column_id) continue;
    const cells = out.get(p.item_id) ?? new Map<string, CellEditor>();
    // Two people on one cell: the first listed keeps the mark.
    if (!cells.has(p.column_id)) cells.set(p.column_id, { userId: p.user_id, name: nameOf(p.user_id), colour: avatarColour(p.user_id) });
    out.set(p.item_id, cells);
  }
  return out;
}
