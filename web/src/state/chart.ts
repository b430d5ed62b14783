// The chart view's numbers: items counted, or a number column summed or averaged, by the
// labels of a column (status, dropdown, people, checkbox) or by a date bucket (day, week,
// month), optionally split again by a second column for stacked bars. Worked out from the items
// the board's filter leaves, so a chart always shows what the table shows.
import { format, parseISO, startOfWeek } from "date-fns";
import type { Board, Column, Item } from "../api/types";
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

/** The keys (and their names and colours) an item falls under for a column. */
function keysOf(col: Column | undefined, item: Item, period: Period, nameOf: (id: string) => string): { key: string; name: string; color?: string }[] {
  if (!col) return [{ key: "", name: "All" }];
  const v = item.values[col.id];
  const none = [{ key: "", name: "No value", color: "grey" }];
  if (col.type === "date" || col.type === "timeline") {
    const raw = col.type === "timeline" ? (v as { from?: string } | undefined)?.from : (v as string | undefined);
    if (typeof raw !== "string" || raw.length < 10) return none;
    const d = parseISO(raw.slice(0, 10));
    const key = period === "day" ? format(d, "yyyy-MM-dd") : period === "week" ? format(startOfWeek(d, { weekStartsOn: 1 }), "yyyy-MM-dd") : format(d, "yyyy-MM");
    const name = period === "month" ? format(d, "MMM yyyy") : period === "week" ? `Week of ${format(parseISO(key), "MMM d")}` : format(d, "MMM d");
    return [{ key, name }];
  }
  if (col.type === "checkbox") return v === true ? [{ key: "checked", name: "Checked", color: "green" }] : [{ key: "", name: "Unchecked", color: "grey" }];
  const ids = (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).filter((x): x is string => typeof x === "string");
  if (!ids.length) return none;
  if (col.type === "people") return ids.map((id) => ({ key: id, name: nameOf(id) }));
  if (col.type === "tags") return ids.map((t) => ({ key: t, name: t }));
  const labels = labelsOf(col);
  return ids.map((id) => {
    const l = labels.find((x) => x.id === id);
    return { key: id, name: l?.name ?? id, color: l?.color };
  });
}

/** The chart's numbers. Dates sort in time; labels keep the column's order, "No value" last. */
export function aggregate(items: Item[], columns: Column[], s: ChartSettings, nameOf: (id: string) => string = (id) => id): Chart {
  const period = s.period ?? "month";
  const by = columns.find((c) => c.id === s.group_by);
  const stack = s.chart === "stacked" ? columns.find((c) => c.id === s.stack_by) : undefined;
  const measure = s.metric.fn === "count" ? undefined : columns.find((c) => c.id === (s.metric as { column_id: string }).column_id);
  const value = (item: Item) => {
    if (!measure) return 1;
    const n = Number(item.values[measure.id]);
    return Number.isFinite(n) && item.values[measure.id] !== null && item.values[measure.id] !== undefined ? n : null;
  };
  const keys = new Map<string, { name: string; color?: string }>();
  const stacks = new Map<string, { name: string; color?: string }>();
  // sums and counts per (key, stack)
  const sums = new Map<string, number>();
  const counts = new Map<string, number>();
  let total = 0;
  let totalCount = 0;
  for (const item of items) {
    const v = value(item);
    if (v === null) continue;
    total += v;
    totalCount += 1;
    for (const k of keysOf(by, item, period, nameOf)) {
      if (!keys.has(k.key)) keys.set(k.key, { name: k.name, color: k.color });
      for (const st of keysOf(stack, item, period, nameOf)) {
        if (!stacks.has(st.key)) stacks.set(st.key, { name: st.name, color: st.color });
        const at = `${k.key}\u0000${st.key}`;
        sums.set(at, (sums.get(at) ?? 0) + v);
        counts.set(at, (counts.get(at) ?? 0) + 1);
      }
    }
  }
  const order = (col: Column | undefined, m: Map<string, { name: string; color?: string }>) => {
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
  return {
    keys: keyIds,
    names: keyIds.map((k) => keys.get(k)!.name),
    colors: keyIds.map((k) => keys.get(k)!.color),
    series,
    total: avg ? (totalCount ? total / totalCount : 0) : total,
  };
}
