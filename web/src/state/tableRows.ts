// The main table as ONE list of rows: for each group its title, the column headers, its items,
// the "add item" row and the footer, then a gap. Being one list is what lets a single
// virtualizer place and size every row of every group, so a tall board scrolls to its last
// group within a bounded height. Pure, so the order and numbering are unit-tested.
import type { Board, Column, Footer, Item } from "../api/types";
import { itemsOf } from "./board";
import { laneOf, lanesOf, laneValue } from "./lanes";
import type { Person } from "./people";

/** A group as the table shows it: a board group, or a lane of the group-by column. `pending`
 * counts the rows a filter matched in it that are not fetched yet; while there are some, the
 * footer is the server's (`footers`, over the `total` rows), not one added up from the rows here. */
export type TableGroup = { id: string; title: string; color: string; items: Item[]; pending: number; total?: number; footers?: Footer[] };

/** While a board or a filter's matches are fetched page by page: the server's counts over all
 * pages (per group id, or per value of the group-by column), the ids fetched so far and, once
 * read, the server's footers per group. */
export type Paging = { counts: ReadonlyMap<string, number>; matched: ReadonlySet<string>; footers?: ReadonlyMap<string, Footer[]> };

export type Entry =
  | { kind: "title"; key: string; group: TableGroup; collapsed: boolean }
  | { kind: "head"; key: string; group: TableGroup }
  /** `row` numbers item rows across groups, for arrow-key navigation between cells. */
  | { kind: "item"; key: string; group: TableGroup; item: Item; row: number }
  | { kind: "add"; key: string; group: TableGroup }
  /** A place kept for a match not fetched yet: rows keep their places as pages arrive. */
  | { kind: "pending"; key: string; group: TableGroup }
  /** An expanded item's subitems, right under it. */
  | { kind: "subitems"; key: string; group: TableGroup; item: Item }
  | { kind: "foot"; key: string; group: TableGroup }
  | { kind: "gap"; key: string; group: TableGroup };

export type EntryKind = Entry["kind"];

const byPosition = (a: Item, b: Item) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0);

/** The groups in order with their rows: the board's groups, or one per value of `groupBy`
 * (its lanes, ending with "No value"). Rows keep board order unless `sort` is given. */
export function tableGroups(board: Board, items: Item[], people: Person[], groupBy?: Column, sort?: (a: Item, b: Item) => number, paging?: Paging | null): TableGroup[] {
  const order = (rows: Item[]) => (sort ? [...rows].sort(sort) : rows);
  const pending = (id: string, rows: Item[]) => (paging ? Math.max(0, (paging.counts.get(id) ?? 0) - rows.filter((i) => paging.matched.has(i.id)).length) : 0);
  const served = (id: string) => (paging ? { total: paging.counts.get(id) ?? 0, footers: paging.footers?.get(id) } : {});
  if (!groupBy) {
    return (board.groups ?? []).map((g) => {
      const rows = itemsOf(items, g.id);
      return { id: g.id, title: g.title, color: g.color, items: order(rows), pending: pending(g.id, rows), ...served(g.id) };
    });
  }
  // One pass over the items, not one per lane: boards have thousands of items.
  const byLane = new Map<string, Item[]>();
  for (const i of items) {
    const lane = laneOf(groupBy, i);
    const list = byLane.get(lane);
    if (list) list.push(i);
    else byLane.set(lane, [i]);
  }
  return lanesOf(groupBy, people, items).map((l) => {
    const rows = byLane.get(l.id) ?? [];
    return { id: l.id, title: l.name, color: l.color, items: sort ? [...rows].sort(sort) : rows.sort(byPosition), pending: pending(l.id, rows), ...served(l.id) };
  });
}

/** The rows of the table, in order. A collapsed group shows its title only. */
export function tableEntries(groups: TableGroup[], collapsed: ReadonlySet<string>, expanded: ReadonlySet<string> = new Set()): Entry[] {
  const out: Entry[] = [];
  let row = 0;
  for (const group of groups) {
    const k = (kind: string) => `${kind}:${group.id}`;
    const shut = collapsed.has(group.id);
    out.push({ kind: "title", key: k("title"), group, collapsed: shut });
    if (!shut) {
      out.push({ kind: "head", key: k("head"), group });
      for (const item of group.items) {
        out.push({ kind: "item", key: `item:${item.id}`, group, item, row: row++ });
        if (expanded.has(item.id)) out.push({ kind: "subitems", key: `subitems:${item.id}`, group, item });
      }
      for (let n = 0; n < group.pending; n++) out.push({ kind: "pending", key: `pending:${group.id}:${n}`, group });
      out.push({ kind: "add", key: k("add"), group }, { kind: "foot", key: k("foot"), group });
    }
    out.push({ kind: "gap", key: k("gap"), group });
  }
  return out;
}

/** Where "Add item" under a group puts the new item: in that board group; or, when grouped by
 * a column, in the board's first group with that lane's value (as the kanban's lanes do). */
export function addTarget(board: Board, group: TableGroup, groupBy?: Column): { group: string; values?: Record<string, unknown> } | null {
  if (!groupBy) return { group: group.id };
  const first = board.groups?.[0];
  if (!first) return null;
  const value = laneValue(groupBy, group.id);
  return { group: first.id, values: value === null ? undefined : { [groupBy.id]: value } };
}

/** For each row, the index of its group's title row: the title (and the column headers right
 * under it) of the group at the top of the window stay rendered, to stick there. */
export function titleIndexes(entries: Entry[]): number[] {
  const out: number[] = [];
  let title = 0;
  entries.forEach((e, i) => {
    if (e.kind === "title") title = i;
    out.push(title);
  });
  return out;
}

/** The rows to render: those in the window (`range`, with overscan) plus the sticky rows of the
 * group at its top (`first`: the first row in view), in order. */
export function withSticky(range: number[], entries: Entry[], titles: number[], first: number): number[] {
  const title = titles[first];
  if (title === undefined) return range;
  const sticky = entries[title + 1]?.kind === "head" ? [title, title + 1] : [title];
  return [...new Set([...sticky, ...range])].sort((a, b) => a - b);
}

/** The empty space before each rendered row (rows not rendered between it and the one before)
 * and after the last, so rendered rows sit where the whole list would put them. */
export function gapsOf(shown: { start: number; end: number }[], total: number): { before: number[]; after: number } {
  let end = 0;
  const before = shown.map((s) => {
    const gap = Math.max(0, s.start - end);
    end = Math.max(end, s.end);
    return gap;
  });
  return { before, after: Math.max(0, total - end) };
}
