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
// The pages are one infinite query (TanStack Query): a new filter, sort, grouping or reload is
// a new query key, so an answer to an older one never lands in the newer one's rows.
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useEffectEvent, useMemo, useRef } from "react";
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

/** A page of the answer; the first also holds the ids the board had when the query ran. */
type Page = QueryResponse & { asked?: ReadonlySet<string> };

/** `groupBy` is "group" or a column id: what the counts are per. */
export function useFiltered(boardId: string, filter: Record<string, unknown> | null, sort: SortKeySpec[] | null, groupBy: string, state: BoardState | null, flash: (message: string) => void): Filtered {
  const items = state?.items;
  const key = queried(filter, sort, groupBy) ? JSON.stringify({ filter, sort }) : "";
  const loads = state?.loads ?? 0;
  const asking = !!key && loads > 0;
  // The board's items as of the last render, read when a query's first page is asked for.
  const latest = useRef(items);
  useEffect(() => {
    latest.current = items;
  });
  const query = useInfiniteQuery({
    // `loads` is in the key: a board reloaded whole runs the query again.
    queryKey: ["board-query", boardId, key, groupBy, loads],
    enabled: asking,
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }): Promise<Page> => {
      const asked = pageParam === null ? new Set((latest.current ?? []).map((i) => i.id)) : undefined;
      return { ...(await page(boardId, JSON.parse(key), groupBy, pageParam)), asked };
    },
    getNextPageParam: (last) => last.next_cursor ?? null,
    // The last answer stays on screen until the new one lands; nothing refetches on its own
    // (live events update the rows), and an answer no one shows is not kept.
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    gcTime: 0,
  });
  const failed = useEffectEvent((e: unknown) => flash(messageOf(e)));
  useEffect(() => {
    if (query.error) failed(query.error);
  }, [query.error]);

  const pages = asking ? query.data?.pages : undefined;
  const matches = useMemo((): Matches | null => {
    const last = pages?.at(-1);
    if (!pages || !last) return null;
    const all = pages.flatMap((p) => p.data);
    return { total: last.total, counts: countsOf(last), matched: new Set(all.map((i) => i.id)), found: byId(all), asked: pages[0].asked ?? new Set(), cursor: last.next_cursor ?? null };
  }, [pages]);

  // A page at a time, and none for the answer to an older query still on screen.
  const { hasNextPage, isFetching, isPlaceholderData, fetchNextPage } = query;
  const ready = asking && hasNextPage && !isFetching && !isPlaceholderData;
  const loadMore = useCallback(() => {
    if (ready) void fetchNextPage();
  }, [ready, fetchNextPage]);

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
