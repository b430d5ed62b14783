// The open board as React state: its first page of items at once and the rest a group's page at
// a time when asked for (rows coming into view, or a view that needs every item), kept current
// by live events through the reducer in board.ts, read again when that reducer marks it stale (a
// missed event, a column change that rewrote values) or the server asks for a resync. Writes go
// through here too, so their answers land in the same state as the events.
//
// Reading is TanStack Query's: the board's first read is a query (read again by `refetch`, which
// drops an earlier read still on its way), pages and counts are fetched through the query client
// (two asks for the same page share one request), and the reducer drops a page that is not its
// group's next of the current load. What is left here is what only this board has: the live
// events, presence and the cells being edited.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { api, ApiError, messageOf, ok } from "../api/client";
import type { Bus, Live } from "../api/live";
import type { BoardEvent, ColumnType, Item, Presence, QueryResponse } from "../api/types";
import { boardReducer, nextPage, restAfter } from "./board";
import { served } from "./served";
import { countsOf, type UpdateCounts } from "./updateCounts";

/** Items per page of the board. The first page is what the table shows first; a board larger
 * than a page keeps places for the rest and fetches more as they come into view (or all of
 * it, for views that need every item: sorted, grouped by a column, the kanban). */
export const BOARD_PAGE = 500;

/** One page of the board's items in board order (of one group's, with `group`), with the item
 * count of each group. */
function boardPage(boardId: string, cursor: string | null, group?: string): Promise<QueryResponse> {
  const filter = group ? { column: "group", op: "any_of", value: [group] } : null;
  return ok(api.POST("/api/v1/boards/{id}/items/query", { params: { path: { id: boardId } }, body: { filter, group_by: "group", limit: BOARD_PAGE, cursor } }));
}

/** How many updates each item of the board has. */
async function fetchCounts(boardId: string): Promise<UpdateCounts> {
  return countsOf((await ok(api.GET("/api/v1/boards/{id}/update-counts", { params: { path: { id: boardId } } }))).data);
}

/** The board as first read: its update counts, then the board, whose seq the live events
 * follow from (an update posted between the two reads is missed until the next read, never
 * counted twice), then its first page. */
async function readBoard(boardId: string) {
  const updates = await fetchCounts(boardId);
  const board = await ok(api.GET("/api/v1/boards/{id}", { params: { path: { id: boardId } } }));
  const first = await boardPage(boardId, null);
  const rest = restAfter(first.data, new Map(first.groups.map((g) => [g.key, g.count])), !!first.next_cursor);
  return { board, items: first.data, updates, rest };
}

export function useBoard(boardId: string, live: Live, bus: Bus, flash: (message: string) => void) {
  const client = useQueryClient();
  const [state, dispatch] = useReducer(boardReducer, null);
  const [presence, setPresence] = useState<Presence[]>([]);
  /** Cells being edited here, by `itemId:columnId`: live changes leave them alone. */
  const editing = useRef(new Set<string>());
  /** Pages fetched on request (not by an effect) report failures through this. */
  const say = useRef(flash);
  useEffect(() => {
    say.current = flash;
  });

  // Every read lands (no structural sharing: an identical answer is still a new load, which
  // clears `stale` and subscribes again), and only when asked for: live events keep it current.
  const read = useQuery({
    queryKey: served.open(boardId),
    queryFn: () => readBoard(boardId),
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
    structuralSharing: false,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
  const { refetch } = read;
  const load = useCallback(() => void refetch(), [refetch]);
  /** The read last put in the state: a read lands once, whatever else re-runs the effect. */
  const landed = useRef<unknown>(null);
  useEffect(() => {
    if (!read.data || read.data === landed.current) return;
    landed.current = read.data;
    dispatch({ type: "loaded", ...read.data });
    live.subscribe(boardId, read.data.board.last_seq);
  }, [read.data, boardId, live]);
  const error = read.error ? messageOf(read.error) : "";

  useEffect(() => {
    const onEvent = (event: BoardEvent) => {
      if (event.board_id === boardId) dispatch({ type: "event", event, editing: new Set(editing.current) });
    };
    const onPresence = (b: string, users: Presence[]) => b === boardId && setPresence(users);
    const onResync = (b: string) => b === boardId && load();
    bus.events.add(onEvent);
    bus.presence.add(onPresence);
    bus.resync.add(onResync);
    live.presence(boardId, null, "viewing");
    // Presence expires on the server unless restated (as it is: a long edit stays marked).
    const keepAlive = setInterval(() => live.restate(boardId), 20_000);
    return () => {
      bus.events.delete(onEvent);
      bus.presence.delete(onPresence);
      bus.resync.delete(onResync);
      clearInterval(keepAlive);
      live.unsubscribe(boardId);
    };
  }, [boardId, bus, live, load]);

  /** Fetches the next page of group `wanted` (of the first group with more, without one), if
   * the board has more. A page that lands changes this callback, so callers still wanting more
   * ask again; asking again before it lands shares its request. */
  const rest = state?.rest ?? null;
  const groupIds = state?.board.groups;
  const loads = state?.loads ?? 0;
  const loadRest = useCallback((wanted?: string) => {
    const next = rest && nextPage(rest, (groupIds ?? []).map((g) => g.id), wanted);
    if (!next) return;
    client
      .fetchQuery({ queryKey: served.page(boardId, loads, next.group, next.cursor), queryFn: () => boardPage(boardId, next.cursor, next.group), gcTime: 0 })
      .then(
        (page) => dispatch({ type: "page", loads, group: next.group, from: next.cursor, items: page.data, cursor: page.next_cursor ?? null }),
        (e) => say.current(messageOf(e)),
      );
  }, [client, boardId, rest, groupIds, loads]);

  const stale = state?.stale ?? false;
  useEffect(() => {
    if (stale) load();
  }, [stale, load]);

  // A deleted update took an unknown number of replies with it: count again.
  const recount = state?.recount ?? false;
  useEffect(() => {
    if (!recount) return;
    let current = true;
    client.fetchQuery({ queryKey: served.updateCounts(boardId), queryFn: () => fetchCounts(boardId), gcTime: 0 }).then(
      (updates) => current && dispatch({ type: "counted", updates }),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [client, recount, boardId]);

  const saved = (item: Item) => dispatch({ type: "item_saved", item });
  const fail = (e: unknown) => flash(messageOf(e));
  const itemPath = (id: string) => ({ params: { path: { id } } });
  const columnPath = (column_id: string) => ({ params: { path: { id: boardId, column_id } } });

  const actions = {
    /** Shows the value at once; on failure says why and reloads the truth. */
    async saveValue(target: Item, columnId: string, value: unknown) {
      dispatch({ type: "value_set", itemId: target.id, columnId, value });
      try {
        saved(await ok(api.PATCH("/api/v1/items/{id}", { ...itemPath(target.id), body: { values: { [columnId]: value } } })));
      } catch (e) {
        fail(e);
        load();
      }
    },
    /** A strict write: if someone renamed it first, their name stays and we say so. */
    async rename(target: Item, name: string) {
      try {
        saved(await ok(api.PATCH("/api/v1/items/{id}", { ...itemPath(target.id), headers: { "if-match": `"${target.version}"` }, body: { name } })));
      } catch (e) {
        if (!(e instanceof ApiError && e.code === "version_conflict")) return fail(e);
        const current = (e.details as { current: Item }).current;
        saved(current);
        flash(`Someone else changed this item first; it now reads "${current.name}".`);
      }
    },
    async addItem(group: string, name: string, values?: Record<string, unknown>) {
      try {
        saved(await ok(api.POST("/api/v1/boards/{id}/items", { params: { path: { id: boardId } }, body: { name, group_id: group, values } })));
      } catch (e) {
        fail(e);
      }
    },
    /** To the bottom of `group`, right after the item `after`, or back to a position `key` it had. */
    async moveItem(target: Item, group: string, to?: string | { key: string }) {
      const position = typeof to === "string" ? { after: to } : to ? to.key : { at: "bottom" };
      try {
        saved(await ok(api.PATCH("/api/v1/items/{id}", { ...itemPath(target.id), body: { group_id: group, position } })));
      } catch (e) {
        fail(e);
      }
    },
    /** Archives; the items leave the table with their `item_archived` events. */
    archive(items: Item[]) {
      for (const i of items) ok(api.DELETE("/api/v1/items/{id}", { params: { path: { id: i.id } } })).catch(fail);
    },
    /** Brings archived items back; they return with their `item_restored` events. */
    restore(items: Item[]) {
      for (const i of items) ok(api.POST("/api/v1/items/{id}/restore", { params: { path: { id: i.id } } })).catch(fail);
    },
    /** An item the board's pages have not brought yet (its panel is open): fetched alone. */
    async fetchItem(id: string) {
      try {
        saved(await ok(api.GET("/api/v1/items/{id}", itemPath(id))));
      } catch {
        // Gone or not visible: the panel says so.
      }
    },
    /** Cells being edited are kept from live changes, and others see who edits what. */
    setEditing(target: Item, columnId: string, on: boolean) {
      const key = `${target.id}:${columnId}`;
      if (on) editing.current.add(key);
      else editing.current.delete(key);
      live.presence(boardId, on ? target.id : null, on ? "editing" : "viewing", on ? columnId : null);
    },
  };

  // Column changes come back as live events; only failures need saying.
  const columns = {
    add: (title: string, type: ColumnType) => ok(api.POST("/api/v1/boards/{id}/columns", { params: { path: { id: boardId } }, body: { title, type } })).catch(fail),
    /** Creates a column with settings (a relation, a mirror); a refusal rejects (the dialog says why). */
    addWith: (title: string, type: ColumnType, settings: Record<string, unknown>) => ok(api.POST("/api/v1/boards/{id}/columns", { params: { path: { id: boardId } }, body: { title, type, settings } })),
    /** Creates a formula column; a refused expression rejects (the editor shows where). */
    addFormula: (title: string, expression: string) => ok(api.POST("/api/v1/boards/{id}/columns", { params: { path: { id: boardId } }, body: { title, type: "formula", settings: { expression } } })),
    /** What a formula would compute for the first items, checked as if saved (rejects with the API's error). */
    previewFormula: (expression: string, columnId?: string) => ok(api.POST("/api/v1/boards/{id}/formulas/preview", { params: { path: { id: boardId } }, body: { expression, column_id: columnId ?? null } })),
    /** Changes a column's settings; a refusal rejects (the dialog says why). */
    setSettings: (id: string, settings: Record<string, unknown>) => ok(api.PATCH("/api/v1/boards/{id}/columns/{column_id}", { ...columnPath(id), body: { settings } })),
    /** Changes a formula's expression; a refused one rejects (the editor shows where). */
    setFormula: (id: string, expression: string) => ok(api.PATCH("/api/v1/boards/{id}/columns/{column_id}", { ...columnPath(id), body: { settings: { expression } } })),
    rename: (id: string, title: string) => ok(api.PATCH("/api/v1/boards/{id}/columns/{column_id}", { ...columnPath(id), body: { title } })).catch(fail),
    /** Deletes a column; a refusal rejects (other columns depend on it: the header offers `force`). */
    remove: (id: string, force = false) =>
      ok(api.DELETE("/api/v1/boards/{id}/columns/{column_id}", { params: { path: { id: boardId, column_id: id }, query: { force } } })),
    resize: (id: string, width: number) => ok(api.PATCH("/api/v1/boards/{id}/columns/{column_id}", { ...columnPath(id), body: { width: Math.round(width) } })).catch(fail),
    move: (id: string, position: { before: string } | { after: string }) => ok(api.PATCH("/api/v1/boards/{id}/columns/{column_id}", { ...columnPath(id), body: { position } })).catch(fail),
  };

  // Group changes come back as live events too (`group_*`, and the items a delete moved).
  const groupPath = (group_id: string) => ({ params: { path: { id: boardId, group_id } } });
  const groups = {
    add: (title: string, color: string) => ok(api.POST("/api/v1/boards/{id}/groups", { params: { path: { id: boardId } }, body: { title, color, position: { at: "top" } } })).catch(fail),
    rename: (id: string, title: string) => ok(api.PATCH("/api/v1/boards/{id}/groups/{group_id}", { ...groupPath(id), body: { title } })).catch(fail),
    recolour: (id: string, color: string) => ok(api.PATCH("/api/v1/boards/{id}/groups/{group_id}", { ...groupPath(id), body: { color } })).catch(fail),
    /** Right before or after another group. */
    move: (id: string, position: { before: string } | { after: string }) => ok(api.PATCH("/api/v1/boards/{id}/groups/{group_id}", { ...groupPath(id), body: { position } })).catch(fail),
    /** Kept per user by the server (no event: it changes nobody else's view). */
    collapse: (id: string, collapsed: boolean) => ok(api.PATCH("/api/v1/boards/{id}/groups/{group_id}", { ...groupPath(id), body: { collapsed } })).catch(fail),
    /** Its items move to `moveTo`, or are archived without one. */
    remove: (id: string, moveTo: string | null) =>
      ok(api.DELETE("/api/v1/boards/{id}/groups/{group_id}", { params: { path: { id: boardId, group_id: id }, query: moveTo ? { move_items_to: moveTo } : {} } })).catch(fail),
  };

  return { state, error, presence, actions, columns, groups, loadRest };
}
