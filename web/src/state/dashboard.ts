// What a dashboard's widgets show, from the items of their boards as the viewer may read them.
// A widget spans boards, so it names columns by title (each board's column of that title
// counts); a board the viewer cannot read is left out and said so.
import type { AnalyticsQuery, Board, Bucket, Column, Item, ReportAnswer, ReportRequest, Widget } from "../api/types";
import { color } from "../components/Cell";
import { labelsOf } from "./lanes";

/** A board's data as loaded for the viewer, or why it could not be. */
export type BoardData = { id: string; board: Board; items: Item[] } | { id: string; error: string };
export const loaded = (d: BoardData): d is { id: string; board: Board; items: Item[] } => "board" in d;

type Metric = { fn: "count" } | { fn: "sum"; column: string };
export const metricOf = (w: Widget): Metric => {
  const m = (w.settings as { metric?: { fn?: string; column?: string } }).metric;
  return m?.fn === "sum" && typeof m.column === "string" ? { fn: "sum", column: m.column } : { fn: "count" };
};
const byTitle = (b: Board, title: string | undefined): Column | undefined => (b.columns ?? []).find((c) => c.title === title);

/** The widget's boards that loaded, and how many did not (not visible to the viewer). */
export function boardsOf(w: Widget, data: Map<string, BoardData>) {
  const all = w.board_ids.map((id) => data.get(id)).filter((d): d is BoardData => !!d);
  const ok = all.filter(loaded);
  return { ok, hidden: all.length - ok.length };
}

/** A board's first status column (the one a battery reads). */
const statusOf = (b: Board) => (b.columns ?? []).find((c) => c.type === "status");

/** The viewer's time zone, which days and weeks are reckoned in. */
const zone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;

/** Whether every board of the widget has been read (or found unreadable): until then it asks
 * nothing, rather than answering for some of its boards. */
const ready = (w: Widget, data: Map<string, BoardData>) => w.board_ids.every((b) => data.has(b));

/** The questions a number, chart or battery widget asks, over the boards the viewer may read
 * (columns named by title, so one question spans boards); `null` until its boards are read. A
 * battery asks once per title of its boards' first status columns. */
export function questionsOf(w: Widget, data: Map<string, BoardData>): AnalyticsQuery[] | null {
  if (!ready(w, data)) return null;
  const ok = boardsOf(w, data).ok;
  if (ok.length === 0) return [];
  const ids = ok.map((b) => b.id);
  const m = metricOf(w);
  const metric = m.fn === "sum" ? { fn: "sum" as const, column_id: m.column } : { fn: "count" as const };
  if (w.kind === "number") return [{ board_ids: ids, metric }];
  if (w.kind === "chart") {
    const by = (w.settings as { group_by?: string }).group_by;
    return by ? [{ board_ids: ids, metric, group_by: { column_id: by } }] : [];
  }
  if (w.kind === "battery") {
    const byTitle = new Map<string, string[]>();
    for (const { board } of ok) {
      const s = statusOf(board);
      if (s) byTitle.set(s.title, [...(byTitle.get(s.title) ?? []), board.id]);
    }
    return [...byTitle].map(([title, board_ids]) => ({ board_ids, metric: { fn: "count" as const }, group_by: { column_id: title } }));
  }
  return [];
}

/** A number widget's value from its answer. */
export const numberFrom = (answers: Bucket[][]): number => answers[0]?.[0]?.value ?? 0;

/** A column's label of this name on any of the widget's boards (for its colour and "done"). */
function labelNamed(w: Widget, data: Map<string, BoardData>, title: string | undefined, name: string) {
  for (const { board } of boardsOf(w, data).ok) {
    const col = title === undefined ? statusOf(board) : byTitle(board, title);
    const l = col ? (labelsOf(col) as { id: string; name: string; color?: string | null; done?: boolean }[]).find((x) => x.name === name) : undefined;
    if (l) return l;
  }
  return undefined;
}

/** A battery from its answers: each status label's share (by name, across boards), and how many
 * items are on a "done" label. */
export function batteryFrom(w: Widget, data: Map<string, BoardData>, answers: Bucket[][]) {
  const parts = new Map<string, { name: string; color: string; count: number; done: boolean }>();
  let total = 0;
  let done = 0;
  for (const b of answers.flat()) {
    const l = b.key ? labelNamed(w, data, undefined, b.key) : undefined;
    const p = parts.get(b.key) ?? { name: b.key || "No status", color: color(l?.color ?? "grey"), count: 0, done: !!l?.done };
    p.count += b.count;
    parts.set(b.key, p);
    total += b.count;
    if (l?.done) done += b.count;
  }
  return { total, done, parts: [...parts.values()].filter((p) => p.count > 0).sort((a, b) => Number(b.done) - Number(a.done) || b.count - a.count) };
}

/** A chart from its answer: items counted (or a number column summed) by the labels, options or
 * people of the column named `settings.group_by`, merged by name across boards. */
export function chartFrom(w: Widget, data: Map<string, BoardData>, answers: Bucket[][], nameOf: (id: string) => string = (id) => id): { names: string[]; colors: string[]; values: number[] } {
  const by = (w.settings as { group_by?: string }).group_by;
  const people = boardsOf(w, data).ok.some(({ board }) => byTitle(board, by)?.type === "people");
  const rows = (answers[0] ?? []).filter((b) => b.count > 0);
  // "No value" last, the rest as answered (by name).
  rows.sort((a, b) => (a.key === "" ? 1 : b.key === "" ? -1 : 0));
  const names = rows.map((b) => (b.key === "" ? "No value" : people ? nameOf(b.key) : b.key));
  const colors = rows.map((b) => color(b.key === "" ? "grey" : labelNamed(w, data, by, b.key)?.color ?? "blue"));
  return { names, colors, values: rows.map((b) => b.value ?? 0) };
}

/** A table widget's rows: the items with their board's name, newest first. */
export function rowsOf(w: Widget, data: Map<string, BoardData>, limit = 50): { item: Item; board: string }[] {
  const rows = boardsOf(w, data).ok.flatMap(({ board, items }) => items.map((item) => ({ item, board: board.name })));
  return rows.sort((a, b) => b.item.created_at.localeCompare(a.item.created_at)).slice(0, limit);
}

/** What is wrong with the widget's settings on each of its boards, in words: a column it names
 * that a board lacks, or a sum of a column that holds no numbers. */
export function problemsOf(w: Widget, data: Map<string, BoardData>): string[] {
  const out: string[] = [];
  const m = metricOf(w);
  const by = (w.settings as { group_by?: string }).group_by;
  for (const { board } of boardsOf(w, data).ok) {
    if (w.kind === "chart" && by && !byTitle(board, by)) out.push(`${board.name} has no column “${by}”.`);
    if ((w.kind === "number" || w.kind === "chart") && m.fn === "sum") {
      const col = byTitle(board, m.column);
      if (!col) out.push(`${board.name} has no column “${m.column}”.`);
      else if (col.type !== "number") out.push(`“${m.column}” on ${board.name} is not a number column.`);
    }
  }
  return out;
}

/** A report widget's settings. */
export type ReportSettings = { report?: string; column?: string; from_label?: string; to_label?: string; group_id?: string; weeks?: number };

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The report a report widget asks of `POST /analytics/report` over the boards the viewer may
 * read (a burndown: the first of them), or why it cannot ask. */
export function reportOf(w: Widget, data: Map<string, BoardData>, now = new Date(), tz = zone()): { request?: ReportRequest; problem?: string } {
  const s = w.settings as ReportSettings;
  if (!ready(w, data)) return {};
  const ids = boardsOf(w, data).ok.map((b) => b.id);
  if (ids.length === 0) return {};
  const weeks = typeof s.weeks === "number" && s.weeks > 0 ? Math.min(s.weeks, 104) : 12;
  const from = day(new Date(now.getTime() - weeks * 7 * 86_400_000));
  const to = day(now);
  switch (s.report) {
    case "throughput":
      return { request: { report: "throughput", board_ids: ids, column_id: s.column || null, period: "week", from, to, tz } };
    case "cycle_time":
      if (!s.column || !s.from_label || !s.to_label) return { problem: "Choose a status column and the labels a cycle starts and ends on." };
      return { request: { report: "cycle_time", board_ids: ids, column_id: s.column, from_label: s.from_label, to_label: s.to_label, period: "week", from, to, tz } };
    case "time_in_status":
      if (!s.column) return { problem: "Choose a status column." };
      return { request: { report: "time_in_status", board_ids: ids, column_id: s.column, tz } };
    case "burndown":
      if (!s.group_id) return { problem: "Choose a group." };
      // The group was chosen on the widget's first board.
      if (!ids.includes(w.board_ids[0])) return { problem: "The burndown's board is not visible to you." };
      return { request: { report: "burndown", board_id: w.board_ids[0], group_id: s.group_id, column_id: s.column || null, from: day(new Date(now.getTime() - 13 * 86_400_000)), to, tz } };
    default:
      return { problem: "Choose a report." };
  }
}

/** What a report's answer draws: bars (a line for a burndown) and, for a cycle time, its spread. */
export function reportChart(w: Widget, answer: ReportAnswer): { names: string[]; values: number[]; line: boolean; summary?: string } {
  const s = w.settings as ReportSettings;
  const hours = s.report === "cycle_time" || s.report === "time_in_status";
  const names = answer.data.map((b) => b.key || "No status");
  const values = answer.data.map((b) => (hours ? Math.round((b.value ?? 0) * 10) / 10 : b.count));
  const m = answer.summary;
  const h = (x?: number | null) => (x == null ? "–" : `${Math.round(x * 10) / 10} h`);
  const summary = m ? `${m.count} item${m.count === 1 ? "" : "s"} · median ${h(m.median_hours)} · 85% within ${h(m.p85_hours)}` : undefined;
  return { names, values, line: s.report === "burndown", summary };
}
