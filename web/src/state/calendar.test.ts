import { describe, expect, it } from "vitest";
import { covers, daysOf, moved, onDay, resized, spanOf, step, title } from "./calendar";

describe("calendar", () => {
  it("shows whole weeks from Monday", () => {
    const month = daysOf("month", "2026-12-05");
    expect(month[0]).toBe("2026-11-30");
    expect(month[month.length - 1]).toBe("2027-01-03");
    expect(month.length % 7).toBe(0);
    expect(daysOf("week", "2026-12-05")).toEqual(["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05", "2026-12-06"]);
    expect(daysOf("day", "2026-12-05")).toEqual(["2026-12-05"]);
    expect(step("month", "2026-12-05", 1)).toBe("2027-01-05");
    expect(step("week", "2026-12-05", -1)).toBe("2026-11-28");
    expect(title("month", "2026-12-05")).toBe("December 2026");
  });

  it("places dates and timelines, and moves them by the days dragged", () => {
    expect(spanOf("date", "2026-12-05T10:30:00Z")).toEqual({ from: "2026-12-05", to: "2026-12-05" });
    const t = { from: "2026-12-01", to: "2026-12-03" };
    expect(covers(spanOf("timeline", t)!, "2026-12-02")).toBe(true);
    expect(spanOf("date", null)).toBeNull();
    expect(moved("date", "2026-12-05T10:30:00Z", "2026-12-05", "2026-12-08")).toBe("2026-12-08T10:30:00Z");
    // A timeline picked up on its second day and dropped two days later moves whole.
    expect(moved("timeline", t, "2026-12-02", "2026-12-04")).toEqual({ from: "2026-12-03", to: "2026-12-05" });
    expect(moved("date", undefined, "2026-12-05", "2026-12-09")).toBe("2026-12-09");
    expect(resized(t, "2026-12-10")).toEqual({ from: "2026-12-01", to: "2026-12-10" });
    expect(resized(t, "2026-11-20")).toEqual({ from: "2026-12-01", to: "2026-12-01" });
    expect(onDay("timeline", "2026-12-05")).toEqual({ from: "2026-12-05", to: "2026-12-05" });
  });
});
