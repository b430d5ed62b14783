// The names of items other boards link to, looked up by id (`GET /items/lookup`) once per page
// and kept for the session: what a board relation cell shows. Items of boards the viewer cannot
// see never come back, so their ids stay unnamed.
import { useEffect, useState } from "react";
import { api, ok } from "../api/client";

const names = new Map<string, string>();
const asked = new Set<string>();
const listeners = new Set<() => void>();

/** Remembers names the page already knows (a picker's items). */
export function rememberNames(items: { id: string; name: string }[]) {
  for (const i of items) names.set(i.id, i.name);
  listeners.forEach((l) => l());
}

async function lookUp(ids: string[]) {
  for (let at = 0; at < ids.length; at += 200) {
    const chunk = ids.slice(at, at + 200);
    const page = await ok(api.GET("/api/v1/items/lookup", { params: { query: { ids: chunk.join(",") } } }));
    rememberNames(page.data);
  }
}

/** The names of `ids` known so far; unknown ones are looked up and fill in when they come. */
export function useLinkedNames(ids: string[]): Map<string, string> {
  const [, setTick] = useState(0);
  const key = ids.join(",");
  useEffect(() => {
    const listener = () => setTick((t) => t + 1);
    listeners.add(listener);
    const missing = ids.filter((id) => !names.has(id) && !asked.has(id));
    missing.forEach((id) => asked.add(id));
    if (missing.length) lookUp(missing).catch(() => missing.forEach((id) => asked.delete(id)));
    return () => void listeners.delete(listener);
    // `key` stands for `ids`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return names;
}
