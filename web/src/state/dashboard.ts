// What a dashboard's widgets show, from the items of their boards as the viewer may read them.
// A widget spans boards, so it names columns by title (each board's column of that title
// counts); a board the viewer cannot read is left out and said so.
import type { Board, Column, Item, Widget } from "../api/types";
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

/** A number widget: the items counted, or a number column (by title) summed. */
export function numberOf(w: Widget, data: Map<string, BoardData>): number {
  const m = metricOf(w);
  let total = 0;
  for (const { board, items } of boardsOf(w, data).ok) {
    if (m.fn === "count") total += items.length;
    else {
      const col = byTitle(board, m.column);
      if (col) for (const i of items) total += typeof i.values[col.id] === "number" ? (i.values[col.id] as number) : 0;
    }
  }
  return total;
}

/** A battery: each status label's share (by name, across boards; the board's first status
 * column), and how many items are on a "done" label. */
export function batteryOf(w: Widget, data: Map<string, BoardData>) {
  const parts = new Map<string, { name: string; color: string; count: number; done: boolean }>();
  let total = 0;
  let done = 0;
  for (const { board, items } of boardsOf(w, data).ok) {
    const status = (board.columns ?? []).find((c) => c.type === "status");
    if (!status) continue;
    const labels = labelsOf(status) as { id: string; name: string; color?: string | null; done?: boolean }[];
    for (const i of items) {
      total += 1;
      const l = labels.find((x) => x.id === i.values[status.id]);
      const key = l?.name ?? "";
      const p = parts.get(key) ?? { name: l?.name ?? "No status", color: color(l?.color ?? "grey"), count: 0, done: !!l?.done };
      p.count += 1;
      parts.set(key, p);
      if (l?.done) done += 1;
    }
  }
  return { total, done, parts: [...parts.values()].sort((a, b) => Number(b.done) - Number(a.done) || b.count - a.count) };
}

/** The value a cell of `col` is counted under in a chart: its labels' names, people's names, or
 * the text. */
function keysOf(col: Column, v: unknown, nameOf: (id: string) => string): string[] {
  if (v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0)) return ["No value"];
  const labels = labelsOf(col);
  const name = (x: unknown) => (col.type === "people" ? nameOf(String(x)) : labels.find((l) => l.id === x)?.name ?? String(x));
  return Array.isArray(v) ? v.map(name) : [name(v)];
}

/** A chart widget: items counted (or a number column summed) by the labels of a column named
 * `settings.group_by` on each board, merged by label name. */
export function chartOf(w: Widget, data: Map<string, BoardData>, nameOf: (id: string) => string = (id) => id): { names: string[]; colors: string[]; values: number[] } {
  const by = (w.settings as { group_by?: string }).group_by;
  const m = metricOf(w);
  const sums = new Map<string, { value: number; color: string }>();
  for (const { board, items } of boardsOf(w, data).ok) {
    const col = byTitle(board, by);
    const num = m.fn === "sum" ? byTitle(board, m.column) : undefined;
    for (const i of items) {
      const keys = col ? keysOf(col, i.values[col.id], nameOf) : ["All items"];
      const amount = m.fn === "count" ? 1 : num && typeof i.values[num.id] === "number" ? (i.values[num.id] as number) : 0;
      for (const k of keys) {
        const label = col ? labelsOf(col).find((l) => l.name === k) : undefined;
        const s = sums.get(k) ?? { value: 0, color: color(label?.color ?? (k === "No value" ? "grey" : "blue")) };
        s.value += amount;
        sums.set(k, s);
      }
    }
  }
  const names = [...sums.keys()].sort((a, b) => (a === "No value" ? 1 : b === "No value" ? -1 : 0));
  return { names, colors: names.map((n) => sums.get(n)!.color), values: names.map((n) => sums.get(n)!.value) };
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
