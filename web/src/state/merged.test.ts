import { describe, expect, it } from "vitest";
import type { Board, Column, Item } from "../api/types";
import { mergeBoards } from "./merged";

const col = (id: string, type: string, title: string, settings: Record<string, unknown> = {}) => ({ id, type, title, settings }) as unknown as Column;
const board = (id: string, columns: Column[], groups: string[]) =>
  ({ id, name: id.toUpperCase(), columns, groups: groups.map((g) => ({ id: g, title: g, color: "blue" })) }) as unknown as Board;
const item = (id: string, board_id: string, group_id: string, values: Record<string, unknown>) => ({ id, name: id, board_id, group_id, values }) as unknown as Item;

describe("mergeBoards", () => {
  const a = board("a", [col("a-due", "date", "Due"), col("a-st", "status", "Status", { labels: [{ id: "a1", name: "Done" }] }), col("a-pts", "number", "Points")], ["ag"]);
  const b = board("b", [col("b-due", "date", " due "), col("b-st", "status", "Status", { labels: [{ id: "b1", name: "Stuck" }] }), col("b-due2", "text", "Due")], ["bg"]);
  const m = mergeBoards([
    { board: a, items: [item("x", "a", "ag", { "a-due": "2026-12-01", "a-st": "a1" })] },
    { board: b, items: [item("y", "b", "bg", { "b-due": "2026-12-02", "b-st": "b1", "b-due2": "soon" })] },
  ]);

  it("makes one column of each title and type, known by the first board's id", () => {
    expect(m.board.columns!.map((c) => [c.id, c.type])).toEqual([["a-due", "date"], ["a-st", "status"], ["a-pts", "number"], ["b-due2", "text"]]);
    expect((m.board.columns![1].settings as { labels: { id: string }[] }).labels.map((l) => l.id)).toEqual(["a1", "b1"]);
  });

  it("keys every item's values by the merged columns", () => {
    expect(m.items.map((i) => i.values)).toEqual([
      { "a-due": "2026-12-01", "a-st": "a1" },
      { "a-due": "2026-12-02", "a-st": "b1", "b-due2": "soon" },
    ]);
  });

  it("sends a change back to the item's own board's column, and an added item to its group's board", () => {
    expect(m.columnOn(m.items[1].board_id, "a-due")).toBe("b-due");
    expect(m.columnOn(m.items[0].board_id, "a-due")).toBe("a-due");
    expect(m.columnOn("a", "b-due2")).toBeUndefined();
    expect(m.boardOfGroup("bg")).toBe("b");
    expect(m.board.groups!.map((g) => g.title)).toEqual(["A · ag", "B · bg"]);
  });

  it("reads a setting naming any board's column as the merged one", () => {
    expect(m.resolve("b-st")).toBe("a-st");
    expect(m.resolve("gone")).toBeUndefined();
  });

  it("leaves one board as it is", () => {
    const one = mergeBoards([{ board: a, items: [] }]);
    expect(one.board).toBe(a);
    expect(one.resolve("a-due")).toBe("a-due");
  });
});
