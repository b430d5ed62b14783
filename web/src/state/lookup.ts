// What many cells of a page look up by id (the names of linked items, what files are): one
// TanStack query per id, so each is read once and shared by every cell that shows it, and
// DataLoader gathers the ids asked for in the same tick into one request (200 ids at most).
// What the viewer may not read never comes back: its id stays unknown (null), not asked again.
import { type QueryClient, useQueries } from "@tanstack/react-query";
import DataLoader from "dataloader";

export type Lookup<T extends { id: string }> = {
  /** The first part of each id's query key. */
  key: string;
  loader: DataLoader<string, T | null>;
};

/** A lookup whose requests `read` answers (some of `ids`, in any order). */
export function lookup<T extends { id: string }>(key: string, read: (ids: string[]) => Promise<T[]>): Lookup<T> {
  const loader = new DataLoader<string, T | null>(
    async (ids) => {
      const found = new Map((await read([...ids])).map((t) => [t.id, t]));
      return ids.map((id) => found.get(id) ?? null);
    },
    // TanStack Query keeps the answers; the loader only batches.
    { cache: false, maxBatchSize: 200 },
  );
  return { key, loader };
}

/** What `ids` are, as far as read so far: the rest fill in as their answers come. */
export function useLookup<T extends { id: string }>(l: Lookup<T>, ids: readonly string[]): ReadonlyMap<string, T> {
  return useQueries({
    queries: ids.map((id) => ({ queryKey: [l.key, id], queryFn: () => l.loader.load(id), staleTime: Infinity })),
    combine: (answers) => {
      const known = new Map<string, T>();
      answers.forEach((a, k) => a.data && known.set(ids[k], a.data));
      return known;
    },
  });
}

/** Keeps what the page already knows (a picker's items, an upload's answer), so no one asks. */
export function remember<T extends { id: string }>(client: QueryClient, l: Lookup<T>, known: readonly T[]) {
  for (const t of known) client.setQueryData([l.key, t.id], t);
}
