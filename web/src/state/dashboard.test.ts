import { describe, expect, it } from "vitest";
import type { Board, Item, Widget } from "../api/types";
import { batteryFrom, boardsOf, chartFrom, numberFrom, problemsOf, questionsOf, reportChart, reportOf, rowsOf, type BoardData } from "./dashboard";

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
  it("asks over the boards the viewer may read, columns by title", () => {
    expect(questionsOf(widget("number", ["a", "b", "x"]), data)).toEqual([{ board_ids: ["a", "b"], metric: { fn: "count" } }]);
    expect(questionsOf(widget("chart", ["a"], { group_by: "Status", metric: { fn: "sum", column: "Points" } }), data)).toEqual([
      { board_ids: ["a"], metric: { fn: "sum", column_id: "Points" }, group_by: { column_id: "Status" } },
    ]);
    expect(questionsOf(widget("chart", ["a"]), data)).toEqual([]);
    expect(questionsOf(widget("battery", ["a", "b"]), data)).toEqual([{ board_ids: ["a", "b"], metric: { fn: "count" }, group_by: { column_id: "Status" } }]);
    expect(boardsOf(widget("number", ["a", "x"]), data).hidden).toBe(1);
    expect(numberFrom([[{ key: "", value: 10, count: 4 }]])).toBe(10);
  });

  it("shows progress from done labels", () => {
    const answer = [[{ key: "Done", value: 2, count: 2 }, { key: "Working", value: 1, count: 1 }, { key: "", value: 1, count: 1 }]];
    const b = batteryFrom(widget("battery", ["a", "b"]), data, answer);
    expect([b.done, b.total]).toEqual([2, 4]);
    expect(b.parts.map((p) => [p.name, p.count])).toEqual([["Done", 2], ["Working", 1], ["No status", 1]]);
  });

  it("charts by a column's labels, no value last, coloured by label", () => {
    const answer = [[{ key: "", value: 0, count: 1 }, { key: "Done", value: 8, count: 2 }, { key: "Working", value: 2, count: 1 }]];
    const c = chartFrom(widget("chart", ["a", "b"], { group_by: "Status" }), data, answer);
    expect(c).toMatchObject({ names: ["Done", "Working", "No value"], values: [8, 2, 0] });
    expect(c.colors[0]).not.toEqual(c.colors[1]);
  });

  it("names people in a chart by a people column", () => {
    const people = new Map<string, BoardData>([["p", { id: "p", board: board("p", "P", [{ id: "who", type: "people", title: "Owner", settings: {} }]), items: [] }]]);
    const answer = [[{ key: "u1", value: 2, count: 2 }, { key: "u2", value: 1, count: 1 }]];
    expect(chartFrom(widget("chart", ["p"], { group_by: "Owner" }), people, answer, (id) => (id === "u1" ? "Ann" : "Bo"))).toMatchObject({ names: ["Ann", "Bo"], values: [2, 1] });
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

describe("report widgets", () => {
  const now = new Date("2026-12-05T12:00:00Z");
  it("ask the analytics API over the readable boards, weeks back from today", () => {
    expect(reportOf(widget("report", ["a", "x"], { report: "throughput", weeks: 2 }), data, now, "Europe/Berlin").request).toEqual({
      report: "throughput", board_ids: ["a"], column_id: null, period: "week", from: "2026-11-21", to: "2026-12-05", tz: "Europe/Berlin",
    });
    expect(reportOf(widget("report", ["a"], { report: "cycle_time", column: "Status" }), data, now).problem).toMatch(/labels/);
    expect(reportOf(widget("report", ["a", "b"], { report: "burndown", group_id: "g1" }), data, now).request).toMatchObject({ report: "burndown", board_id: "a", group_id: "g1", from: "2026-11-22" });
    expect(reportOf(widget("report", ["x", "a"], { report: "burndown", group_id: "g1" }), data, now).problem).toMatch(/not visible/);
    expect(reportOf(widget("report", ["a"], {}), data, now).problem).toMatch(/report/);
    // Nothing is asked until every board of the widget has been read.
    expect(reportOf(widget("report", ["a", "later"], { report: "throughput" }), data, now)).toEqual({});
    expect(questionsOf(widget("number", ["a", "later"]), data)).toBeNull();
  });

  it("draw hours for a cycle time, with its spread", () => {
    const answer = { data: [{ key: "2026-11-30", value: 12.345, count: 3 }], summary: { count: 3, average_hours: 12.3, median_hours: 10, p85_hours: 20 }, positions: [] };
    expect(reportChart(widget("report", ["a"], { report: "cycle_time" }), answer)).toEqual({
      names: ["2026-11-30"], values: [12.3], line: false, summary: "3 items · median 10 h · 85% within 20 h",
    });
    const burndown = { data: [{ key: "2026-12-04", value: 5, count: 5 }, { key: "2026-12-05", value: 4, count: 4 }], positions: [] };
    expect(reportChart(widget("report", ["a"], { report: "burndown" }), burndown)).toMatchObject({ values: [5, 4], line: true });
  });
});
