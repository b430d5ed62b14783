// The timeline view's geometry: the days its axis covers (every item's span, and today, with a
// margin), how wide a day is at each zoom, where an item's bar goes, and the day a drag ends on.
import { addDays, differenceInCalendarDays, format, max as latest, min as earliest, parseISO, startOfMonth, startOfWeek } from "date-fns";
import type { Footer } from "../api/types";
import { spanOf, type Span } from "./calendar";

export type Zoom = "day" | "week" | "month" | "quarter";
/** Pixels per day at each zoom. */
export const DAY_PX: Record<Zoom, number> = { day: 36, week: 14, month: 5, quarter: 2 };
/** The longest axis drawn, in days (a stray date years away does not make it endless). */
const MAX_DAYS = 3 * 366;

export type Axis = { start: string; days: number; px: number };

const day = (d: Date) => format(d, "yyyy-MM-dd");

/** The axis for these spans at `zoom`: from a week before the earliest (or today) to a month
 * after the latest, starting on a Monday. */
export function axisOf(spans: Span[], zoom: Zoom, today: string): Axis {
  const dates = [parseISO(today), ...spans.flatMap((s) => [parseISO(s.from), parseISO(s.to)])];
  let from = startOfWeek(addDays(earliest(dates), -7), { weekStartsOn: 1 });
  if (zoom === "month" || zoom === "quarter") from = startOfMonth(from);
  const to = addDays(latest(dates), 31);
  const days = Math.min(MAX_DAYS, differenceInCalendarDays(to, from) + 1);
  return { start: day(from), days, px: DAY_PX[zoom] };
}

/** Days from the axis's start. */
export const offset = (axis: Axis, d: string) => differenceInCalendarDays(parseISO(d), parseISO(axis.start));
/** The day `n` days after the axis's start. */
export const dayAt = (axis: Axis, n: number) => day(addDays(parseISO(axis.start), n));

/** Where a bar goes (px), a zero-length span being a milestone. */
export function barOf(axis: Axis, span: Span): { left: number; width: number; milestone: boolean } {
  const left = offset(axis, span.from) * axis.px;
  const days = differenceInCalendarDays(parseISO(span.to), parseISO(span.from)) + 1;
  return { left, width: Math.max(days * axis.px, 6), milestone: span.from === span.to };
}

/** Whole days a drag of `dx` pixels moves by. */
export const daysDragged = (axis: Axis, dx: number) => Math.round(dx / axis.px);

/** The ticks of the axis's header: each month (or, zoomed in, each week) with its position. */
export function ticksOf(axis: Axis, zoom: Zoom): { left: number; label: string }[] {
  const out: { left: number; label: string }[] = [];
  for (let n = 0; n < axis.days; n++) {
    const d = addDays(parseISO(axis.start), n);
    const monthStart = d.getDate() === 1;
    const weekStart = d.getDay() === 1;
    if (zoom === "day" ? weekStart : zoom === "week" ? weekStart : monthStart) {
      out.push({ left: n * axis.px, label: zoom === "month" || zoom === "quarter" ? format(d, "MMM yyyy") : format(d, "MMM d") });
    }
  }
  return out;
}

export { spanOf };

/** The spans the server's footers give for `column` (each group's earliest and latest day over
 * every match, fetched or not): what lets the axis of a board fetched a page at a time span
 * every item from the first page on. */
export function footerSpans(footers: ReadonlyMap<string, Footer[]> | undefined, column: string): Span[] {
  const out: Span[] = [];
  for (const group of footers?.values() ?? []) {
    for (const f of group) {
      if (f.kind === "dates" && f.column_id === column && f.earliest && f.latest) out.push({ from: f.earliest, to: f.latest });
    }
  }
  return out;
}

/** A dependency drawn: from the end of the bar of the item depended on (`from`) to the start of
 * the dependent's (`to`); `late` when the dependent starts before its predecessor ends. */
export type Arrow = { from: string; to: string; path: string; late: boolean };

/** The arrows between the bars of `rows` (item ids by row index) for each dependency column's
 * links (`{"item_ids": [...]}`: the items the item depends on). `top` and `bottom` (px) keep
 * only the arrows that cross that band, so a long board draws only what is on screen. */
export function arrowsOf(
  items: { id: string; values: Record<string, unknown> }[],
  dependencyColumns: string[],
  rowOf: Map<string, number>,
  bars: Map<string, { left: number; width: number }>,
  rowHeight: number,
  band: { top: number; bottom: number } = { top: -Infinity, bottom: Infinity },
): Arrow[] {
  const out: Arrow[] = [];
  for (const item of items) {
    const to = bars.get(item.id);
    const toRow = rowOf.get(item.id);
    if (!to || toRow === undefined) continue;
    for (const col of dependencyColumns) {
      const ids = (item.values[col] as { item_ids?: string[] } | undefined)?.item_ids ?? [];
      for (const id of ids) {
        const from = bars.get(id);
        const fromRow = rowOf.get(id);
        if (!from || fromRow === undefined) continue;
        const [y1, y2] = [fromRow * rowHeight + rowHeight / 2, toRow * rowHeight + rowHeight / 2];
        if (Math.max(y1, y2) < band.top || Math.min(y1, y2) > band.bottom) continue;
        const [x1, x2] = [from.left + from.width, to.left];
        // Out of the predecessor's end, down (or up) between the rows, into the dependent's start.
        const mid = y2 > y1 ? y2 - rowHeight / 2 : y2 + rowHeight / 2;
        const path = x2 - 8 >= x1 + 8
          ? `M${x1},${y1} H${x1 + 8} V${y2} H${x2}`
          : `M${x1},${y1} H${x1 + 8} V${mid} H${x2 - 8} V${y2} H${x2}`;
        out.push({ from: id, to: item.id, path, late: x2 < x1 });
      }
    }
  }
  return out;
}
