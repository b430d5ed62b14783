import { describe, expect, it } from "vitest";
import { axisOf, barOf, dayAt, daysDragged, offset, ticksOf } from "./timeline";

describe("timeline geometry", () => {
  it("covers every span and today, from a Monday, with margins", () => {
    const axis = axisOf([{ from: "2026-12-10", to: "2026-12-20" }], "week", "2026-12-05");
    expect(axis.start).toBe("2026-11-23");
    expect(offset(axis, "2026-12-05")).toBe(12);
    expect(dayAt(axis, 12)).toBe("2026-12-05");
    expect(axis.days).toBeGreaterThanOrEqual(offset(axis, "2026-12-20") + 31);
    expect(axisOf([], "month", "2026-12-05").start).toBe("2026-11-01");
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
