// Importing a CSV into a board: which board field each CSV column goes to (the mapping step),
// and the rows sent in chunks so a progress bar can follow a large file. The server matches
// nothing itself once a mapping is given (`POST /boards/{id}/import`, `mapping`: header →
// "name", "group", a column id, or null to skip).
import type { Column } from "../api/types";

export type Mapping = Record<string, string | null>;

/** A first guess: "Name" (or "Item") is the item's name, "Group" its group, a header equal to
 * a column's title (ignoring case and spaces around) that column; the rest is skipped. Without
 * a name column, the first CSV column names the items. */
export function defaultMapping(headers: string[], columns: Column[]): Mapping {
  const norm = (s: string) => s.trim().toLowerCase();
  const out: Mapping = {};
  for (const h of headers) {
    const k = norm(h);
    out[h] = k === "name" || k === "item" || k === "item name" ? "name" : k === "group" ? "group" : columns.find((c) => norm(c.title) === k)?.id ?? null;
  }
  if (headers.length && !Object.values(out).includes("name")) out[headers[0]] = "name";
  return out;
}

/** The mapping with `header` sent to `target`; a target that takes one CSV column (the name,
 * the group, a board column) is taken from the header that had it. */
export function remap(mapping: Mapping, header: string, target: string | null): Mapping {
  const out: Mapping = {};
  for (const [h, t] of Object.entries(mapping)) out[h] = target !== null && t === target ? null : t;
  out[header] = target;
  return out;
}

/** The data rows in chunks of `size`, each with the index of its first row. */
export function chunksOf<T>(rows: T[], size: number): { start: number; rows: T[] }[] {
  const out: { start: number; rows: T[] }[] = [];
  for (let k = 0; k < rows.length; k += size) out.push({ start: k, rows: rows.slice(k, k + size) });
  return out;
}

/** A chunk's line (1-based, its header on line 1) as the line of the whole file. */
export const fileLine = (chunkStart: number, line: number) => line + chunkStart;
