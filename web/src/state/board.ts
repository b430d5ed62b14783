// A board as the web app holds it, and how live events change it. Pure functions, so the
// rules (apply in seq order, detect gaps, keep local edits) are unit-tested without a browser.
import type { Board, BoardEvent, Column, Group, Item } from "../api/types";

export interface BoardState {
  board: Board;
  items: Item[];
  /** The seq of the last event applied. */
  seq: number;
  /** Set when an event was missed: the app refetches. */
  stale: boolean;
}

export function initial(board: Board, items: Item[]): BoardState {
  return { board, items, seq: board.last_seq, stale: false };
}

/** Cells being edited locally, by `itemId:columnId`; remote changes skip them. */
export type Editing = ReadonlySet<string>;

function upsert(items: Item[], item: Item, editing: Editing): Item[] {
  const i = items.findIndex((x) => x.id === item.id);
  if (item.archived) return i < 0 ? items : items.filter((x) => x.id !== item.id);
  if (i < 0) return [...items, item];
  const mine = items[i];
  const values = { ...item.values } as Record<string, unknown>;
  for (const key of Object.keys(mine.values ?? {})) {
    if (editing.has(`${item.id}:${key}`)) values[key] = (mine.values as Record<string, unknown>)[key];
  }
  const next = [...items];
  next[i] = { ...item, values };
  return next;
}

/** Applies one event; an event out of sequence marks the state stale instead. */
export function apply(state: BoardState, event: BoardEvent, editing: Editing = new Set()): BoardState {
  if (event.seq <= state.seq) return state;
  if (event.seq !== state.seq + 1) return { ...state, stale: true };
  const p = (event.payload ?? {}) as Record<string, unknown>;
  let { board, items } = state;
  switch (event.kind) {
    case "item_deleted":
      items = items.filter((i) => i.id !== event.item_id);
      break;
    case "group_created":
    case "group_updated": {
      const g = p.group as Group;
      const groups = board.groups ?? [];
      const known = groups.some((x) => x.id === g.id);
      const merged = known ? groups.map((x) => (x.id === g.id ? { ...g, collapsed: x.collapsed } : x)) : [...groups, g];
      board = { ...board, groups: merged.sort((a, b) => (a.position < b.position ? -1 : 1)) };
      break;
    }
    case "group_deleted":
      board = { ...board, groups: (board.groups ?? []).filter((x) => x.id !== p.group_id) };
      break;
    case "column_created":
    case "column_updated": {
      const c = p.column as Column;
      const cols = board.columns ?? [];
      const merged = cols.some((x) => x.id === c.id) ? cols.map((x) => (x.id === c.id ? c : x)) : [...cols, c];
      board = { ...board, columns: merged.sort((a, b) => (a.position < b.position ? -1 : 1)) };
      if (p.reload) return { board, items, seq: event.seq, stale: true };
      break;
    }
    case "column_deleted": {
      const c = p.column as Column;
      board = { ...board, columns: (board.columns ?? []).filter((x) => x.id !== c.id) };
      if (p.reload) return { board, items, seq: event.seq, stale: true };
      break;
    }
    case "board_updated":
      board = { ...board, ...(p as Partial<Board>) };
      break;
    default:
      if (p.item) items = upsert(items, p.item as Item, editing);
  }
  return { board, items, seq: event.seq, stale: false };
}

/** Items of a group in board order. */
export function itemsOf(items: Item[], group: string): Item[] {
  return items.filter((i) => i.group_id === group && !i.parent_item_id).sort((a, b) => (a.position === b.position ? (a.id < b.id ? -1 : 1) : a.position < b.position ? -1 : 1));
}

/** An optimistic local change, replaced by the server's item when it answers. */
export function setValue(state: BoardState, itemId: string, columnId: string, value: unknown): BoardState {
  return {
    ...state,
    items: state.items.map((i) => {
      if (i.id !== itemId) return i;
      const values = { ...(i.values as Record<string, unknown>) };
      if (value === null || value === undefined) delete values[columnId];
      else values[columnId] = value;
      return { ...i, values };
    }),
  };
}

export function replaceItem(state: BoardState, item: Item): BoardState {
  return { ...state, items: upsert(state.items, item, new Set()) };
}
