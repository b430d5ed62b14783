// How values read in cells: numbers with thousands separators, the column's decimals and unit;
// whether an item counts as done (for the overdue mark on dates).
import type { Column, Item } from "../api/types";
import { labelsOf } from "./lanes";

/** Units written before the number; every other unit follows it. */
const PREFIX_UNITS = new Set(["$", "€", "£", "¥", "₹"]);

/** `1234.5` with unit "$" and 0 decimals reads "$1,235"; with unit "kg", "1,234.5 kg". */
export function formatNumber(v: number, unit?: string | null, decimals?: number | null): string {
  const n = new Intl.NumberFormat("en", { maximumFractionDigits: decimals ?? 2 }).format(v);
  if (!unit) return n;
  if (PREFIX_UNITS.has(unit)) return v < 0 ? `-${unit}${n.slice(1)}` : `${unit}${n}`;
  return unit === "%" ? `${n}%` : `${n} ${unit}`;
}

/** Done when a status column holds a label marked done: a done item's date is not overdue. */
export function isDone(columns: Column[] | undefined, item: Item): boolean {
  return (columns ?? []).some((c) => c.type === "status" && labelsOf(c).some((l) => l.done && l.id === item.values[c.id]));
}
