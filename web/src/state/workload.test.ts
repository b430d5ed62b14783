import { describe, expect, it } from "vitest";
import type { Board, Column, Item } from "../api/types";
import { dropped, weekOf, weeksFrom, workload, workloadOf } from "./workload";

const col = (id: string, type: Column["type"]): Column => ({ id, type, title: id, settings: {} }) as unknown as Column;
const columns = [col("who", "people"), col("when", "timeline"), col("due", "date"), col("pts", "number")];
const item = (id: string, values: Record<string, unknown>): Item => ({ id, name: id, values }) as unknown as Item;

describe("workload", () => {
  it("takes weeks from Monday", () => {
    expect(weekOf("2026-12-05")).toBe("2026-11-30");
    expect(weeksFrom("2026-12-05", 3)).toEqual(["2026-11-30", "2026-12-07", "2026-12-14"]);
  });

  it("counts an item in every week its span overlaps, for each assignee", () => {
    const s = { people_column: "who", date_column: "when", metric: { fn: "count" as const }, capacity: 1 };
    const items = [
      item("a", { who: ["ann", "bo"], when: { from: "2026-12-04", to: "2026-12-08" } }),
      item("b", { who: ["ann"], when: { from: "2026-12-15", to: "2026-12-15" } }),
      item("c", { when: { from: "2026-12-01", to: "2026-12-01" } }),
      item("d", { who: ["ann"] }),
    ];
    const rows = workload(items, columns, s, weeksFrom("2026-11-30", 3));
    expect(rows.map((r) => r.person)).toEqual(["ann", "bo", null]);
    expect(rows[0].cells.map((c) => c.load)).toEqual([1, 1, 1]);
    expect(rows[0].cells[1].items).toEqual(["a"]);
    expect(rows[1].cells.map((c) => c.load)).toEqual([1, 1, 0]);
    expect(rows[2].cells.map((c) => c.load)).toEqual([1, 0, 0]);
  });

  it("shows everyone given, loaded or not", () => {
    const s = { people_column: "who", date_column: "due", metric: { fn: "count" as const }, capacity: 1 };
    const rows = workload([item("a", { who: ["bo"], due: "2026-12-01" })], columns, s, weeksFrom("2026-11-30", 1), (id) => id, ["cy", "ann"]);
    expect(rows.map((r) => [r.person, r.cells[0].load])).toEqual([["ann", 0], ["bo", 1], ["cy", 0]]);
  });

  it("spreads a sum over the days of the span", () => {
    const s = { people_column: "who", date_column: "when", metric: { fn: "sum" as const, column_id: "pts" }, capacity: 10 };
    // Ten days, Friday to the next Sunday: 3 days in the first week, 7 in the second.
    const items = [item("a", { who: ["ann"], pts: 10, when: { from: "2026-12-04", to: "2026-12-13" } })];
    const [ann] = workload(items, columns, s, weeksFrom("2026-11-30", 2));
    expect(ann.cells.map((c) => c.load)).toEqual([3, 7]);
  });

  it("puts a date's whole item in its week", () => {
    const s = { people_column: "who", date_column: "due", metric: { fn: "sum" as const, column_id: "pts" }, capacity: 10 };
    const rows = workload([item("a", { who: ["ann"], pts: 4, due: "2026-12-09" })], columns, s, weeksFrom("2026-11-30", 2));
    expect(rows[0].cells.map((c) => c.load)).toEqual([0, 4]);
  });

  it("hands an item to another person and moves it by whole weeks when dragged", () => {
    const s = { people_column: "who", date_column: "when", metric: { fn: "count" as const }, capacity: 1 };
    const a = item("a", { who: ["ann", "cy"], when: { from: "2026-12-02", to: "2026-12-03" } });
    expect(dropped(a, s, columns, { person: "ann", week: "2026-11-30" }, { person: "bo", week: "2026-12-07" })).toEqual({
      who: ["cy", "bo"],
      when: { from: "2026-12-09", to: "2026-12-10" },
    });
    expect(dropped(a, s, columns, { person: "ann", week: "2026-11-30" }, { person: "ann", week: "2026-11-30" })).toEqual({});
    expect(dropped(a, s, columns, { person: null, week: "2026-11-30" }, { person: "bo", week: "2026-11-30" })).toEqual({ who: ["ann", "cy", "bo"] });
  });

  it("takes a saved view's settings, else the board's columns", () => {
    const board = { columns } as unknown as Board;
    expect(workloadOf(board, undefined)).toEqual({ people_column: "who", date_column: "when", metric: { fn: "count" }, capacity: 5 });
    expect(workloadOf(board, { date_column: "due", metric: { fn: "sum", column_id: "pts" }, capacity: 20 })).toEqual({ people_column: "who", date_column: "due", metric: { fn: "sum", column_id: "pts" }, capacity: 20 });
    expect(workloadOf(board, { date_column: "who", metric: { fn: "sum", column_id: "when" } }).metric).toEqual({ fn: "count" });
  });
});
