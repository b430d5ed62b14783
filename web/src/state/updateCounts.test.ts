import { describe, expect, it } from "vitest";
import type { Board, BoardEvent, Update } from "../api/types";
import { boardReducer, type BoardState } from "./board";
import { countAfter, countsOf } from "./updateCounts";

const board: Board = {
  id: "b", org_id: "o", workspace_id: "w", name: "Board", description: "", kind: "public", default_permission: "edit_all",
  created_at: "", created_by: "u", updated_at: "", version: 1, last_seq: 3, columns: [], groups: [],
};
const update = (id: string, item: string, parent: string | null = null): Update =>
  ({ id, item_id: item, board_id: "b", author: "u", body: "hi", mentions: [], created_at: "", parent_id: parent });
const meta = (seq: number, item: string) => ({ board_id: "b", seq, actor: "u", created_at: "", item_id: item });
const posted = (seq: number, u: Update): BoardEvent => ({ ...meta(seq, u.item_id), kind: "update_posted", payload: { update: u } });
const deleted = (seq: number, id: string, item: string): BoardEvent => ({ ...meta(seq, item), kind: "update_deleted", payload: { update_id: id, item_id: item } });
const edited = (seq: number, u: Update): BoardEvent => ({ ...meta(seq, u.item_id), kind: "update_edited", payload: { update: u } });

describe("update counts", () => {
  it("come from the server's list, items without updates left out", () => {
    expect([...countsOf([{ item_id: "a", count: 2 }, { item_id: "b", count: 0 }])]).toEqual([["a", 2]]);
  });
  it("count a posted update or reply one more, on its item", () => {
    let c = countsOf([{ item_id: "a", count: 2 }]);
    c = countAfter(c, posted(4, update("u1", "a"))).counts;
    c = countAfter(c, posted(5, update("u2", "b", "u0"))).counts;
    expect(c.get("a")).toBe(3);
    expect(c.get("b")).toBe(1);
  });
  it("drop by one on a delete and ask to count again (its replies went with it)", () => {
    const after = countAfter(countsOf([{ item_id: "a", count: 1 }]), deleted(4, "u1", "a"));
    expect(after.counts.has("a")).toBe(false);
    expect(after.recount).toBe(true);
  });
  it("ignore edits and other events", () => {
    const c = countsOf([{ item_id: "a", count: 1 }]);
    expect(countAfter(c, edited(4, update("u1", "a")))).toEqual({ counts: c, recount: false });
  });
  it("are kept by the board reducer from live events, in seq order", () => {
    let s: BoardState | null = boardReducer(null, { type: "loaded", board, items: [], updates: countsOf([{ item_id: "a", count: 1 }]) });
    s = boardReducer(s, { type: "event", event: posted(4, update("u2", "a")), editing: new Set() });
    s = boardReducer(s, { type: "event", event: posted(4, update("u2", "a")), editing: new Set() });
    expect(s?.updates.get("a")).toBe(2);
    expect(s?.recount).toBe(false);
    s = boardReducer(s, { type: "event", event: deleted(5, "u2", "a"), editing: new Set() });
    expect(s?.updates.get("a")).toBe(1);
    expect(s?.recount).toBe(true);
    s = boardReducer(s, { type: "counted", updates: countsOf([{ item_id: "a", count: 1 }]) });
    expect(s?.recount).toBe(false);
  });
});
