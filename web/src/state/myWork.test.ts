import { describe, expect, it } from "vitest";
import type { Column, Item } from "../api/types";
import { bucketed, bucketOf, dueOf, type WorkBoard } from "./myWork";

const board: WorkBoard = {
  id: "b",
  name: "B",
  date_column_id: "due",
  status_column_id: "st",
  columns: [
    { id: "due", type: "date", title: "Due", settings: {} },
    { id: "st", type: "status", title: "Status", settings: { labels: [{ id: "l1", name: "Working", done: false }, { id: "l3", name: "Done", done: true }] } },
  ] as unknown as Column[],
};
const item = (name: string, values: Record<string, unknown>): Item => ({ id: name, name, board_id: "b", values }) as unknown as Item;

describe("my work", () => {
  it("puts due dates in buckets around today (a Saturday)", () => {
    const today = "2026-12-05";
    expect(bucketOf("2026-12-04", today)).toBe("overdue");
    expect(bucketOf(today, today)).toBe("today");
    expect(bucketOf("2026-12-06", today)).toBe("week");
    expect(bucketOf("2026-12-07", today)).toBe("later");
    expect(bucketOf(null, today)).toBe("none");
  });

  it("reads a date, or a timeline's end", () => {
    expect(dueOf(item("a", { due: "2026-12-09T10:00:00Z" }), board)).toBe("2026-12-09");
    const timeline = { ...board, date_column_id: "t", columns: [{ id: "t", type: "timeline", title: "T", settings: {} } as unknown as Column] };
    expect(dueOf(item("a", { t: { from: "2026-12-01", to: "2026-12-03" } }), timeline)).toBe("2026-12-03");
    expect(dueOf(item("a", {}), board)).toBeNull();
  });

  it("orders buckets and rows, and leaves done items out unless asked", () => {
    const items = [item("late", { due: "2026-12-01" }), item("later b", { due: "2027-01-02" }), item("later a", { due: "2027-01-02" }), item("undated", {}), item("finished", { due: "2026-11-01", st: "l3" })];
    const groups = bucketed(items, [board], "2026-12-05", false);
    expect(groups.map((g) => [g.key, g.rows.map((r) => r.item.name)])).toEqual([["overdue", ["late"]], ["later", ["later a", "later b"]], ["none", ["undated"]]]);
    const all = bucketed(items, [board], "2026-12-05", true);
    expect(all.map((g) => g.key)).toEqual(["overdue", "later", "none", "done"]);
    expect(all.find((g) => g.key === "done")?.rows.map((r) => [r.item.name, r.done])).toEqual([["finished", true]]);
  });
});
