// The names of items other boards link to, looked up by id (`GET /items/lookup`) and kept for
// the session (state/lookup.ts): what a board relation cell shows. Items of boards the viewer
// cannot see never come back, so their ids stay unnamed.
import type { QueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { api, ok } from "../api/client";
import { lookup, remember, useLookup } from "./lookup";

type Named = { id: string; name: string };

const linked = lookup<Named>("linked item", async (ids) => (await ok(api.GET("/api/v1/items/lookup", { params: { query: { ids: ids.join(",") } } }))).data);

/** Remembers names the page already knows (a picker's items). */
export function rememberNames(client: QueryClient, items: Named[]) {
  remember(client, linked, items);
}

/** The names of `ids` known so far; unknown ones are looked up and fill in when they come. */
export function useLinkedNames(ids: string[]): Map<string, string> {
  const found = useLookup(linked, ids);
  return useMemo(() => new Map([...found].map(([id, i]) => [id, i.name])), [found]);
}
