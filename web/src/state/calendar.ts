// The calendar view's date logic: which days a month, week or day shows, where an item falls
// (a date cell on its day, a timeline cell on every day of its span) and the value a drag
// gives it. Days are "yyyy-MM-dd" strings; a date cell holding a time keeps it when moved.
import type { Column } from "../api/types";
import { addDays, addMonths, addWeeks, differenceInCalendarDays, eachDayOfInterval, endOfMonth, endOfWeek, format, parseISO, startOfMonth, startOfWeek } from "date-fns";

export type CalendarMode = "month" | "week" | "day";
export type Span = { from: string; to: string };

const day = (d: Date) => format(d, "yyyy-MM-dd");
const weekStartsOn = 1;

/** The days shown for `mode` around `anchor` (a day): whole weeks, Monday first. */
/** The calendar's column: the chosen date or timeline column, else the first. */
export function dateColumnOf(columns: Column[], chosen: string | undefined): Column | undefined {
  const dated = columns.filter((c) => c.type === "date" || c.type === "timeline");
  return dated.find((c) => c.id === chosen) ?? dated[0];
}

export function daysOf(mode: CalendarMode, anchor: string): string[] {
  const at = parseISO(anchor);
  if (mode === "day") return [anchor];
  const [start, end] = mode === "week"
    ? [startOfWeek(at, { weekStartsOn }), endOfWeek(at, { weekStartsOn })]
    : [startOfWeek(startOfMonth(at), { weekStartsOn }), endOfWeek(endOfMonth(at), { weekStartsOn })];
  return eachDayOfInterval({ start, end }).map(day);
}

/** The anchor a step back (-1) or forward (1) shows. */
export function step(mode: CalendarMode, anchor: string, by: -1 | 1): string {
  const at = parseISO(anchor);
  return day(mode === "month" ? addMonths(at, by) : mode === "week" ? addWeeks(at, by) : addDays(at, by));
}

/** The heading of what is shown: "December 2026", "Week of Nov 30, 2026", "Sat, Dec 5, 2026". */
export function title(mode: CalendarMode, anchor: string): string {
  const at = parseISO(anchor);
  if (mode === "month") return format(at, "MMMM yyyy");
  if (mode === "week") return `Week of ${format(startOfWeek(at, { weekStartsOn }), "MMM d, yyyy")}`;
  return format(at, "EEE, MMM d, yyyy");
}

/** The days an item's cell covers, if it holds a date or a timeline. */
export function spanOf(type: string, value: unknown): Span | null {
  if (type === "date" && typeof value === "string" && value.length >= 10) {
    return { from: value.slice(0, 10), to: value.slice(0, 10) };
  }
  if (type === "timeline" && value && typeof value === "object") {
    const t = value as { from?: string; to?: string };
    if (typeof t.from === "string" && typeof t.to === "string") return { from: t.from.slice(0, 10), to: t.to.slice(0, 10) };
  }
  return null;
}

export const covers = (span: Span, d: string) => span.from <= d && d <= span.to;

/** The cell's value once dropped on `target` having been picked up on `from`: a date moves to
 * that day (its time kept), a timeline moves whole. */
export function moved(type: string, value: unknown, from: string, target: string): unknown {
  const by = differenceInCalendarDays(parseISO(target), parseISO(from));
  const shift = (s: string) => day(addDays(parseISO(s.slice(0, 10)), by)) + s.slice(10);
  if (type === "timeline") {
    const t = value as { from: string; to: string };
    return { from: shift(t.from), to: shift(t.to) };
  }
  return typeof value === "string" ? shift(value) : target;
}

/** A timeline whose end was dragged to `target` (never before its start). */
export function resized(value: unknown, target: string): unknown {
  const t = value as { from: string; to: string };
  return { from: t.from, to: target < t.from.slice(0, 10) ? t.from : target };
}

/** The value of a new item made on `d`. */
export const onDay = (type: string, d: string): unknown => (type === "timeline" ? { from: d, to: d } : d);
