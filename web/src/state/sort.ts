// Rows in a sort's order: the same order the server's query engine gives its pages
// (sunday-domain's `filter/sort.rs`), so the rows a sorted table has fetched are the first of
// each group and live changes fall into place among them: text ignoring case, numbers and
// ratings by value, a status by its labels' order, a dropdown by its first option's name,
// tags, people and links by their first, dates and timelines in time, a checked box before an
// unchecked one; empty values last in both directions.
import type { Column, Item } from "../api/types";
import { labelsOf } from "./lanes";

type Part = string | number;
export type SortKey = { column: string; desc: boolean };

/** A day or an instant as the server orders them: a day at its midnight, an instant in UTC. */
function moment(v: unknown): string | undefined {
  if (typeof v !== "string" || v.length < 10) return undefined;
  if (v.length === 10) return `${v}T00:00:00`;
  const t = new Date(v);
  return Number.isNaN(t.getTime()) ? v : t.toISOString().slice(0, 19);
}

/** What one item sorts by in `column` (undefined when empty). */
function keyOf(column: Column | undefined, name: string): (i: Item) => Part[] | undefined {
  if (name === "name" || !column) return (i) => (i.name ? [i.name.toLowerCase()] : undefined);
  const s = column.settings as { options?: { id: string; name: string }[] } | undefined;
  const labels = column.type === "status" ? labelsOf(column).map((l) => l.id) : [];
  switch (column.type) {
    case "auto_number":
      return (i) => [i.auto_number];
    case "item_id":
      return (i) => [i.id];
    case "creation_log":
      return (i) => [moment(i.created_at) ?? ""];
    case "last_updated":
      return (i) => [moment(i.updated_at) ?? ""];
    case "checkbox":
      return (i) => (i.values[column.id] === true ? [0] : undefined);
    case "status":
      return (i) => {
        const v = i.values[column.id];
        if (typeof v !== "string") return undefined;
        const rank = labels.indexOf(v);
        return [rank < 0 ? labels.length : rank, v];
      };
    case "dropdown":
      return (i) => {
        const first = (i.values[column.id] as string[] | undefined)?.[0];
        return first === undefined ? undefined : [(s?.options?.find((o) => o.id === first)?.name ?? first).toLowerCase()];
      };
    case "date":
      return (i) => {
        const m = moment(i.values[column.id]);
        return m ? [m, m] : undefined;
      };
    case "timeline":
      return (i) => {
        const v = i.values[column.id] as { from?: string; to?: string } | undefined;
        const [from, to] = [moment(v?.from), moment(v?.to)];
        return from && to ? [from, to] : undefined;
      };
    case "link":
      return (i) => {
        const v = i.values[column.id] as { url?: string; text?: string } | undefined;
        const text = v?.text || v?.url;
        return text ? [text.toLowerCase()] : undefined;
      };
    case "tags":
      return (i) => {
        const first = (i.values[column.id] as string[] | undefined)?.[0];
        return first === undefined ? undefined : [first.toLowerCase()];
      };
  }
  return (i) => {
    const v = i.values[column.id];
    if (v === undefined || v === null || v === "") return undefined;
    if (typeof v === "number") return [v];
    if (Array.isArray(v)) return v.length ? [String(v[0]).toLowerCase()] : undefined;
    const ids = (v as { item_ids?: string[]; files?: { file_id: string }[] });
    if (ids.item_ids) return ids.item_ids.length ? [ids.item_ids[0]] : undefined;
    if (ids.files) return ids.files.length ? [ids.files[0].file_id] : undefined;
    return [typeof v === "object" ? JSON.stringify(v) : String(v).toLowerCase()];
  };
}

function compareParts(x: Part[], y: Part[]): number {
  for (let n = 0; n < Math.min(x.length, y.length); n++) {
    if (x[n] !== y[n]) return x[n] < y[n] ? -1 : 1;
  }
  return x.length - y.length;
}

/** Orders rows by one column of `columns` (or `name`). */
export function compareBy(columns: Column[], column: string, desc: boolean) {
  const key = keyOf(columns.find((c) => c.id === column), column);
  return (a: Item, b: Item) => {
    const x = key(a);
    const y = key(b);
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
    const c = compareParts(x, y);
    return desc ? -c : c;
  };
}

/** Several keys: the first that tells two rows apart decides (ties keep board order). */
export function compareMany(columns: Column[], keys: SortKey[]) {
  const cmps = keys.map((k) => compareBy(columns, k.column, k.desc));
  return (a: Item, b: Item) => {
    for (const c of cmps) {
      const r = c(a, b);
      if (r !== 0) return r;
    }
    return 0;
  };
}

/** The sort as a query asks for it. */
export const sortQuery = (keys: SortKey[]) => (keys.length ? keys.map((k) => ({ column: k.column, dir: k.desc ? ("desc" as const) : ("asc" as const) })) : null);
