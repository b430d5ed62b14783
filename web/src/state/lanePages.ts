// The cards of the kanban, the gallery, the calendar and the workload, a run at a time from the
// server: on a large board these views do not fetch every item. The gallery is one run (every
// match); the kanban a run per lane; the calendar and the workload one run of the days they show
// (fetched whole) and, for the calendar, one of the undated items. The lanes' counts come from one count query grouped by the lane column (with the
// board's filter and search); each lane with cards asks the item query for its first cards
// (its value `any_of` the lane, or `is_empty` for "No value", in the view's sort, else board
// order) and for more as its end scrolls into view, twice as many each time (going on from the
// cursor of the cards it has, so no card is fetched twice). Every answer is
// read again, at most twice a second, while the board's events say items changed; between
// reads, the cards the board itself holds (current to the last event) are shown as they now
// are, in the lane their value now puts them.
import { useQueries, useQueryClient, type UseQueryResult } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState } from "react";
import { api, ok } from "../api/client";
import type { Bus } from "../api/live";
import type { Column, Item, QueryResponse, SortKeySpec } from "../api/types";
import { useCounts, useReadAgainOnChanges } from "./counts";
import { spanOf } from "./calendar";
import { laneOf } from "./lanes";
import { TZ } from "./useFiltered";

/** Cards a lane asks for first; each further ask doubles what it holds. */
export const LANE_PAGE = 100;
/** The most items one request may ask for (the API's page limit). */
const MOST = 500;

export const lanesKey = (board: string) => ["board", board, "lanes"] as const;

/** A lane's fetched cards, in its order, whether it has more and where the server's next page
 * of them starts. */
export type LanePage = { lane: string; items: Item[]; more: boolean; total: number; cursor: string | null };

/** The condition that picks a lane's items. */
export function laneCondition(column: Column, lane: string): Record<string, unknown> {
  return lane ? { column: column.id, op: "any_of", value: [lane] } : { column: column.id, op: "is_empty" };
}

/** The first `want` items of a run, in requests of at most [`MOST`]; going on from `from` (the
 * run's first items, fetched before) when given. */
async function fetchRun(boardId: string, lane: string, only: Record<string, unknown> | null, filter: Record<string, unknown> | null, sort: SortKeySpec[] | null, want: number, from?: LanePage): Promise<LanePage> {
  const both = filter && only ? { and: [filter, only] } : (filter ?? only);
  const body = { filter: both, sort };
  const items: Item[] = from ? [...from.items] : [];
  let cursor: string | null = from?.cursor ?? null;
  let total = from?.total ?? 0;
  do {
    const page: QueryResponse = await ok(api.POST("/api/v1/boards/{id}/items/query", { params: { path: { id: boardId } }, body: { ...body, limit: Math.min(MOST, want - items.length), cursor, tz: TZ } }));
    items.push(...page.data);
    cursor = page.next_cursor ?? null;
    total = page.total;
  } while (cursor && items.length < want);
  return { lane, items, more: !!cursor, total, cursor };
}

/** The server's order of a lane: the sort's, then board order (position, then id). */
export function laneOrder(sort?: (a: Item, b: Item) => number) {
  return (a: Item, b: Item) => sort?.(a, b) || (a.position < b.position ? -1 : a.position > b.position ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Each lane's cards: the items its pages brought, as the board holds them now if it does (a
 * live change may have moved them to another lane), and without a filter the items the board
 * holds that belong to it; each lane in `order`, and while it has more, only up to its last
 * fetched card (what comes after is fetched as it scrolls into view, never shown out of place). */
export function laneCards(place: (item: Item) => string, pages: ReadonlyMap<string, LanePage>, pending: ReadonlySet<string>, held: readonly Item[], gone: ReadonlySet<string>, order: (a: Item, b: Item) => number, filtered: boolean): Map<string, Item[]> {
  const live = new Map(held.map((i) => [i.id, i]));
  const cards = new Map<string, Item>();
  for (const page of pages.values()) {
    for (const item of page.items) {
      const now = live.get(item.id);
      cards.set(item.id, now && now.version >= item.version ? now : item);
    }
  }
  if (!filtered) for (const item of held) if (!item.parent_item_id && !cards.has(item.id)) cards.set(item.id, item);
  const lanes = new Map<string, Item[]>();
  for (const item of cards.values()) {
    if (gone.has(item.id) || item.archived) continue;
    const lane = place(item);
    const list = lanes.get(lane);
    if (list) list.push(item);
    else lanes.set(lane, [item]);
  }
  for (const [lane, list] of lanes) {
    list.sort(order);
    const page = pages.get(lane);
    const last = page?.more ? page.items[page.items.length - 1] : undefined;
    // A lane with more to fetch shows its fetched run; one whose first cards are on their way
    // shows none yet (not the board's, which may have gaps).
    if (last) lanes.set(lane, list.filter((i) => order(i, last) <= 0));
    else if (pending.has(lane)) lanes.set(lane, []);
  }
  return lanes;
}

/** Each lane's count: the server's, less the cards its pages brought that are now elsewhere (or
 * gone) and plus the cards shown in it that its pages did not bring (moved in, or created), so
 * a change shows in the counts at once, not when they are next read. */
export function laneCounts(counts: ReadonlyMap<string, number>, pages: ReadonlyMap<string, LanePage>, cards: ReadonlyMap<string, Item[]>): Map<string, number> {
  const out = new Map(counts);
  for (const lane of new Set([...counts.keys(), ...cards.keys()])) {
    const fetched = new Set((pages.get(lane)?.items ?? []).map((i) => i.id));
    const shown = new Set((cards.get(lane) ?? []).map((i) => i.id));
    let n = counts.get(lane) ?? 0;
    for (const id of fetched) if (!shown.has(id)) n--;
    for (const id of shown) if (!fetched.has(id)) n++;
    out.set(lane, Math.max(n, shown.size));
  }
  return out;
}

export type Lanes = {
  /** Cards per lane id ("" for no value). */
  cards: ReadonlyMap<string, Item[]>;
  /** Each lane's count ([`laneCounts`]; an item with several values is counted in each). */
  counts: ReadonlyMap<string, number> | undefined;
  /** Lanes with more cards to fetch. */
  more: ReadonlySet<string>;
  /** Fetches more of a lane (nothing when it has no more or is being read). */
  loadMore: (lane: string) => void;
};

type Fetched = { pages: ReadonlyMap<string, LanePage>; more: ReadonlySet<string>; busy: ReadonlySet<string> };

/** The lanes' answers by lane (kept by TanStack Query as long as they do not change). */
function combine(results: UseQueryResult<LanePage>[]): Fetched {
  const pages = new Map<string, LanePage>();
  const more = new Set<string>();
  const busy = new Set<string>();
  for (const r of results) {
    if (!r.data) continue;
    pages.set(r.data.lane, r.data);
    if (r.data.more) more.add(r.data.lane);
    if (r.isPlaceholderData || r.isFetching) busy.add(r.data.lane);
  }
  return { pages, more, busy };
}

/** A run of the board's items: asked of the server by `condition` (with the board's filter and
 * sort); an `eager` run fetches all of its cards (a calendar's month: its first 500, then the
 * rest in one go, showing what the board holds meanwhile), the others as they scroll into view. */
export type Run = { id: string; condition: Record<string, unknown> | null; eager?: boolean };

/** What the kanban, the gallery and the calendar share: the board's items in runs (a lane
 * each; the gallery's one run is every match; the calendar's the days shown and the undated),
 * each asked of the server as its cards are needed, and put in their run by `place` (an item
 * placed in no run asked for is not shown). */
type Runs = {
  /** What is asked, so answers of another question are not mixed in (views, columns). */
  scope: string;
  runs: Run[];
  /** The server's count per run, if counted apart (else each run's first answer's total). */
  counts?: ReadonlyMap<string, number>;
  place: (item: Item) => string;
};

/** The board's `filter` and `sort` (`compare` is the same sort in the browser); `held` are the
 * board's items as it holds them, `loads` its load count. */
export type Source = {
  boardId: string;
  filter: Record<string, unknown> | null;
  sort: SortKeySpec[] | null;
  compare: ((a: Item, b: Item) => number) | undefined;
  held: readonly Item[];
  gone: ReadonlySet<string>;
  loads: number;
  bus: Bus;
};

/** Every card of an eager run, asked for once its first [`MOST`] are shown. */
const ALL = Number.MAX_SAFE_INTEGER;
/** How many cards a run asks for first, next, and asked for before `n`. */
const first = (run: Run) => (run.eager ? MOST : LANE_PAGE);
const after = (run: Run, n: number) => (run.eager ? ALL : n * 2);
const before = (run: Run, n: number) => (run.eager ? MOST : n / 2);

function useRuns({ scope, runs, counts: counted, place }: Runs, { boardId, filter, sort, compare, held, gone, loads, bus }: Source, on: boolean): Lanes {
  const client = useQueryClient();
  const askedKey = JSON.stringify({ scope, filter, sort });
  /** How many cards each run wants, for the question asked (a new one starts over). */
  const [wanted, setWanted] = useState<{ key: string; runs: ReadonlyMap<string, number> }>({ key: askedKey, runs: new Map() });
  const want = (run: Run) => (wanted.key === askedKey ? wanted.runs.get(run.id) : undefined) ?? first(run);
  const key = (run: Run, n: number) => [...lanesKey(boardId), askedKey, run.id, run.condition, n] as const;
  const asked = on ? runs : [];
  const fetched = useQueries({
    queries: asked.map((run) => ({
      queryKey: key(run, want(run)),
      queryFn: () => {
        const n = want(run);
        // More of a run goes on from the cards it has (their cursor) instead of asking for its
        // first ones again; a run read again because the board changed starts over, and so does
        // one whose cards so far are out of date (the board changed since they came).
        const had = client.getQueryState<LanePage>(key(run, before(run, n)));
        const fresh = !client.getQueryData(key(run, n)) && had && !had.isInvalidated ? had.data : undefined;
        return fetchRun(boardId, run.id, run.condition, filter, sort, n, fresh?.more ? fresh : undefined);
      },
      // While more is on its way, the run keeps what it had.
      placeholderData: () => client.getQueryData<LanePage>(key(run, before(run, want(run)))),
    })),
    combine,
  });
  const withCards = asked.map((r) => r.id);
  useReadAgainOnChanges(boardId, lanesKey(boardId), on, bus);
  // The board read whole again (it missed events): so are the runs.
  useEffect(() => {
    if (loads > 1) void client.invalidateQueries({ queryKey: lanesKey(boardId) });
  }, [client, boardId, loads]);
  const runList = JSON.stringify(withCards);
  // An eager run shows what the board holds of it meanwhile (all of it comes, so no gap stays).
  const eagerRuns = JSON.stringify(asked.filter((r) => r.eager).map((r) => r.id));
  const pending = useMemo(() => {
    const eager = new Set(JSON.parse(eagerRuns) as string[]);
    return new Set((JSON.parse(runList) as string[]).filter((l) => !fetched.pages.has(l) && !eager.has(l)));
  }, [runList, eagerRuns, fetched]);
  const order = useMemo(() => laneOrder(compare), [compare]);
  const filtered = !!filter;
  const cards = useMemo(
    () => (on ? laneCards(place, fetched.pages, pending, held, gone, order, filtered) : new Map<string, Item[]>()),
    [place, on, fetched, pending, held, gone, order, filtered],
  );
  const counts = useMemo(() => counted ?? (fetched.pages.size ? new Map([...fetched.pages].map(([id, p]) => [id, p.total])) : undefined), [counted, fetched]);
  const shownCounts = useMemo(() => counts && laneCounts(counts, fetched.pages, cards), [counts, fetched, cards]);
  const { more, busy } = fetched;
  const loadMore = useCallback((id: string) => {
    const run = runs.find((r) => r.id === id);
    if (!run || !more.has(id) || busy.has(id)) return;
    setWanted((w) => {
      const wants = new Map(w.key === askedKey ? w.runs : []);
      wants.set(id, after(run, wants.get(id) ?? first(run)));
      return { key: askedKey, runs: wants };
    });
  }, [askedKey, runs, more, busy]);
  // Eager runs fetch on until they have every card.
  const eager = asked.filter((r) => r.eager && more.has(r.id) && !busy.has(r.id)).map((r) => r.id).join("\n");
  useEffect(() => {
    if (eager) eager.split("\n").forEach(loadMore);
  }, [eager, loadMore]);
  return { cards, counts: shownCounts, more, loadMore };
}

/** The kanban's lanes by `column`. */
export function useLanes(column: Column | undefined, board: Source, enabled: boolean): Lanes {
  const on = enabled && !!column;
  const asked = useMemo(() => ({ filter: board.filter, group_by: column?.id ?? "group" }), [board.filter, column?.id]);
  const answer = useCounts(board.boardId, asked, on, board.bus);
  const counts = useMemo(() => answer && new Map(answer.groups.map((g) => [g.key, g.count])), [answer]);
  const place = useCallback((item: Item) => (column ? laneOf(column, item) : ""), [column]);
  const runs = useMemo(() => (column && counts ? [...counts].filter(([, n]) => n > 0).map(([lane]) => ({ id: lane, condition: laneCondition(column, lane) })) : []), [column, counts]);
  return useRuns({ scope: `lanes:${column?.id}`, runs, counts, place }, board, on);
}

/** The gallery's cards: every match, one run in the sort's order (board order without one). */
export function useGalleryCards(board: Source, enabled: boolean): { cards: Item[]; count: number | undefined; more: boolean; loadMore: () => void } {
  const runs = useRuns({ scope: "gallery", runs: EVERY_MATCH, place: oneRun }, board, enabled);
  const { loadMore: more } = runs;
  const loadMore = useCallback(() => more(""), [more]);
  return { cards: runs.cards.get("") ?? NONE, count: runs.counts?.get(""), more: runs.more.has(""), loadMore };
}

const NONE: Item[] = [];
const EVERY_MATCH: Run[] = [{ id: "", condition: null }];
const oneRun = () => "";

/** The items on the days `shown` of a date or timeline `column` (all of them, fetched at once),
 * for the calendar and the workload; `undated` adds the items without a date, as their list
 * asks for them (the calendar's side list: its first 100). */
export function useDatedCards(scope: string, column: Column | undefined, shown: readonly [string, string] | null, board: Source, enabled: boolean, undated: boolean) {
  const on = enabled && !!column && !!shown;
  const [from, to] = shown ?? ["", ""];
  const runs = useMemo<Run[]>(() => (column ? [
    { id: "days", condition: { column: column.id, op: "between", value: [from, to] }, eager: true },
    ...(undated ? [{ id: "undated", condition: { column: column.id, op: "is_empty" } }] : []),
  ] : []), [column, from, to, undated]);
  const place = useCallback((item: Item) => {
    const span = column && spanOf(column.type, item.values[column.id]);
    return !span ? "undated" : span.to >= from && span.from <= to ? "days" : "elsewhere";
  }, [column, from, to]);
  const fetched = useRuns({ scope: `${scope}:${column?.id}`, runs, place }, board, on);
  const { cards, counts, loadMore } = fetched;
  const items = useMemo(() => [...(cards.get("days") ?? NONE), ...(undated ? cards.get("undated") ?? NONE : NONE)], [cards, undated]);
  const more = useMemo(() => ({ count: counts?.get("undated") ?? 0, loadMore: () => loadMore("undated") }), [counts, loadMore]);
  return { items, undated: more };
}
