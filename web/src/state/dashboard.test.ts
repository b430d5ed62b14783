import { describe, expect, it } from "vitest";
import type { Board, Item, Widget } from "../api/types";
import { batteryOf, boardsOf, chartOf, numberOf, problemsOf, rowsOf, type BoardData } from "./dashboard";

const status = (id: string) => ({ id, type: "status", title: "Status", settings: { labels: [{ id: "l1", name: "Working", color: "orange" }, { id: "l3", name: "Done", color: "green", done: true }] } });
const points = (id: string) => ({ id, type: "number", title: "Points", settings: {} });
const board = (id: string, name: string, cols: object[]): Board => ({ id, name, columns: cols }) as unknown as Board;
const item = (id: string, board_id: string, values: Record<string, unknown>, created_at = "2026-12-01T00:00:00Z"): Item => ({ id, name: id, board_id, values, created_at }) as unknown as Item;
const widget = (kind: Widget["kind"], board_ids: string[], settings: Record<string, unknown> = {}): Widget => ({ id: "w", kind, title: "W", board_ids, settings, layout: { x: 0, y: 0, w: 4, h: 4 } });

// Two boards whose status and number columns have different ids but the same titles.
const data = new Map<string, BoardData>([
  ["a", { id: "a", board: board("a", "Alpha", [status("sa"), points("pa")]), items: [item("a1", "a", { sa: "l3", pa: 3 }), item("a2", "a", { sa: "l1", pa: 2 }, "2026-12-03T00:00:00Z")] }],
  ["b", { id: "b", board: board("b", "Beta", [status("sb"), points("pb")]), items: [item("b1", "b", { sb: "l3", pb: 5 }, "2026-12-02T00:00:00Z"), item("b2", "b", {})] }],
  ["x", { id: "x", error: "No such board (or it is not visible to you)." }],
]);

describe("dashboard widgets", () => {
  it("count and sum across boards, leaving out what the viewer cannot see", () => {
    expect(numberOf(widget("number", ["a", "b", "x"]), data)).toBe(4);
    expect(numberOf(widget("number", ["a", "b"], { metric: { fn: "sum", column: "Points" } }), data)).toBe(10);
    expect(boardsOf(widget("number", ["a", "x"]), data).hidden).toBe(1);
  });

  it("shows progress from done labels", () => {
    const b = batteryOf(widget("battery", ["a", "b"]), data);
    expect([b.done, b.total]).toEqual([2, 4]);
    expect(b.parts.map((p) => [p.name, p.count])).toEqual([["Done", 2], ["Working", 1], ["No status", 1]]);
  });

  it("charts by a column's labels merged by name, no value last", () => {
    expect(chartOf(widget("chart", ["a", "b"], { group_by: "Status" }), data)).toMatchObject({ names: ["Done", "Working", "No value"], values: [2, 1, 1] });
    expect(chartOf(widget("chart", ["a", "b"], { group_by: "Status", metric: { fn: "sum", column: "Points" } }), data).values).toEqual([8, 2, 0]);
  });

  it("names people in a chart by a people column", () => {
    const people = new Map<string, BoardData>([["p", { id: "p", board: board("p", "P", [{ id: "who", type: "people", title: "Owner", settings: {} }]), items: [item("p1", "p", { who: ["u1"] }), item("p2", "p", { who: ["u1", "u2"] })] }]]);
    expect(chartOf(widget("chart", ["p"], { group_by: "Owner" }), people, (id) => (id === "u1" ? "Ann" : "Bo"))).toMatchObject({ names: ["Ann", "Bo"], values: [2, 1] });
  });

  it("lists items newest first with their board", () => {
    expect(rowsOf(widget("table", ["a", "b"]), data, 3).map((r) => [r.item.id, r.board])).toEqual([["a2", "Alpha"], ["b1", "Beta"], ["a1", "Alpha"]]);
  });
});

describe("widget problems", () => {
  it("names a column a board lacks, or one that holds no numbers", () => {
    expect(problemsOf(widget("chart", ["a"], { group_by: "Priority" }), data)).toEqual(["Alpha has no column “Priority”."]);
    expect(problemsOf(widget("number", ["a"], { metric: { fn: "sum", column: "Status" } }), data)).toEqual(["“Status” on Alpha is not a number column."]);
    expect(problemsOf(widget("number", ["a", "b"], { metric: { fn: "sum", column: "Points" } }), data)).toEqual([]);
  });
});
