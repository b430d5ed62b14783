import { describe, expect, it } from "vitest";
import type { Column, Footer } from "../api/types";
import { chartAsked, fromCounts } from "./chart";

const status = { id: "s", title: "Status", type: "status", settings: { labels: [{ id: "a", name: "Done", color: "green" }, { id: "b", name: "Stuck", color: "red" }] } } as unknown as Column;
const amount = { id: "n", title: "Amount", type: "number", settings: {} } as unknown as Column;
const due = { id: "d", title: "Due", type: "date", settings: {} } as unknown as Column;
const columns = [status, amount, due];
const sum = (s: number, values = 1): Footer[] => [{ kind: "sum", column_id: "n", sum: s, values }];

describe("chart numbers", () => {
  it("asks the server by the chart's column, its stack and footers when adding up", () => {
    expect(chartAsked(columns, { chart: "bar", group_by: "s", metric: { fn: "count" } }, null)).toEqual({ filter: null, group_by: "s", footers: false });
    expect(chartAsked(columns, { chart: "stacked", group_by: "d", stack_by: "s", metric: { fn: "sum", column_id: "n" } }, { and: [] })).toEqual({ filter: { and: [] }, group_by: "d", split_by: "s", footers: true });
    // A number counts by group (each item once); a column that is gone, or cannot split, too.
    expect(chartAsked(columns, { chart: "number", group_by: "s", metric: { fn: "count" } }, null).group_by).toBe("group");
    expect(chartAsked(columns, { chart: "bar", group_by: "gone", metric: { fn: "count" } }, null).group_by).toBe("group");
    expect(chartAsked(columns, { chart: "bar", group_by: "n", metric: { fn: "count" } }, null).group_by).toBe("group");
  });

  it("counts by label in the column's order, no value last", () => {
    const c = fromCounts({ total: 4, groups: [{ key: "", count: 1 }, { key: "a", count: 2 }, { key: "b", count: 1 }] }, columns, { chart: "bar", group_by: "s", metric: { fn: "count" } });
    expect(c.names).toEqual(["Done", "Stuck", "No value"]);
    expect(c.series[0].values).toEqual([2, 1, 1]);
    expect(c.total).toBe(4);
  });

  it("sums a number by month from the days' counts, leaving out days with no number", () => {
    const groups = [
      { key: "", count: 1, footers: sum(4) },
      { key: "2026-12-01", count: 1, footers: sum(10) },
      { key: "2026-12-20", count: 2, footers: sum(5) },
      { key: "2027-01-03", count: 1, footers: sum(1) },
      { key: "2027-02-01", count: 3, footers: sum(0, 0) },
    ];
    const c = fromCounts({ total: 8, groups }, columns, { chart: "line", group_by: "d", period: "month", metric: { fn: "sum", column_id: "n" } });
    expect(c.keys).toEqual(["2026-12", "2027-01", ""]);
    expect(c.names).toEqual(["Dec 2026", "Jan 2027", "No value"]);
    expect(c.series[0].values).toEqual([15, 1, 4]);
  });

  it("averages over the items that have a number", () => {
    const groups = [{ key: "g1", count: 3, footers: sum(12, 2) }, { key: "g2", count: 2, footers: sum(8, 2) }];
    expect(fromCounts({ total: 5, groups }, columns, { chart: "number", metric: { fn: "avg", column_id: "n" } }).total).toBe(5);
    expect(fromCounts({ total: 5, groups }, columns, { chart: "number", metric: { fn: "sum", column_id: "n" } }).total).toBe(20);
    expect(fromCounts({ total: 5, groups }, columns, { chart: "number", metric: { fn: "count" } }).total).toBe(5);
  });

  it("stacks by a second column from each group's splits", () => {
    const groups = [
      { key: "2026-12-01", count: 1, splits: [{ key: "b", count: 1 }] },
      { key: "2026-12-20", count: 1, splits: [{ key: "a", count: 1 }] },
      { key: "2027-01-03", count: 1, splits: [{ key: "a", count: 1 }] },
      { key: "", count: 1, splits: [{ key: "", count: 1 }] },
    ];
    const c = fromCounts({ total: 4, groups }, columns, { chart: "stacked", group_by: "d", period: "month", stack_by: "s", metric: { fn: "count" } });
    expect(c.series.map((s) => s.name)).toEqual(["Done", "Stuck", "No value"]);
    expect(c.series.find((s) => s.name === "Done")!.values).toEqual([1, 1, 0]);
    expect(c.series.find((s) => s.name === "Stuck")!.values).toEqual([1, 0, 0]);
  });
});
