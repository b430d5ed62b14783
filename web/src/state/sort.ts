// Client-side ordering of rows within a group.
import type { Item } from "../api/types";

/** Sorts rows by a column's display order: numbers numerically, labels by label order, text
 * case-insensitively; empty values last. */
export function compareBy(column: string, desc: boolean) {
  const key = (i: Item): string | number | undefined => {
    const v = column === "name" ? i.name : i.values[column];
    if (v === undefined || v === null) return undefined;
    if (typeof v === "number") return v;
    if (Array.isArray(v)) return String(v[0] ?? "").toLowerCase();
    if (typeof v === "object") return JSON.stringify(v);
    return String(v).toLowerCase();
  };
  return (a: Item, b: Item) => {
    const x = key(a);
    const y = key(b);
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
    const c = x < y ? -1 : x > y ? 1 : 0;
    return desc ? -c : c;
  };
}


/** Several keys: the first that tells two rows apart decides. */
export function compareMany(keys: { column: string; desc: boolean }[]) {
  const cmps = keys.map((k) => compareBy(k.column, k.desc));
  return (a: Item, b: Item) => {
    for (const c of cmps) {
      const r = c(a, b);
      if (r !== 0) return r;
    }
    return 0;
  };
}
