import { describe, expect, it } from "vitest";
import type { Column, ColumnType, Item } from "../api/types";
import { laneCards, laneCondition, laneCounts, laneOrder, type LanePage } from "./lanePages";
import { laneOf } from "./lanes";

const column = (id: string, type: ColumnType, settings: Record<string, unknown> = {}): Column => ({ id, title: id, type, settings, position: "V" }) as unknown as Column;
const status = column("s", "status", { labels: [{ id: "l1", name: "Working on it", color: "orange" }, { id: "l2", name: "Done", color: "green" }] });
const item = (id: string, position: string, lane: string | null, version = 1): Item =>
  ({ id, name: id, position, version, values: lane ? { s: lane } : {}, archived: false, parent_item_id: null }) as unknown as Item;
const order = laneOrder();
const place = (i: Item) => laneOf(status, i);
const ids = (m: Map<string, Item[]>, lane: string) => (m.get(lane) ?? []).map((i) => i.id);
const page = (lane: string, items: Item[], more: boolean): [string, LanePage] => [lane, { lane, items, more, total: items.length, cursor: more ? "next" : null }];

describe("a kanban lane's cards", () => {
  it("are asked for by the lane's value, or as empty for No value", () => {
    expect(laneCondition(status, "l1")).toEqual({ column: "s", op: "any_of", value: ["l1"] });
    expect(laneCondition(status, "")).toEqual({ column: "s", op: "is_empty" });
  });

  it("are its fetched run while it has more: the board's items past its last card wait for their page", () => {
    const pages = new Map([page("l1", [item("a", "A", "l1"), item("b", "B", "l1")], true)]);
    // The board holds one card before the run's end (created live) and one after it.
    const held = [item("ab", "AB", "l1"), item("z", "Z", "l1")];
    const cards = laneCards(place, pages, new Set(), held, new Set(), order, false);
    expect(ids(cards, "l1")).toEqual(["a", "ab", "b"]);
    // Once the lane has no more, every card the board holds in it shows.
    const whole = laneCards(place, new Map([page("l1", pages.get("l1")!.items, false)]), new Set(), held, new Set(), order, false);
    expect(ids(whole, "l1")).toEqual(["a", "ab", "b", "z"]);
  });

  it("follow the board's newer copy to the lane it now puts them in, and leave when gone", () => {
    const pages = new Map([page("l1", [item("a", "A", "l1"), item("b", "B", "l1"), item("c", "C", "l1")], false), page("l2", [item("d", "D", "l2")], false)]);
    const held = [item("a", "A", "l2", 2), item("b", "B", "l2", 0)];
    const cards = laneCards(place, pages, new Set(), held, new Set(["c"]), order, false);
    expect(ids(cards, "l1")).toEqual(["b"]);
    expect(ids(cards, "l2")).toEqual(["a", "d"]);
  });

  it("are the matches alone under a filter, and none while the lane's first cards are on their way", () => {
    const pages = new Map([page("l1", [item("a", "A", "l1")], false)]);
    const held = [item("x", "X", "l1"), item("y", "Y", "l2"), item("n", "N", null)];
    const filtered = laneCards(place, pages, new Set(), held, new Set(), order, true);
    expect(ids(filtered, "l1")).toEqual(["a"]);
    expect(ids(filtered, "l2")).toEqual([]);
    const waiting = laneCards(place, pages, new Set(["l2"]), held, new Set(), order, false);
    expect(ids(waiting, "l2")).toEqual([]);
    expect(ids(waiting, "")).toEqual(["n"]);
  });

  it("are counted by the server, changed at once by cards moved, created or gone since", () => {
    const pages = new Map([page("l1", [item("a", "A", "l1"), item("b", "B", "l1")], true), page("l2", [item("d", "D", "l2")], false)]);
    // `a` moved to l2, `b` was archived, `n` was created in l2; l1 has 10 more not fetched.
    const held = [item("a", "A", "l2", 2), item("n", "N", "l2")];
    const cards = laneCards(place, pages, new Set(), held, new Set(["b"]), order, false);
    const counts = laneCounts(new Map([["l1", 12], ["l2", 1]]), pages, cards);
    expect(counts.get("l1")).toBe(10);
    expect(counts.get("l2")).toBe(3);
  });

  it("keep the sort, then board order, as the server does", () => {
    const byName = laneOrder((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    const tie = [item("q", "B", "l1"), item("p", "B", "l1"), item("r", "A", "l1")];
    expect([...tie].sort(order).map((i) => i.id)).toEqual(["r", "p", "q"]);
    expect([...tie].sort(byName).map((i) => i.id)).toEqual(["r", "q", "p"]);
  });
});
