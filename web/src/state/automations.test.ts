import { describe, expect, it } from "vitest";
import type { Column, Group } from "../api/types";
import { ACTION_TYPES, blankAction, GALLERY, literal, sentence, shapeOf, type BoardShape, type Names } from "./automations";

const status: Column = {
  id: "st", title: "Status", type: "status", position: "a",
  settings: { labels: [{ id: "l1", name: "Working on it" }, { id: "l3", name: "Done", done: true }] },
};
const owner: Column = { id: "ow", title: "Owner", type: "people", position: "b", settings: {} };
const due: Column = { id: "du", title: "Due", type: "date", position: "c", settings: {} };
const groups: Group[] = [
  { id: "g1", title: "To do", color: "blue", position: "a", collapsed: false },
  { id: "g2", title: "Done", color: "green", position: "b", collapsed: false },
];
const board: BoardShape = shapeOf({
  id: "b", org_id: "o", workspace_id: "w", name: "Board", description: "", kind: "public", default_permission: "edit_all",
  created_at: "", created_by: "u", updated_at: "", version: 1, last_seq: 0, columns: [status, owner, due], groups,
});
const names: Names = { board, person: (id) => (id === "ada" ? "Ada" : "someone") };

describe("a recipe as a sentence", () => {
  it("names columns, labels, groups and people", () => {
    const text = sentence(
      {
        trigger: { type: "column_changed", column_id: "st", to: "l3" },
        actions: [
          { type: "move_to_group", group_id: "g2" },
          { type: "notify", people_column_id: "ow", text: "done" },
          { type: "assign_person", column_id: "ow", person: "ada" },
        ],
      },
      names,
    );
    expect(text).toBe("When Status changes to Done, then move to group Done, notify Owner and assign Ada in Owner");
  });

  it("says what was deleted rather than showing ids", () => {
    const text = sentence({ trigger: { type: "item_moved", group_id: "gone" }, actions: [{ type: "clear_column", column_id: "gone" }] }, names);
    expect(text).toBe("When an item moves to group a deleted group, then clear a deleted column");
  });

  it("counts days and signs", () => {
    expect(sentence({ trigger: { type: "item_created" }, actions: [{ type: "push_date", column_id: "du", days: 1 }, { type: "increment_column", column_id: "du", by: -2 }] }, names))
      .toBe("When an item is created, then push Due by 1 day and decrease Due by 2");
  });
});

describe("the gallery", () => {
  it("offers ten recipes and fills them from the board", () => {
    expect(GALLERY).toHaveLength(10);
    const done = GALLERY[0].make(board);
    expect(done).toEqual({
      trigger: { type: "column_changed", column_id: "st", to: "l3" },
      actions: [{ type: "move_to_group", group_id: "g2" }, { type: "notify", people_column_id: "ow", text: "{item.name} is done" }],
    });
  });

  it("leaves out recipes the board cannot hold", () => {
    const bare = shapeOf({ ...board, columns: [], groups: [groups[0]] });
    expect(GALLERY[0].make(bare)).toBeNull();
    expect(GALLERY.filter((g) => g.make(bare)).length).toBe(2);
  });

  it("gives every action type a blank the board can hold, or none", () => {
    for (const t of ACTION_TYPES.filter((t) => t !== "increment_column")) {
      expect(blankAction(t, board)?.type).toBe(t);
    }
    expect(blankAction("increment_column", board)).toBeNull();
  });
});

describe("template literals", () => {
  it("double braces so a column title cannot make a placeholder", () => {
    expect(literal("Due {soon}")).toBe("Due {{soon}}");
  });
});
