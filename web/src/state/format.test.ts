import { describe, expect, it } from "vitest";
import type { Column, Item } from "../api/types";
import { daySpan, formatNumber, isDone } from "./format";

describe("formatNumber", () => {
  it("groups thousands and places the unit", () => {
    expect(formatNumber(4200, "$", 0)).toBe("$4,200");
    expect(formatNumber(-1234.5, "$", 2)).toBe("-$1,234.5");
    expect(formatNumber(1234.5, "kg")).toBe("1,234.5 kg");
    expect(formatNumber(12.345, "%", 1)).toBe("12.3%");
    expect(formatNumber(1000000)).toBe("1,000,000");
  });
});

describe("isDone", () => {
  const status = { id: "s", type: "status", settings: { labels: [{ id: "a", name: "Working", color: "orange" }, { id: "b", name: "Done", color: "green", done: true }] } } as unknown as Column;
  const item = (v?: string) => ({ values: v ? { s: v } : {} }) as unknown as Item;
  it("is done only with a done label", () => {
    expect(isDone([status], item("b"))).toBe(true);
    expect(isDone([status], item("a"))).toBe(false);
    expect(isDone([status], item())).toBe(false);
  });
});

describe("readableOnWhite", () => {
  it("darkens pale colours to 3:1 and keeps dark ones", async () => {
    const { contrastOnWhite, readableOnWhite } = await import("./format");
    for (const pale of ["#c4c4c4", "#ffcb00", "#9cd326", "#66ccff"]) {
      expect(contrastOnWhite(pale)).toBeLessThan(3);
      expect(contrastOnWhite(readableOnWhite(pale))).toBeGreaterThanOrEqual(3);
    }
    expect(readableOnWhite("#225091")).toBe("#225091");
  });
});

describe("daySpan", () => {
  it("spans dates, date-times and timelines, skipping empty cells", () => {
    expect(daySpan([])).toBeNull();
    expect(daySpan([null, undefined, "", 3])).toBeNull();
    expect(daySpan(["2026-03-09", "2026-03-05T10:00:00Z", null])).toEqual({ earliest: "2026-03-05", latest: "2026-03-09" });
    expect(daySpan([{ from: "2026-02-01", to: "2026-02-10" }, { from: "2026-01-20", to: "2026-01-25" }])).toEqual({ earliest: "2026-01-20", latest: "2026-02-10" });
  });
});
