// The timeline view's geometry: the days its axis covers (every item's span, and today, with a
// margin), how wide a day is at each zoom, where an item's bar goes, and the day a drag ends on.
import { addDays, differenceInCalendarDays, format, max as latest, min as earliest, parseISO, startOfMonth, startOfWeek } from "date-fns";
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
