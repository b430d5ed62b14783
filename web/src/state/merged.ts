// Several boards shown as one, for a dashboard's calendar, timeline or workload widget: the
// views take one board and its items, so the boards are merged into one. Columns of the same
// type and title (case aside) are one column, known by the id the first board gives it; a
// status or dropdown column's labels are all its boards' labels; the groups are every board's,
// named with their board's name. Each item's values are keyed by the merged columns, and a
// change to a merged column goes back to that item's own board's column.
import type { Board, Column, Item } from "../api/types";

export type Merged = {
  board: Board;
  items: Item[];
  /** The column of board `board` that merged column `column` stands for (none where that
   * board lacks it). */
  columnOn: (board: string, column: string) => string | undefined;
  /** The merged column a column id of any of the boards is part of (settings name either). */
  resolve: (column: string | undefined) => string | undefined;
  /** The board a group belongs to (an item added to a group goes to its board). */
  boardOfGroup: (group: string) => string | undefined;
};

const keyOf = (c: Column) => `${c.type}:${c.title.trim().toLowerCase()}`;

type Labelled = { labels?: { id: string }[]; options?: { id: string }[] };

/** Labels (or options) of several columns, each id once, in the order first seen. */
function union(columns: Column[], field: "labels" | "options"): unknown[] | undefined {
  const lists = columns.map((c) => (c.settings as Labelled)[field]).filter((l): l is { id: string }[] => Array.isArray(l));
  if (!lists.length) return undefined;
  const seen = new Set<string>();
  return lists.flat().filter((l) => !seen.has(l.id) && !!seen.add(l.id));
}

/** `boards`: at least one. */
export function mergeBoards(boards: { board: Board; items: Item[] }[]): Merged {
  if (boards.length === 1) {
    const [{ board, items }] = boards;
    const ids = new Set((board.columns ?? []).map((c) => c.id));
    return { board, items, columnOn: (_, c) => c, resolve: (c) => (c && ids.has(c) ? c : undefined), boardOfGroup: () => board.id };
  }
  const byKey = new Map<string, Column[]>();
  for (const { board } of boards) for (const c of board.columns ?? []) byKey.set(keyOf(c), [...(byKey.get(keyOf(c)) ?? []), c]);
  // Merged id → (board → that board's column), and any board's column id → merged id.
  const own = new Map<string, Map<string, string>>();
  const merged = new Map<string, string>();
  const columns: Column[] = [];
  for (const group of byKey.values()) {
    const first = group[0];
    const settings = { ...(first.settings as Record<string, unknown>) };
    for (const field of ["labels", "options"] as const) {
      const all = union(group, field);
      if (all) settings[field] = all;
    }
    columns.push({ ...first, settings });
    own.set(first.id, new Map());
    for (const c of group) merged.set(c.id, first.id);
  }
  for (const { board } of boards) for (const c of board.columns ?? []) own.get(merged.get(c.id)!)!.set(board.id, c.id);
  const items = boards.flatMap(({ items }) => items.map((i) => ({ ...i, values: Object.fromEntries(Object.entries(i.values).map(([k, v]) => [merged.get(k) ?? k, v])) })));
  const first = boards[0].board;
  const board: Board = {
    ...first,
    name: boards.map((b) => b.board.name).join(", "),
    columns,
    groups: boards.flatMap(({ board: b }) => (b.groups ?? []).map((g) => ({ ...g, title: `${b.name} · ${g.title}` }))),
  };
  const groups = new Map(boards.flatMap(({ board: b }) => (b.groups ?? []).map((g) => [g.id, b.id] as const)));
  return {
    board, items,
    columnOn: (b, column) => own.get(column)?.get(b),
    resolve: (c) => (c ? merged.get(c) : undefined),
    boardOfGroup: (g) => groups.get(g),
  };
}
