import { describe, expect, it } from "vitest";
import type { Column, Item } from "../api/types";
import { compareBy, compareMany, sortQuery } from "./sort";

const item = (name: string, values: Record<string, unknown> = {}): Item => ({ id: name, name, position: "V", values }) as unknown as Item;
const col = (id: string, type: string, settings: Record<string, unknown> = {}) => ({ id, title: id, type, settings }) as unknown as Column;
const columns = [
  col("n", "number"),
  col("t", "text"),
  col("s", "status", { labels: [{ id: "z", name: "Working", color: "orange" }, { id: "a", name: "Done", color: "green" }] }),
  col("d", "dropdown", { options: [{ id: "o1", name: "beta" }, { id: "o2", name: "Alpha" }] }),
  col("when", "date"),
  col("ok", "checkbox"),
];
const order = (rows: Item[], column: string, desc = false) => [...rows].sort(compareBy(columns, column, desc)).map((i) => i.id);

describe("sorting rows as the server does", () => {
  it("orders numbers numerically and puts empty values last in both directions", () => {
    const rows = [item("a", { n: 10 }), item("b"), item("c", { n: 2 })];
    expect(order(rows, "n")).toEqual(["c", "a", "b"]);
    expect(order(rows, "n", true)).toEqual(["a", "c", "b"]);
  });
  it("breaks ties with the next key", () => {
    const rows = [item("b", { t: "x", n: 2 }), item("a", { t: "x", n: 1 }), item("c", { t: "a", n: 9 })];
    const sorted = [...rows].sort(compareMany(columns, [{ column: "t", desc: false }, { column: "n", desc: true }]));
    expect(sorted.map((i) => i.id)).toEqual(["c", "b", "a"]);
  });
  it("orders names case-insensitively", () => {
    expect(order([item("beta"), item("Alpha"), item("gamma")], "name")).toEqual(["Alpha", "beta", "gamma"]);
  });
  it("orders a status by its labels' order and a dropdown by its first option's name", () => {
    expect(order([item("a", { s: "a" }), item("b"), item("z", { s: "z" })], "s")).toEqual(["z", "a", "b"]);
    expect(order([item("x", { d: ["o1"] }), item("y", { d: ["o2", "o1"] })], "d")).toEqual(["y", "x"]);
  });
  it("orders days and instants in time, a checked box first", () => {
    const rows = [item("late", { when: "2026-03-02" }), item("noon", { when: "2026-03-01T12:00:00Z" }), item("day", { when: "2026-03-01" })];
    expect(order(rows, "when")).toEqual(["day", "noon", "late"]);
    expect(order([item("no", { ok: false }), item("yes", { ok: true })], "ok")).toEqual(["yes", "no"]);
  });
  it("asks the server for the same keys", () => {
    expect(sortQuery([])).toBeNull();
    expect(sortQuery([{ column: "s", desc: true }, { column: "name", desc: false }])).toEqual([{ column: "s", dir: "desc" }, { column: "name", dir: "asc" }]);
  });
});
