import { describe, expect, it } from "vitest";
import type { Column, ColumnType, Item } from "../api/types";
import { laneOf, lanesOf, laneValue } from "./lanes";

const column = (id: string, type: ColumnType, settings: Record<string, unknown> = {}): Column => ({ id, title: id, type, settings, position: "V" }) as unknown as Column;
const item = (id: string, values: Record<string, unknown> = {}): Item => ({ id, name: id, position: "V", values }) as unknown as Item;

const status = column("s", "status", { labels: [{ id: "l1", name: "Working on it", color: "orange" }, { id: "l3", name: "Done", color: "green" }] });
const dropdown = column("d", "dropdown", { options: [{ id: "o1", name: "Web", color: "blue" }] });
const people = column("p", "people");
const ada = { id: "u1", name: "Ada" };

describe("lanes of a grouping column", () => {
  it("are its labels or options, then No value", () => {
    expect(lanesOf(status, [], []).map((l) => l.id)).toEqual(["l1", "l3", ""]);
    expect(lanesOf(dropdown, [], []).map((l) => l.name)).toEqual(["Web", "No value"]);
  });

  it("are the members for people, and anyone items name whom the directory does not know yet", () => {
    const items = [item("a", { p: ["u1"] }), item("b", { p: ["u9", "u1"] }), item("c")];
    expect(lanesOf(people, [ada], items).map((l) => [l.id, l.name])).toEqual([["u1", "Ada"], ["u9", "Someone"], ["", "No value"]]);
    expect(items.map((i) => laneOf(people, i))).toEqual(["u1", "u9", ""]);
  });

  it("put an item by its value, or the first of several", () => {
    expect(laneOf(status, item("a", { s: "l3" }))).toBe("l3");
    expect(laneOf(dropdown, item("a", { d: ["o1", "o2"] }))).toBe("o1");
    expect(laneOf(dropdown, item("a", { d: [] }))).toBe("");
  });

  it("move an item with the value its column takes", () => {
    expect(laneValue(status, "l1")).toBe("l1");
    expect(laneValue(dropdown, "o1")).toEqual(["o1"]);
    expect(laneValue(people, "u1")).toEqual(["u1"]);
    expect(laneValue(status, "")).toBeNull();
  });
});
