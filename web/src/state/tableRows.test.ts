import { describe, expect, it } from "vitest";
import type { Board, Column, Group, Item } from "../api/types";
import { addTarget, gapsOf, tableEntries, tableGroups, titleIndexes, withSticky } from "./tableRows";

const group = (id: string, position: string): Group => ({ id, title: id.toUpperCase(), color: "blue", position, collapsed: false });
const status = { id: "s", title: "Status", type: "status", position: "a0", settings: { labels: [{ id: "l1", name: "Working", color: "orange" }, { id: "l3", name: "Done", color: "green" }] } } as unknown as Column;
const board = { id: "b", columns: [status], groups: [group("g1", "a"), group("g2", "b")] } as unknown as Board;
const item = (id: string, group_id: string, position: string, values: Record<string, unknown> = {}): Item =>
  ({ id, board_id: "b", group_id, name: id, position, values }) as unknown as Item;

const items = [item("x", "g2", "a"), item("b", "g1", "b", { s: "l3" }), item("a", "g1", "a", { s: "l1" }), item("c", "g1", "c", { s: "l3" })];

describe("the table as one list", () => {
  it("gives each group a title, headers, its rows in board order, an add row, a footer and a gap", () => {
    const entries = tableEntries(tableGroups(board, items, []), new Set());
    expect(entries.map((e) => (e.kind === "item" ? e.item.id : `${e.kind}:${e.group.id}`))).toEqual([
      "title:g1", "head:g1", "a", "b", "c", "add:g1", "foot:g1", "gap:g1",
      "title:g2", "head:g2", "x", "add:g2", "foot:g2", "gap:g2",
    ]);
  });

  it("numbers item rows across groups, for arrow keys, and keys every entry uniquely", () => {
    const entries = tableEntries(tableGroups(board, items, []), new Set());
    expect(entries.flatMap((e) => (e.kind === "item" ? [e.row] : []))).toEqual([0, 1, 2, 3]);
    expect(new Set(entries.map((e) => e.key)).size).toBe(entries.length);
  });

  it("shows only the title of a collapsed group, and its rows stay counted", () => {
    const groups = tableGroups(board, items, []);
    const entries = tableEntries(groups, new Set(["g1"]));
    expect(entries.slice(0, 2).map((e) => e.kind)).toEqual(["title", "gap"]);
    expect(entries[0].kind === "title" && entries[0].collapsed).toBe(true);
    expect(groups[0].items).toHaveLength(3);
  });

  it("groups by a column's lanes, ending with No value, sorted when asked", () => {
    const groups = tableGroups(board, items, [], status, (a, b) => b.id.localeCompare(a.id));
    expect(groups.map((g) => [g.title, g.items.map((i) => i.id)])).toEqual([["Working", ["a"]], ["Done", ["c", "b"]], ["No value", ["x"]]]);
  });
});

describe("a filter's matches fetched page by page", () => {
  it("keeps a place for each match not fetched yet, after the group's rows", () => {
    // The server counts 5 matches in g1 and 1 in g2; a and x are fetched; z was created since.
    const paging = { counts: new Map([["g1", 5], ["g2", 1]]), matched: new Set(["a", "x"]) };
    const shown = [items[2], items[0], item("z", "g1", "d")];
    const groups = tableGroups(board, shown, [], undefined, undefined, paging);
    expect(groups.map((g) => [g.id, g.items.length, g.pending])).toEqual([["g1", 2, 4], ["g2", 1, 0]]);
    const entries = tableEntries(groups, new Set());
    expect(entries.slice(0, 9).map((e) => e.kind)).toEqual(["title", "head", "item", "item", "pending", "pending", "pending", "pending", "add"]);
  });

  it("keeps none once every page is fetched", () => {
    expect(tableGroups(board, items, []).every((g) => g.pending === 0)).toBe(true);
  });
});

describe("adding an item under a group", () => {
  it("goes into that board group", () => {
    const [g1] = tableGroups(board, items, []);
    expect(addTarget(board, g1)).toEqual({ group: "g1" });
  });

  it("takes the lane's value when grouped by a column, in the board's first group", () => {
    const [, done, none] = tableGroups(board, items, [], status);
    expect(addTarget(board, done, status)).toEqual({ group: "g1", values: { s: "l3" } });
    expect(addTarget(board, none, status)).toEqual({ group: "g1", values: undefined });
  });
});

describe("sticky group headers", () => {
  const entries = tableEntries(tableGroups(board, items, []), new Set(["g2"]));
  const titles = titleIndexes(entries);
  it("knows each row's group title", () => {
    // g1: title 0, head 1, rows 2-4, add 5, foot 6, gap 7; g2 (collapsed): title 8, gap 9.
    expect(titles).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 8, 8]);
  });
  it("keeps the title and headers of the group at the top rendered, in order", () => {
    expect(withSticky([4, 5, 6], entries, titles, 4)).toEqual([0, 1, 4, 5, 6]);
    expect(withSticky([0, 1, 2], entries, titles, 0)).toEqual([0, 1, 2]);
    // A collapsed group has no headers under its title.
    expect(withSticky([8, 9], entries, titles, 9)).toEqual([8, 9]);
  });
  it("puts the rows not rendered into gaps, so rendered rows keep their places", () => {
    const shown = [{ start: 0, end: 40 }, { start: 40, end: 75 }, { start: 300, end: 337 }, { start: 337, end: 374 }];
    expect(gapsOf(shown, 1000)).toEqual({ before: [0, 0, 225, 0], after: 626 });
    expect(gapsOf([], 500)).toEqual({ before: [], after: 500 });
  });
});

describe("expanded items", () => {
  it("show their subitems right under their row", () => {
    const item = (id: string) => ({ id, name: id, group_id: "g", position: id, values: {} }) as unknown as Item;
    const group = { id: "g", title: "G", color: "grey", items: [item("a"), item("b")], pending: 0 };
    const kinds = tableEntries([group], new Set(), new Set(["a"])).map((e) => (e.kind === "item" || e.kind === "subitems" ? `${e.kind}:${e.item.id}` : e.kind));
    expect(kinds).toEqual(["title", "head", "item:a", "subitems:a", "item:b", "add", "foot", "gap"]);
  });
});
