import { describe, expect, it } from "vitest";
import type { Board, BoardEvent, Item } from "../api/types";
import { apply, initial, itemsOf, setValue } from "./board";

const board = { id: "b", last_seq: 3, columns: [], groups: [{ id: "g", title: "G", color: "blue", position: "V", collapsed: false }] } as unknown as Board;
const item = (id: string, position: string, values: Record<string, unknown> = {}): Item =>
  ({ id, board_id: "b", group_id: "g", name: id, position, values, version: 1, archived: false }) as unknown as Item;
const ev = (seq: number, kind: string, payload: unknown, item_id?: string): BoardEvent => ({ board_id: "b", seq, kind, payload, item_id, actor: "u" }) as unknown as BoardEvent;

describe("board events", () => {
  it("applies events in order and ignores ones already applied", () => {
    let s = initial(board, [item("a", "V")]);
    s = apply(s, ev(4, "item_created", { item: item("b", "W") }));
    s = apply(s, ev(4, "item_created", { item: item("c", "X") }));
    expect(s.seq).toBe(4);
    expect(s.items.map((i) => i.id)).toEqual(["a", "b"]);
  });

  it("marks the state stale on a gap instead of applying", () => {
    const s = apply(initial(board, []), ev(6, "item_created", { item: item("b", "W") }));
    expect(s.stale).toBe(true);
    expect(s.items).toEqual([]);
  });

  it("keeps the cell being edited locally when a remote change arrives", () => {
    let s = initial(board, [item("a", "V", { c1: "mine", c2: "old" })]);
    s = apply(s, ev(4, "item_updated", { item: item("a", "V", { c1: "theirs", c2: "new" }) }), new Set(["a:c1"]));
    expect(s.items[0].values).toEqual({ c1: "mine", c2: "new" });
  });

  it("removes archived and deleted items and orders groups' items by position", () => {
    let s = initial(board, [item("a", "X"), item("b", "V"), item("c", "W")]);
    s = apply(s, ev(4, "item_archived", { item: { ...item("a", "X"), archived: true } }));
    s = apply(s, ev(5, "item_deleted", { item_id: "c" }, "c"));
    expect(itemsOf(s.items, "g").map((i) => i.id)).toEqual(["b"]);
  });

  it("sets and clears values optimistically", () => {
    let s = initial(board, [item("a", "V", { c1: 1 })]);
    s = setValue(s, "a", "c2", "x");
    s = setValue(s, "a", "c1", null);
    expect(s.items[0].values).toEqual({ c2: "x" });
  });
});
