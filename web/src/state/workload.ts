// The workload view's logic: people × weeks, each cell the count of a person's items in that
// week or the sum of a number column over them, against a weekly capacity. An item with a
// timeline counts in every week it overlaps; a sum spreads its number evenly over the days of
// the span. Each assignee carries the whole item (as monday does). Weeks start on Monday;
// days are "yyyy-MM-dd" strings.
import { addDays, addWeeks, differenceInCalendarDays, format, max, min, parseISO, startOfWeek } from "date-fns";
import type { Board, Column, Item } from "../api/types";
import { moved, spanOf, type Span } from "./calendar";

export type WorkloadMetric = { fn: "count" } | { fn: "sum"; column_id: string };
export type WorkloadSettings = { people_column?: string; date_column?: string; metric: WorkloadMetric; capacity: number };
/** A row: a person (or `null`: nobody assigned) and a cell per week. */
export type WorkloadRow = { person: string | null; cells: { load: number; items: string[] }[] };

const day = (d: Date) => format(d, "yyyy-MM-dd");
/** The Monday of `d`'s week. */
export const weekOf = (d: string) => day(startOfWeek(parseISO(d), { weekStartsOn: 1 }));
/** `n` weeks (their Mondays) from the week of `start`. */
export const weeksFrom = (start: string, n: number) => Array.from({ length: n }, (_, i) => day(addWeeks(parseISO(weekOf(start)), i)));

/** The settings a saved view holds, else the board's first people and timeline (or date) columns,
 * counting items against 5 a week. */
export function workloadOf(board: Board, s: Record<string, unknown> | undefined): WorkloadSettings {
  const cols = board.columns ?? [];
  const has = (id: unknown, types: string[]) => typeof id === "string" && cols.some((c) => c.id === id && types.includes(c.type));
  const people = has(s?.people_column, ["people"]) ? (s?.people_column as string) : cols.find((c) => c.type === "people")?.id;
  const dates = has(s?.date_column, ["date", "timeline"]) ? (s?.date_column as string)
    : (cols.find((c) => c.type === "timeline") ?? cols.find((c) => c.type === "date"))?.id;
  const m = s?.metric as { fn?: string; column_id?: string } | undefined;
  const metric: WorkloadMetric = m?.fn === "sum" && has(m.column_id, ["number"]) ? { fn: "sum", column_id: m.column_id as string } : { fn: "count" };
  const capacity = typeof s?.capacity === "number" && s.capacity >= 0 ? s.capacity : 5;
  return { people_column: people, date_column: dates, metric, capacity };
}

/** How much of `span` falls in the week starting `monday`, in days. */
function overlap(span: Span, monday: string): number {
  const from = max([parseISO(span.from), parseISO(monday)]);
  const to = min([parseISO(span.to), addDays(parseISO(monday), 6)]);
  return Math.max(0, differenceInCalendarDays(to, from) + 1);
}

/** The rows of `weeks`: `everyone` (the organization's people, so work can be handed to the
 * idle) and whoever else is assigned an item with a date, sorted by `nameOf`, then nobody. */
export function workload(items: Item[], columns: Column[], s: WorkloadSettings, weeks: string[], nameOf: (id: string) => string = (id) => id, everyone: string[] = []): WorkloadRow[] {
  const dates = columns.find((c) => c.id === s.date_column);
  if (!dates || !s.people_column || weeks.length === 0) return [];
  const rows = new Map<string | null, WorkloadRow>();
  const rowOf = (person: string | null) => {
    let r = rows.get(person);
    if (!r) rows.set(person, (r = { person, cells: weeks.map(() => ({ load: 0, items: [] })) }));
    return r;
  };
  for (const p of everyone) rowOf(p);
  for (const item of items) {
    const span = spanOf(dates.type, item.values[dates.id]);
    if (!span) continue;
    const assigned = item.values[s.people_column];
    const people = Array.isArray(assigned) && assigned.length ? (assigned as string[]) : [null];
    const days = differenceInCalendarDays(parseISO(span.to), parseISO(span.from)) + 1;
    const amount = s.metric.fn === "sum" ? Number(item.values[s.metric.column_id]) : 1;
    if (!Number.isFinite(amount)) continue;
    weeks.forEach((monday, w) => {
      const inWeek = overlap(span, monday);
      if (!inWeek) return;
      const load = s.metric.fn === "sum" ? (amount * inWeek) / days : 1;
      for (const p of people) {
        const cell = rowOf(p).cells[w];
        cell.load += load;
        cell.items.push(item.id);
      }
    });
  }
  const named = [...rows.values()].filter((r) => r.person !== null).sort((a, b) => nameOf(a.person as string).localeCompare(nameOf(b.person as string)));
  const nobody = rows.get(null);
  return nobody ? [...named, nobody] : named;
}

/** The changes an item's drag from one cell to another makes: another person takes it over
 * (in place of the one it was dragged from), another week moves its dates by as many weeks. */
export function dropped(item: Item, s: WorkloadSettings, columns: Column[], from: { person: string | null; week: string }, to: { person: string | null; week: string }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.people_column && from.person !== to.person) {
    const now = (Array.isArray(item.values[s.people_column]) ? item.values[s.people_column] : []) as string[];
    const kept = now.filter((p) => p !== from.person && p !== to.person);
    out[s.people_column] = to.person ? [...kept, to.person] : kept;
  }
  const dates = columns.find((c) => c.id === s.date_column);
  if (dates && from.week !== to.week && item.values[dates.id] != null) {
    out[dates.id] = moved(dates.type, item.values[dates.id], from.week, to.week);
  }
  return out;
}

/** The Monday `n` weeks from `monday`. */
export const addWeeksTo = (monday: string, n: number) => day(addWeeks(parseISO(monday), n));
