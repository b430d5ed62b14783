import { describe, expect, it } from "vitest";
import type { Footer } from "../api/types";
import { arrowsOf, axisOf, barOf, dayAt, daysDragged, footerSpans, offset, ticksOf } from "./timeline";

describe("timeline geometry", () => {
  it("covers every span and today, from a Monday, with margins", () => {
    const axis = axisOf([{ from: "2026-12-10", to: "2026-12-20" }], "week", "2026-12-05");
    expect(axis.start).toBe("2026-11-23");
    expect(offset(axis, "2026-12-05")).toBe(12);
    expect(dayAt(axis, 12)).toBe("2026-12-05");
    expect(axis.days).toBeGreaterThanOrEqual(offset(axis, "2026-12-20") + 31);
    expect(axisOf([], "month", "2026-12-05").start).toBe("2026-11-01");
  });

  it("spans the server's footers for the bars' column: every group's earliest and latest day", () => {
    const footers = new Map<string, Footer[]>([
      ["a", [{ kind: "dates", column_id: "when", earliest: "2026-01-03", latest: "2026-02-01" }, { kind: "dates", column_id: "other", earliest: "2020-01-01", latest: "2030-01-01" }]],
      ["b", [{ kind: "sum", column_id: "when", sum: 3, values: 1 }, { kind: "dates", column_id: "when", earliest: "2026-03-01", latest: "2026-09-30" }]],
      ["c", [{ kind: "dates", column_id: "when", earliest: null, latest: null }]],
    ]);
    const spans = footerSpans(footers, "when");
    expect(spans).toEqual([{ from: "2026-01-03", to: "2026-02-01" }, { from: "2026-03-01", to: "2026-09-30" }]);
    expect(footerSpans(undefined, "when")).toEqual([]);
    // The axis reaches the last day of an item not fetched yet.
    const axis = axisOf(spans, "week", "2026-01-10");
    expect(offset(axis, "2026-09-30") + 31).toBeLessThanOrEqual(axis.days);
  });

  it("places bars and milestones, and rounds drags to whole days", () => {
    const axis = axisOf([], "day", "2026-12-05");
    const bar = barOf(axis, { from: "2026-12-05", to: "2026-12-07" });
    expect(bar).toEqual({ left: offset(axis, "2026-12-05") * 36, width: 3 * 36, milestone: false });
    expect(barOf(axis, { from: "2026-12-05", to: "2026-12-05" }).milestone).toBe(true);
    expect(daysDragged(axis, 80)).toBe(2);
    expect(daysDragged(axis, -20)).toBe(-1);
    expect(ticksOf(axis, "day").length).toBeGreaterThan(3);
  });
});

describe("dependency arrows", () => {
  const rows = new Map([["a", 1], ["b", 2], ["c", 5]]);
  const bars = new Map([["a", { left: 0, width: 50 }], ["b", { left: 80, width: 20 }], ["c", { left: 30, width: 10 }]]);
  const items = [
    { id: "b", values: { dep: { item_ids: ["a"] } } },
    { id: "c", values: { dep: { item_ids: ["a", "gone"] } } },
    { id: "a", values: {} },
  ];
  it("runs from the predecessor's end to the dependent's start, late when it starts first", () => {
    const arrows = arrowsOf(items, ["dep"], rows, bars, 32);
    expect(arrows.map((a) => [a.from, a.to, a.late])).toEqual([["a", "b", false], ["a", "c", true]]);
    expect(arrows[0].path).toBe("M50,48 H58 V80 H80");
    expect(arrows[1].path.startsWith("M50,48 H58 V")).toBe(true);
    expect(arrows[1].path.endsWith("H30")).toBe(true);
  });
  it("keeps only the arrows crossing the band on screen", () => {
    expect(arrowsOf(items, ["dep"], rows, bars, 32, { top: 150, bottom: 400 }).map((a) => a.to)).toEqual(["c"]);
  });
});
