// What a search, filter, sort or grouping by a column shows. The server's query engine answers
// it a page at a time, in the sort's order, with the totals over all pages (`total`, and counts
// per group or per value of the group-by column); the first page comes at once and further
// pages when asked for (the table asks as its not-yet-fetched rows scroll into view), so
// nothing is cut off silently and a large result does not wait for every page. Sorted, the
// rows fetched are the first of each group in that order (the table sorts them the same way,
// state/sort.ts), and the places kept for the rest come after them.
//
// The query runs when the filter, sort or grouping changes or the board was reloaded whole,
// not on every live event: between runs, live changes update the rows in place, and items
// created since the last run are shown (a row just added must not vanish) until it runs again.
import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState } from "react";
import { api, messageOf, ok } from "../api/client";
import type { Item, QueryResponse, SortKeySpec } from "../api/types";
import type { BoardState } from "./board";

const PAGE = 500;

/** A query's answer so far. */
export type Matches = {
  /** Matching items over all pages. */
  total: number;
  /** Matches over all pages per group id (or per value of the group-by column; "" for none). */
  counts: ReadonlyMap<string, number>;
  /** The ids of the matches fetched so far. */
  matched: ReadonlySet<string>;
  /** The matches fetched so far: shown as fetched while the board's own pages have not brought
   * them (a large board comes a page at a time), live from the board once they have. */
  found: ReadonlyMap<string, Item>;
  /** The ids the board had when the query ran: an item not among them is newer and shown. */
  asked: ReadonlySet<string>;
  /** Where the next page starts; null once every match is fetched. */
  cursor: string | null;
};

export type Filtered = {
  /** The rows to show: fetched matches and items created since the query ran. */
  items: Item[];
  /** Null without a filter (every item shows). */
  matches: Matches | null;
  /** Fetches the next page, if there is one and none is on its way. */
  loadMore: () => void;
};

/** The browser's time zone: "today" and "this week" in a filter are the user's, not UTC's. */
export const TZ = Intl.DateTimeFormat().resolvedOptions().timeZone;

type Asked = { filter: Record<string, unknown> | null; sort: SortKeySpec[] | null };

function page(boardId: string, { filter, sort }: Asked, groupBy: string, cursor: string | null): Promise<QueryResponse> {
  return ok(api.POST("/api/v1/boards/{id}/items/query", { params: { path: { id: boardId } }, body: { filter, sort, group_by: groupBy, limit: PAGE, cursor, tz: TZ } }));
}

/** Whether the rows shown are a query's answer rather than the board's own pages. */
export const queried = (filter: Record<string, unknown> | null, sort: SortKeySpec[] | null, groupBy: string) => !!filter || !!sort || groupBy !== "group";

const countsOf = (p: QueryResponse) => new Map(p.groups.map((g) => [g.key, g.count]));
const byId = (items: Item[]) => new Map(items.map((i) => [i.id, i]));

/** `groupBy` is "group" or a column id: what the counts are per. `eager` fetches every page
 * (for views that show all matches at once, like the kanban). */
export function useFiltered(boardId: string, filter: Record<string, unknown> | null, sort: SortKeySpec[] | null, groupBy: string, state: BoardState | null, eager: boolean, flash: (message: string) => void): Filtered {
  const [matches, setMatches] = useState<Matches | null>(null);
  /** Bumped by every new query and on unmount, so only the current query's pages land. */
  const run = useRef(0);
  /** A page is on its way: no second request for the same cursor. */
  const busy = useRef(false);
  const items = state?.items;
  const key = queried(filter, sort, groupBy) ? JSON.stringify({ filter, sort }) : "";
  const loads = state?.loads ?? 0;
  // Effect events read the latest items and callback without making the query depend on them.
  const known = useEffectEvent(() => new Set((items ?? []).map((i) => i.id)));
  const failed = useEffectEvent((e: unknown) => flash(messageOf(e)));
  // Pages fetched on request (not by an effect) report failures through this.
  const say = useRef(flash);
  useEffect(() => {
    say.current = flash;
  });

  useEffect(() => {
    if (!key || loads === 0) return setMatches(null);
    const mine = ++run.current;
    const asked = known();
    busy.current = true;
    // `busy` clears before the answer lands, so the render it causes may ask for the next page.
    page(boardId, JSON.parse(key), groupBy, null).then(
      (p) => {
        if (mine !== run.current) return;
        busy.current = false;
        setMatches({ total: p.total, counts: countsOf(p), matched: new Set(p.data.map((i) => i.id)), found: byId(p.data), asked, cursor: p.next_cursor ?? null });
      },
      (e) => {
        if (mine !== run.current) return;
        busy.current = false;
        failed(e);
      },
    );
    return () => {
      run.current++;
      busy.current = false;
    };
  }, [boardId, key, groupBy, loads]);

  const cursor = matches?.cursor ?? null;
  const loadMore = useCallback(() => {
    if (!cursor || busy.current) return;
    const mine = run.current;
    busy.current = true;
    page(boardId, JSON.parse(key), groupBy, cursor).then(
      (p) => {
        if (mine !== run.current) return;
        busy.current = false;
        setMatches((m) => m && { ...m, total: p.total, counts: countsOf(p), matched: new Set([...m.matched, ...p.data.map((i) => i.id)]), found: new Map([...m.found, ...byId(p.data)]), cursor: p.next_cursor ?? null });
      },
      (e) => {
        if (mine !== run.current) return;
        busy.current = false;
        say.current(messageOf(e));
      },
    );
  }, [boardId, key, groupBy, cursor]);

  useEffect(() => {
    if (eager) loadMore();
  }, [eager, loadMore]);

  const fetched = state?.fetched;
  const rest = !!state?.rest;
  const gone = state?.gone;
  const shown = useMemo(() => {
    if (!items || !matches) return items ?? [];
    // New since the query ran: not on the board then, and not brought by one of its pages since.
    const held = items.filter((i) => matches.matched.has(i.id) || (!matches.asked.has(i.id) && !fetched?.has(i.id)));
    if (!rest) return held;
    const here = new Set(items.map((i) => i.id));
    return [...held, ...[...matches.found.values()].filter((i) => !here.has(i.id) && !gone?.has(i.id))];
  }, [items, matches, fetched, rest, gone]);
  return { items: shown, matches, loadMore };
}
