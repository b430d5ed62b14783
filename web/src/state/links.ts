// A board's links in words: calendar feeds and inbound webhooks (how an inbound JSON body
// becomes an item, read as a sentence), the mapping editor's rows as the API's mapping, and an
// example body that the mapping would take.
import type { BoardLink, Column, Group, InboundMapping, LinkKind } from "../api/types";

export const LINK_WORDS: Record<LinkKind, string> = { ical: "Calendar feed", inbound: "Inbound webhook" };

/** A JSON pointer: empty (the whole body) or `/`-separated names (`/customer/email`). */
export const isPointer = (p: string) => p === "" || p.startsWith("/");

/** A pointer's names, unescaped (`~1` is `/`, `~0` is `~`). */
export const pointerNames = (p: string) => (p ? p.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~")) : []);

/** The mapping editor's state: the name's pointer, the group for new items (empty: the
 * board's first), rows of column → pointer, and an optional match rule. */
export type MappingDraft = {
  name: string;
  group: string;
  rows: { column: string; pointer: string }[];
  match: { column: string; pointer: string } | null;
};

export const blankDraft = (): MappingDraft => ({ name: "/name", group: "", rows: [], match: null });

/** What is wrong with the draft, or null when it can be saved. */
export function draftProblem(d: MappingDraft): string | null {
  if (!d.name.trim() || !isPointer(d.name.trim())) return "The item's name needs a JSON pointer such as /name.";
  for (const r of d.rows) if (r.column && !isPointer(r.pointer.trim())) return "Each field needs a JSON pointer starting with /.";
  if (d.match && (!d.match.column || !d.match.pointer.trim() || !isPointer(d.match.pointer.trim()))) return "Matching needs a column and a JSON pointer.";
  return null;
}

/** The draft as the API's mapping (rows without a column or pointer left out). */
export function mappingOf(d: MappingDraft): InboundMapping {
  const values = Object.fromEntries(d.rows.filter((r) => r.column && r.pointer.trim()).map((r) => [r.column, r.pointer.trim()]));
  return {
    name: d.name.trim(),
    ...(d.group ? { group_id: d.group } : {}),
    ...(Object.keys(values).length ? { values } : {}),
    ...(d.match ? { match: { column_id: d.match.column, pointer: d.match.pointer.trim() } } : {}),
  };
}

/** A body the mapping reads: each pointer given a sample value. */
export function exampleBody(m: InboundMapping, columns: Column[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const put = (pointer: string, value: unknown) => {
    const names = pointerNames(pointer);
    if (!names.length) return;
    let at = body;
    for (const n of names.slice(0, -1)) {
      if (typeof at[n] !== "object" || at[n] === null) at[n] = {};
      at = at[n] as Record<string, unknown>;
    }
    at[names[names.length - 1]] ??= value;
  };
  put(m.name, "New item");
  if (m.match) put(m.match.pointer, sample(columns.find((c) => c.id === m.match?.column_id)));
  for (const [column, pointer] of Object.entries(m.values ?? {})) if (typeof pointer === "string") put(pointer, sample(columns.find((c) => c.id === column)));
  return body;
}

function sample(c: Column | undefined): unknown {
  switch (c?.type) {
    case "number":
    case "rating":
      return 1;
    case "date":
      return "2026-01-31";
    case "checkbox":
      return true;
    case "status": {
      const labels = (c.settings as { labels?: { name: string }[] }).labels ?? [];
      return labels[0]?.name ?? "Done";
    }
    case "email":
      return "someone@example.com";
    default:
      return "text";
  }
}

/** An inbound link's mapping in words: "name from /name, Status from /status, into To do,
 * updating the item whose Email matches /email". */
export function mappingWords(m: InboundMapping | null | undefined, columns: Column[], groups: Group[]): string {
  if (!m) return "";
  const title = (id: string) => columns.find((c) => c.id === id)?.title ?? "a deleted column";
  const parts = [`name from ${m.name || "the body"}`];
  for (const [column, pointer] of Object.entries(m.values ?? {})) parts.push(`${title(column)} from ${String(pointer)}`);
  if (m.group_id) parts.push(`into ${groups.find((g) => g.id === m.group_id)?.title ?? "a deleted group"}`);
  if (m.match) parts.push(`updating the item whose ${title(m.match.column_id)} matches ${m.match.pointer}`);
  return parts.join(", ");
}

/** Links newest first. */
export const newestFirst = (links: BoardLink[]) => [...links].sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
