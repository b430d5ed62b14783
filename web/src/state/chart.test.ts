import { describe, expect, it } from "vitest";
import type { Column, Item } from "../api/types";
import { aggregate } from "./chart";

const status = { id: "s", title: "Status", type: "status", settings: { labels: [{ id: "a", name: "Done", color: "green" }, { id: "b", name: "Stuck", color: "red" }] } } as unknown as Column;
const amount = { id: "n", title: "Amount", type: "number", settings: {} } as unknown as Column;
const due = { id: "d", title: "Due", type: "date", settings: {} } as unknown as Column;
const item = (values: Record<string, unknown>) => ({ id: crypto.randomUUID(), name: "x", values }) as unknown as Item;
const items = [
  item({ s: "b", n: 10, d: "2026-12-01" }),
  item({ s: "a", n: 5, d: "2026-12-20" }),
  item({ s: "a", n: 1, d: "2027-01-03" }),
  item({ n: 4 }),
];

describe("chart numbers", () => {
  it("counts by label in the column's order, no value last", () => {
    const c = aggregate(items, [status, amount, due], { chart: "bar", group_by: "s", metric: { fn: "count" } });
    expect(c.names).toEqual(["Done", "Stuck", "No value"]);
    expect(c.series[0].values).toEqual([2, 1, 1]);
    expect(c.total).toBe(4);
  });

  it("sums and averages a number, by month", () => {
    const sum = aggregate(items, [status, amount, due], { chart: "line", group_by: "d", period: "month", metric: { fn: "sum", column_id: "n" } });
    expect(sum.keys).toEqual(["2026-12", "2027-01", ""]);
    expect(sum.series[0].values).toEqual([15, 1, 4]);
    const avg = aggregate(items, [status, amount, due], { chart: "number", metric: { fn: "avg", column_id: "n" } });
    expect(avg.total).toBe(5);
  });

  it("stacks by a second column", () => {
    const c = aggregate(items, [status, amount, due], { chart: "stacked", group_by: "d", period: "month", stack_by: "s", metric: { fn: "count" } });
    expect(c.series.map((s) => s.name)).toEqual(["Done", "Stuck", "No value"]);
    expect(c.series.find((s) => s.name === "Done")!.values).toEqual([1, 1, 0]);
  });
});
