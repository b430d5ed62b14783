// The chart view's numbers: items counted, or a number column summed or averaged, by the
// labels of a column (status, dropdown, people, checkbox) or by a date bucket (day, week,
// month), optionally split again by a second column for stacked bars. The server counts every
// item the board's filter matches (a query's `group_by`, `split_by` and footers), so a chart
// always shows what the table shows without fetching the items; this turns its counts into
// bars.
import { format, parseISO, startOfWeek } from "date-fns";
import type { Board, Column, Footer, QueryResponse } from "../api/types";
import type { CountsAsked } from "./counts";
import { labelsOf } from "./lanes";

export type ChartKind = "bar" | "stacked" | "line" | "pie" | "number";
export type Period = "day" | "week" | "month";
export type ChartSettings = {
  chart: ChartKind;
  /** What the bars are: a column's labels (or a date column's buckets); none for "number". */
  group_by?: string;
  period?: Period;
  /** A second split, for stacked bars. */
  stack_by?: string;
  metric: { fn: "count" } | { fn: "sum" | "avg"; column_id: string };
};
export type Series = { key: string; name: string; color?: string; values: number[] };
export type Chart = { keys: string[]; names: string[]; colors: (string | undefined)[]; series: Series[]; total: number };

/** Columns a chart can split by. */
export const splittable = (c: Column) => ["status", "dropdown", "people", "checkbox", "date", "timeline", "tags"].includes(c.type);

/** A new chart: items counted by status (or the first column a chart can split by). */
export function defaultChart(board: Board): ChartSettings {
  const by = (board.columns ?? []).find((c) => c.type === "status") ?? (board.columns ?? []).find(splittable);
  return { chart: "bar", group_by: by?.id, metric: { fn: "count" } };
}

/** A saved view's chart settings, or the default where they are missing or malformed. */
export function chartOf(board: Board, settings: Record<string, unknown> | undefined): ChartSettings {
  const d = defaultChart(board);
  const s = (settings ?? {}) as Partial<ChartSettings>;
  const kinds: ChartKind[] = ["bar", "stacked", "line", "pie", "number"];
  const metric = s.metric && (s.metric.fn === "count" || ((s.metric.fn === "sum" || s.metric.fn === "avg") && typeof s.metric.column_id === "string")) ? s.metric : d.metric;
  return {
    chart: kinds.includes(s.chart as ChartKind) ? (s.chart as ChartKind) : d.chart,
    group_by: typeof s.group_by === "string" ? s.group_by : d.group_by,
    period: s.period === "day" || s.period === "week" || s.period === "month" ? s.period : undefined,
    stack_by: typeof s.stack_by === "string" ? s.stack_by : undefined,
    metric,
  };
}

type Key = { key: string; name: string; color?: string };

/** The column a chart splits by, if it names one that can. */
const splitBy = (columns: Column[], id: string | undefined) => columns.find((c) => c.id === id && splittable(c));

/** The chart's question to the server: its counts by the chart's column (and by the stack's),
 * with footers when it adds up a number. A number, or a chart whose column is gone, counts by
 * group, where each item counts once. */
export function chartAsked(columns: Column[], s: ChartSettings, filter: Record<string, unknown> | null): CountsAsked {
  const by = s.chart === "number" ? undefined : splitBy(columns, s.group_by);
  const stack = s.chart === "stacked" && by ? splitBy(columns, s.stack_by) : undefined;
  return { filter, group_by: by?.id ?? "group", ...(stack ? { split_by: stack.id } : {}), footers: s.metric.fn !== "count" };
}

/** What a server key of `col` stands for: a date's day folded into its period, a label's name
 * and colour, a person's name. */
function keyOf(col: Column | undefined, key: string, period: Period, nameOf: (id: string) => string): Key {
  if (!col) return { key: "", name: "All" };
  if (col.type === "checkbox") return key === "true" ? { key: "checked", name: "Checked", color: "green" } : { key: "", name: "Unchecked", color: "grey" };
  if (key === "") return { key: "", name: "No value", color: "grey" };
  if (col.type === "date" || col.type === "timeline") {
    const d = parseISO(key.slice(0, 10));
    const at = period === "day" ? format(d, "yyyy-MM-dd") : period === "week" ? format(startOfWeek(d, { weekStartsOn: 1 }), "yyyy-MM-dd") : format(d, "yyyy-MM");
    const name = period === "month" ? format(d, "MMM yyyy") : period === "week" ? `Week of ${format(parseISO(at), "MMM d")}` : format(d, "MMM d");
    return { key: at, name };
  }
  if (col.type === "people") return { key, name: nameOf(key) };
  if (col.type === "tags") return { key, name: key };
  const l = labelsOf(col).find((x) => x.id === key);
  return { key, name: l?.name ?? key, color: l?.color };
}

/** A part's amount: its items (counting) or its number column's sum and how many have one. */
function amountOf(measure: Column | undefined, count: number, footers: Footer[] | undefined) {
  if (!measure) return { sum: count, values: count };
  const f = footers?.find((x) => x.kind === "sum" && x.column_id === measure.id);
  return f?.kind === "sum" ? { sum: f.sum, values: f.values } : { sum: 0, values: 0 };
}

/** The chart's numbers from the server's counts. Dates sort in time; labels keep the column's
 * order, "No value" last. Adding up a number, items without one are left out. */
export function fromCounts(answer: Pick<QueryResponse, "total" | "groups">, columns: Column[], s: ChartSettings, nameOf: (id: string) => string = (id) => id): Chart {
  const asked = chartAsked(columns, s, null);
  const by = columns.find((c) => c.id === asked.group_by);
  const stack = columns.find((c) => c.id === asked.split_by);
  const period = s.period ?? "month";
  const measure = s.metric.fn === "count" ? undefined : columns.find((c) => c.id === (s.metric as { column_id: string }).column_id);
  const keys = new Map<string, Key>();
  const stacks = new Map<string, Key>();
  // sums and how many were summed, per (key, stack)
  const sums = new Map<string, number>();
  const counts = new Map<string, number>();
  let total = 0;
  let totalCount = 0;
  for (const g of answer.groups) {
    const k = keyOf(by, g.key, period, nameOf);
    const parts = stack ? (g.splits ?? []) : [{ key: "", count: g.count, footers: g.footers }];
    const whole = amountOf(measure, g.count, g.footers);
    total += whole.sum;
    totalCount += whole.values;
    for (const p of parts) {
      const a = amountOf(measure, p.count, p.footers);
      if (a.values === 0) continue;
      const st = stack ? keyOf(stack, p.key, period, nameOf) : { key: "", name: "All" };
      if (!keys.has(k.key)) keys.set(k.key, k);
      if (!stacks.has(st.key)) stacks.set(st.key, st);
      const at = `${k.key}\u0000${st.key}`;
      sums.set(at, (sums.get(at) ?? 0) + a.sum);
      counts.set(at, (counts.get(at) ?? 0) + a.values);
    }
  }
  const order = (col: Column | undefined, m: Map<string, Key>) => {
    const ids = [...m.keys()];
    if (col && (col.type === "date" || col.type === "timeline")) return ids.sort((a, b) => (a === "" ? 1 : b === "" ? -1 : a < b ? -1 : 1));
    const labelOrder = col ? labelsOf(col).map((l) => l.id) : [];
    const rank = (id: string) => (id === "" ? Number.MAX_SAFE_INTEGER : labelOrder.includes(id) ? labelOrder.indexOf(id) : labelOrder.length);
    return ids.sort((a, b) => rank(a) - rank(b) || (m.get(a)!.name < m.get(b)!.name ? -1 : 1));
  };
  const keyIds = order(by, keys);
  const stackIds = order(stack, stacks);
  const avg = s.metric.fn === "avg";
  const series = stackIds.map((st) => ({
    key: st,
    name: stacks.get(st)!.name,
    color: stacks.get(st)!.color,
    values: keyIds.map((k) => {
      const at = `${k}\u0000${st}`;
      const sum = sums.get(at) ?? 0;
      return avg ? (counts.get(at) ? sum / counts.get(at)! : 0) : sum;
    }),
  }));
  // A count is the matches' (an item with two people counts once); a number chart, grouped by
  // group, adds each item once too.
  if (!measure) total = totalCount = answer.total;
  return {
    keys: keyIds,
    names: keyIds.map((k) => keys.get(k)!.name),
    colors: keyIds.map((k) => keys.get(k)!.color),
    series,
    total: avg ? (totalCount ? total / totalCount : 0) : total,
  };
}
