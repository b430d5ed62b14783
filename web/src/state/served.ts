// What a dialog or panel shows from the server (a board's members, webhooks, links and
// automations, a webhook's deliveries, a recipe's runs, an item's updates and activity…), kept
// by TanStack Query under one key per thing: read when the dialog opens, shown from the cache at
// once when it opens again (and read again behind it), and read again after this page changes
// it. Two dialogs showing the same list (the webhooks dialog and the automations dialog's "call a
// webhook") share one copy.
import { useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, messageOf, ok } from "../api/client";
import type { Board, Group } from "../api/types";

export const served = {
  members: (board: string) => ["board", board, "members"] as const,
  webhooks: (board: string) => ["board", board, "webhooks"] as const,
  links: (board: string) => ["board", board, "links"] as const,
  automations: (board: string) => ["board", board, "automations"] as const,
  /** A board read alone (with its groups and what the reader may do there). */
  board: (board: string) => ["board", board, "read"] as const,
  /** The open board's first read (its counts, the board and its first page: useBoard). */
  open: (board: string) => ["board", board, "open"] as const,
  /** A page of the open board's items, for its load number, group and cursor (useBoard). */
  page: (board: string, loads: number, group: string, cursor: string | null) => ["board", board, "page", loads, group, cursor] as const,
  /** The open board's update counts, read again (useBoard). */
  updateCounts: (board: string) => ["board", board, "update-counts"] as const,
  boardsByWorkspace: (org: string) => ["org", org, "boards by workspace"] as const,
  deliveries: (hook: string) => ["webhook", hook, "deliveries"] as const,
  runs: (automation: string) => ["automation", automation, "runs"] as const,
  /** Everything kept of an item (its updates and its activity log). */
  item: (item: string) => ["item", item] as const,
  updates: (item: string) => ["item", item, "updates"] as const,
  subitems: (item: string) => ["item", item, "subitems"] as const,
  activity: (item: string) => ["item", item, "activity"] as const,
  boards: () => ["boards", "visible"] as const,
};

export const readBoard = (id: string) => ok(api.GET("/api/v1/boards/{id}", { params: { path: { id } } }));

/** `read`'s answer under `key` (null until it comes, or when it failed), why it failed, and a
 * way to read it again. `enabled: false` never asks (someone who may not read it). */
export function useServed<T>(key: readonly unknown[], read: () => Promise<T>, enabled = true) {
  const client = useQueryClient();
  const q = useQuery({ queryKey: key, queryFn: read, enabled });
  return {
    data: q.data ?? null,
    error: q.error ? messageOf(q.error) : "",
    reload: () => client.invalidateQueries({ queryKey: key }),
  };
}

/** Boards `ids` as read alone (undefined until read, and for a board one cannot read). */
export function useBoardReads(ids: string[]): (id: string) => Board | undefined {
  const unique = [...new Set(ids)].sort();
  const answers = useQueries({ queries: unique.map((id) => ({ queryKey: served.board(id), queryFn: () => readBoard(id) })) });
  return (id) => answers[unique.indexOf(id)]?.data;
}

/** The groups of boards `ids` (undefined until read, and for a board one cannot read). */
export function useBoardGroups(ids: string[]): (id: string) => Group[] | undefined {
  const read = useBoardReads(ids);
  return (id) => {
    const b = read(id);
    return b && (b.groups ?? []);
  };
}

/** The boards of the organization the viewer sees (the first 500): null until read, none when
 * they could not be read. */
export function useVisibleBoards(): Board[] | null {
  const listed = useServed(served.boards(), async () => (await ok(api.GET("/api/v1/boards", { params: { query: { limit: 500 } } }))).data);
  return listed.error ? [] : listed.data;
}
