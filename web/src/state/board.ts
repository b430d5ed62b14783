// A board as the web app holds it, and how live events and local edits change it: one pure
// reducer, so the rules (apply in seq order, detect gaps, keep local edits, reload when the
// server says so, add a large board's pages without undoing newer live changes) are
// unit-tested without a browser.
import type { Board, BoardEvent, Column, Group, Item } from "../api/types";
import { countAfter, type UpdateCounts } from "./updateCounts";

export interface BoardState {
  board: Board;
  items: Item[];
  /** The seq of the last event applied. */
  seq: number;
  /** Set when an event was missed or the server asked followers to reload: the app refetches. */
  stale: boolean;
  /** How many times the board was loaded whole. Server queries over it (a filter) are re-run
   * when this changes, not on every event. */
  loads: number;
  /** Updates per item, for the bubbles on the rows (updateCounts.ts). */
  updates: UpdateCounts;
  /** Set when the counts can no longer be kept exact from events: the app fetches them again. */
  recount: boolean;
  /** A large board comes a page at a time: what is still to fetch, null once all is here. */
  rest: Rest | null;
  /** The ids the pages brought (items created live since are not among them). */
  fetched: ReadonlySet<string>;
  /** Items archived or deleted since the load: a search's answer read before that (it may hold
   * items the board's pages have not brought) must not show them. */
  gone: ReadonlySet<string>;
}

/** What of a large board is still to fetch: the server's item count per group (taken with the
 * first page; it keeps places in the table for the items not fetched yet) and, per group, where
 * its next page starts: absent before its first page, null once all of it is here. Pages are
 * fetched a group at a time, so rows scrolled to in a lower group do not wait for those above. */
export type Rest = { counts: ReadonlyMap<string, number>; next: ReadonlyMap<string, string | null> };

/** The rest after the board's first page (all groups, board order): groups it brought whole are
 * done; null when it was the whole board. */
export function restAfter(first: Item[], counts: ReadonlyMap<string, number>, more: boolean): Rest | null {
  if (!more) return null;
  const have = new Map<string, number>();
  for (const i of first) have.set(i.group_id, (have.get(i.group_id) ?? 0) + 1);
  const next = new Map<string, string | null>();
  for (const [group, count] of counts) if ((have.get(group) ?? 0) >= count) next.set(group, null);
  return { counts, next };
}

/** The group whose next page to fetch: `wanted` if it has more, else the first in `order` that
 * does; null when every group is here. */
export function nextPage(rest: Rest, order: string[], wanted?: string): { group: string; cursor: string | null } | null {
  const more = (g: string) => (rest.counts.get(g) ?? 0) > 0 && rest.next.get(g) !== null;
  const group = wanted !== undefined && more(wanted) ? wanted : order.find(more);
  return group === undefined ? null : { group, cursor: rest.next.get(group) ?? null };
}

/** Cells being edited locally, by `itemId:columnId`; remote changes skip them. */
export type Editing = ReadonlySet<string>;

export type BoardAction =
  /** The board and its items (and their update counts), fetched whole or, with `rest`, its
   * first page. */
  | { type: "loaded"; board: Board; items: Item[]; updates?: UpdateCounts; rest?: Rest | null }
  /** The next page of one group's items, read from `from` (null: the group's first) for load
   * number `loads`; `cursor` null when it was the group's last. A page of an earlier load, or
   * one that is not the group's next any more (a second copy of one that landed), is dropped. */
  | { type: "page"; loads: number; group: string; from: string | null; items: Item[]; cursor: string | null }
  /** The update counts, fetched again. */
  | { type: "counted"; updates: UpdateCounts }
  /** A live event; `editing` is the set of cells being edited when it arrived. */
  | { type: "event"; event: BoardEvent; editing: Editing }
  /** An optimistic local change, replaced by the server's item when it answers. */
  | { type: "value_set"; itemId: string; columnId: string; value: unknown }
  /** The server answered a write with the item as it now is. */
  | { type: "item_saved"; item: Item };

export function boardReducer(state: BoardState | null, action: BoardAction): BoardState | null {
  if (action.type === "loaded") {
    const updates = action.updates ?? new Map<string, number>();
    const fetched = new Set(action.items.map((i) => i.id));
    return { board: action.board, items: action.items, seq: action.board.last_seq, stale: false, loads: (state?.loads ?? 0) + 1, updates, recount: false, rest: action.rest ?? null, fetched, gone: new Set<string>() };
  }
  if (!state) return state;
  switch (action.type) {
    case "event":
      return apply(state, action.event, action.editing);
    case "counted":
      return { ...state, updates: action.updates, recount: false };
    case "page": {
      const at = state.rest?.next.get(action.group);
      if (action.loads !== state.loads || at === null || (at ?? null) !== action.from) return state;
      return withPage(state, action.group, action.items, action.cursor);
    }
    case "value_set":
      return { ...state, items: state.items.map((i) => (i.id === action.itemId ? withValue(i, action.columnId, action.value) : i)) };
    case "item_saved": {
      // An answer overtaken by a live event (which brought a later version, or took the item
      // off the board: archived, deleted, moved to another board by a recipe) is old news, and
      // an item read alone that is on another board now (it moved) is not this board's.
      const held = state.items.find((i) => i.id === action.item.id);
      if ((held && held.version > action.item.version) || state.gone.has(action.item.id) || action.item.board_id !== state.board.id) return state;
      return { ...state, items: upsert(state.items, action.item, new Set()) };
    }
  }
}

/** Applies one event; an event out of sequence marks the state stale instead. */
export function apply(state: BoardState, event: BoardEvent, editing: Editing = new Set()): BoardState {
  if (event.seq <= state.seq) return state;
  if (event.seq !== state.seq + 1) return { ...state, stale: true };
  const next = change(state, event, editing);
  return { ...next, seq: event.seq };
}

/** What one event does to the board. Every kind is listed: a new kind fails to compile here. */
function change(state: BoardState, e: BoardEvent, editing: Editing): BoardState {
  const { board, items } = state;
  switch (e.kind) {
    case "board_created":
      // A duplicate's items were copied without an event each.
      return e.payload.duplicated_from ? { ...state, stale: true } : state;
    case "board_updated": {
      const p = e.payload;
      return {
        ...state,
        board: {
          ...board,
          name: p.name ?? board.name,
          description: p.description ?? board.description,
          kind: p.kind ?? board.kind,
          default_permission: p.default_permission ?? board.default_permission,
          subitem_board_id: p.subitem_board_id ?? board.subitem_board_id,
        },
      };
    }
    case "group_created":
    case "group_updated":
      return { ...state, board: { ...board, groups: withGroup(board.groups ?? [], e.payload.group) } };
    case "group_deleted":
      return { ...state, board: { ...board, groups: (board.groups ?? []).filter((g) => g.id !== e.payload.group_id) } };
    case "column_created":
    case "column_updated":
      // `reload`: values were converted or computed (a formula's) without an event each.
      return { ...state, board: { ...board, columns: withColumn(board.columns ?? [], e.payload.column) }, stale: state.stale || !!e.payload.reload };
    case "column_deleted": {
      const id = e.payload.column.id;
      return { ...state, board: { ...board, columns: (board.columns ?? []).filter((c) => c.id !== id) }, stale: state.stale || !!e.payload.reload };
    }
    case "item_created":
    case "item_archived":
    case "item_restored": {
      const item = e.payload.item;
      const next = { ...state, items: upsert(items, item, editing), gone: withId(state.gone, item.id, item.archived) };
      // Moved here from another board (`moved_from`): its updates came with it, uncounted here.
      return e.kind === "item_created" && e.payload.moved_from ? { ...next, recount: true } : next;
    }
    case "item_updated":
    case "item_moved": {
      // An update carries the item without its values, and the cells that changed.
      const head = e.payload.item;
      const current = items.find((i) => i.id === head.id);
      // Not here: on a board still coming a page at a time, its page brings it as it is now;
      // on a whole board it should be, so refetch.
      if (!current) return head.archived || state.rest ? state : { ...state, stale: true };
      const values = { ...current.values };
      for (const c of e.payload.changes ?? []) {
        if (c.new === null || c.new === undefined) delete values[c.column_id];
        else values[c.column_id] = c.new;
      }
      const item = { ...current, ...head, values };
      return { ...state, items: upsert(items, item, editing), gone: withId(state.gone, item.id, item.archived) };
    }
    case "items_computed": {
      // Formula values of many items at once: one pass over the loaded items. Items not
      // loaded get theirs with their page.
      const byId = new Map(e.payload.items.map((c) => [c.item_id, c]));
      const next = items.map((i) => {
        const c = byId.get(i.id);
        if (!c || i.version > c.version) return i;
        const values = { ...i.values };
        for (const ch of c.changes) {
          if (ch.new === null || ch.new === undefined) delete values[ch.column_id];
          else values[ch.column_id] = ch.new;
        }
        return { ...i, values, version: c.version };
      });
      return { ...state, items: next };
    }
    case "item_deleted":
      // Deleted, or moved to another board (`moved_to`): either way it leaves this one.
      return { ...state, items: items.filter((i) => i.id !== e.payload.item_id), gone: withId(state.gone, e.payload.item_id, true) };
    case "board_member_set":
    case "board_member_removed":
    case "update_edited":
    case "button_clicked":
      // Not part of the table: shown by the members list and the item panel, which fetch them
      // (a click changes nothing; recipes may answer it with changes of their own).
      return state;
    case "update_posted":
    case "update_deleted": {
      // The table shows how many there are, on each row's bubble.
      const { counts, recount } = countAfter(state.updates, e);
      return { ...state, updates: counts, recount: state.recount || recount };
    }
  }
}

const byPosition = (a: { position: string }, b: { position: string }) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0);

/** A group added or replaced; whether it is collapsed is the caller's own setting and stays. */
function withGroup(groups: Group[], g: Group): Group[] {
  const known = groups.some((x) => x.id === g.id);
  const merged = known ? groups.map((x) => (x.id === g.id ? { ...g, collapsed: x.collapsed } : x)) : [...groups, g];
  return merged.sort(byPosition);
}

function withColumn(columns: Column[], c: Column): Column[] {
  const merged = columns.some((x) => x.id === c.id) ? columns.map((x) => (x.id === c.id ? c : x)) : [...columns, c];
  return merged.sort(byPosition);
}

/** A page of the board's items added. A page read after a live event may hold a newer version
 * of an item than the one held, or the other way round: the newer one stays. */
function withPage(state: BoardState, group: string, page: Item[], cursor: string | null): BoardState {
  if (!state.rest) return state;
  const at = new Map(state.items.map((x, k) => [x.id, k]));
  const items = [...state.items];
  for (const item of page) {
    const k = at.get(item.id);
    if (k === undefined) items.push(item);
    else if (items[k].version < item.version) items[k] = item;
  }
  const fetched = new Set(state.fetched);
  for (const item of page) fetched.add(item.id);
  const next = new Map(state.rest.next).set(group, cursor);
  const rest = { ...state.rest, next };
  const whole = [...rest.counts.keys()].every((g) => !(rest.counts.get(g)! > 0) || next.get(g) === null);
  return { ...state, items, fetched, rest: whole ? null : rest };
}

/** The server's version of an item, except the cells being edited here; archived items leave.
 * An older version than the one held (a page fetched after the event was sent) is ignored. */
function upsert(items: Item[], item: Item, editing: Editing): Item[] {
  const i = items.findIndex((x) => x.id === item.id);
  if (i >= 0 && items[i].version > item.version) return items;
  if (item.archived) return i < 0 ? items : items.filter((x) => x.id !== item.id);
  if (i < 0) return [...items, item];
  const mine = items[i].values;
  const values = { ...item.values };
  const prefix = `${item.id}:`;
  for (const key of editing) {
    if (!key.startsWith(prefix)) continue;
    const column = key.slice(prefix.length);
    if (column in mine) values[column] = mine[column];
    else delete values[column];
  }
  const next = [...items];
  next[i] = { ...item, values };
  return next;
}

function withId(ids: ReadonlySet<string>, id: string, on: boolean): ReadonlySet<string> {
  if (ids.has(id) === on) return ids;
  const next = new Set(ids);
  if (on) next.add(id);
  else next.delete(id);
  return next;
}

function withValue(item: Item, columnId: string, value: unknown): Item {
  const values = { ...item.values };
  if (value === null || value === undefined) delete values[columnId];
  else values[columnId] = value;
  return { ...item, values };
}

/** Items of a group in board order. */
export function itemsOf(items: Item[], group: string): Item[] {
  return items.filter((i) => i.group_id === group && !i.parent_item_id).sort((a, b) => byPosition(a, b) || (a.id < b.id ? -1 : 1));
}
