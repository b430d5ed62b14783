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

/** Contrast of a `#rrggbb` colour against white (WCAG ratio, 1 to 21). */
export function contrastOnWhite(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return 1.05 / (l + 0.05);
}

/** A colour used as text on white (a group's title): pale ones (grey, yellow, lime) are darkened
 * in steps until they reach 3:1, the contrast large text needs; others stay as they are. */
export function readableOnWhite(hex: string): string {
  if (!/^#[0-9a-f]{6}$/i.test(hex)) return hex;
  let [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const out = () => `#${[r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("")}`;
  for (let k = 0; k < 20 && contrastOnWhite(out()) < 3; k++) [r, g, b] = [r, g, b].map((c) => Math.round(c * 0.9));
  return out();
}

/** The earliest and latest day of date cells (`YYYY-MM-DD` or a UTC date-time) or timeline
 * cells (`{from, to}`: its start and end), as a group's footer shows them; null when none has
 * one. The server's footers (`footers: true`) say the same of the rows not fetched. */
export function daySpan(values: readonly unknown[]): { earliest: string; latest: string } | null {
  let earliest = "";
  let latest = "";
  const day = (v: unknown) => (typeof v === "string" && v.length >= 10 ? v.slice(0, 10) : null);
  for (const v of values) {
    const range = v && typeof v === "object" ? (v as { from?: unknown; to?: unknown }) : null;
    const [a, b] = range ? [day(range.from), day(range.to)] : [day(v), day(v)];
    if (!a || !b) continue;
    if (!earliest || a < earliest) earliest = a;
    if (!latest || b > latest) latest = b;
  }
  return earliest ? { earliest, latest } : null;
}
