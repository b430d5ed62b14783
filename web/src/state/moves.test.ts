import { describe, expect, it } from "vitest";
import type { Board, BoardEvent, Item } from "../api/types";
import { moveOf, moveTargets, moveWords } from "./moves";

const board = (id: string, more: Partial<Board> = {}): Board => ({
  id, org_id: "o", workspace_id: "w", name: id, description: "", kind: "public", default_permission: "edit_all",
  created_at: "", created_by: "u", updated_at: "", version: 1, last_seq: 0, ...more,
});
const item: Item = { id: "i", board_id: "b2", group_id: "g", name: "Launch", position: "V", values: {}, version: 2, archived: false, auto_number: 1, created_at: "", created_by: "u", updated_at: "" };
const meta = { seq: 4, actor: "u", created_at: "", item_id: "i" };
const left: BoardEvent = { ...meta, board_id: "b1", kind: "item_deleted", payload: { item_id: "i", name: "Launch", moved_to: "b2" } };
const arrived: BoardEvent = { ...meta, board_id: "b2", kind: "item_created", payload: { item, moved_from: "b1" } };
const names = (id: string) => ({ b1: "Sales", b2: "Marketing" })[id];

describe("moving items between boards", () => {
  it("offers the organization's other boards, not subitem boards nor those one may only view", () => {
    const from = board("b1");
    const boards = [from, board("b2"), board("sub", { parent_board_id: "b2" }), board("ro", { permission: "view" }), board("far", { org_id: "other" }), board("b3", { permission: "edit_content" })];
    expect(moveTargets(boards, from).map((b) => b.id)).toEqual(["b2", "b3"]);
    expect(moveTargets([from], from)).toEqual([]);
  });

  it("reads a move from the source's item_deleted and the target's item_created", () => {
    expect(moveOf(left)).toEqual({ to: "b2" });
    expect(moveOf(arrived)).toEqual({ from: "b1" });
    expect(moveOf({ ...left, payload: { item_id: "i", name: "Launch" } })).toBeNull();
    expect(moveOf({ ...arrived, payload: { item } })).toBeNull();
  });

  it("says where the item went and where it came from, or 'another board'", () => {
    expect(moveWords(left, names)).toBe("moved “Launch” to Marketing");
    expect(moveWords(arrived, names)).toBe("moved “Launch” here from Sales");
    expect(moveWords(left, () => undefined)).toBe("moved “Launch” to another board");
    expect(moveWords(arrived, () => undefined)).toBe("moved “Launch” here from another board");
    // A plain delete or create is not a move.
    expect(moveWords({ ...left, payload: { item_id: "i", name: "Launch", moved_to: null } }, names)).toBeNull();
    expect(moveWords({ ...arrived, payload: { item, duplicated_from: "x" } }, names)).toBeNull();
  });
});
