// Search results as the search dialog shows them: grouped by board, then by item, in the order
// the best hit of each came; and a text cut into runs marked where the search's words are.
import type { components } from "../api/schema";

export type SearchHit = components["schemas"]["SearchHit"];

export type HitGroup = { boardId: string; boardName: string; items: { key: string; title: string; hits: SearchHit[] }[] };

/** Hits grouped by board and, within a board, by item (a board's own hit is a group of its own). */
export function groupHits(hits: SearchHit[]): HitGroup[] {
  const groups: HitGroup[] = [];
  for (const h of hits) {
    let g = groups.find((x) => x.boardId === h.board_id);
    if (!g) groups.push((g = { boardId: h.board_id, boardName: h.board_name, items: [] }));
    const key = h.item_id ?? `board:${h.board_id}`;
    let it = g.items.find((x) => x.key === key);
    // An update's title is its item's name; a file's is its own.
    if (!it) g.items.push((it = { key, title: h.kind === "file" ? "" : h.title, hits: [] }));
    if (!it.title && h.kind !== "file") it.title = h.title;
    it.hits.push(h);
  }
  return groups;
}

/** The hits in the order the dialog lists them (arrow keys walk this). */
export const inListOrder = (groups: HitGroup[]) => groups.flatMap((g) => g.items.flatMap((i) => i.hits));

/** `text` cut into runs, `mark` where a highlight (character offsets) covers it. */
export function segments(text: string, highlights: { start: number; end: number }[]): { text: string; mark: boolean }[] {
  const chars = [...text];
  const out: { text: string; mark: boolean }[] = [];
  let at = 0;
  for (const h of [...highlights].sort((a, b) => a.start - b.start)) {
    const start = Math.max(h.start, at);
    const end = Math.min(h.end, chars.length);
    if (end <= start) continue;
    if (start > at) out.push({ text: chars.slice(at, start).join(""), mark: false });
    out.push({ text: chars.slice(start, end).join(""), mark: true });
    at = end;
  }
  if (at < chars.length) out.push({ text: chars.slice(at).join(""), mark: false });
  return out;
}
