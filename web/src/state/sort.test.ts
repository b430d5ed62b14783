import { describe, expect, it } from "vitest";
import type { Item } from "../api/types";
import { compareBy, compareMany } from "./sort";

const item = (name: string, values: Record<string, unknown> = {}): Item => ({ id: name, name, position: "V", values }) as unknown as Item;

describe("sorting rows", () => {
  it("orders numbers numerically and puts empty values last in both directions", () => {
    const rows = [item("a", { n: 10 }), item("b"), item("c", { n: 2 })];
    expect([...rows].sort(compareBy("n", false)).map((i) => i.id)).toEqual(["c", "a", "b"]);
    expect([...rows].sort(compareBy("n", true)).map((i) => i.id)).toEqual(["a", "c", "b"]);
  });
  it("breaks ties with the next key", () => {
    const rows = [item("b", { s: "x", n: 2 }), item("a", { s: "x", n: 1 }), item("c", { s: "a", n: 9 })];
    const sorted = [...rows].sort(compareMany([{ column: "s", desc: false }, { column: "n", desc: true }]));
    expect(sorted.map((i) => i.id)).toEqual(["c", "b", "a"]);
  });
  it("orders names case-insensitively", () => {
    const rows = [item("beta"), item("Alpha"), item("gamma")];
    expect([...rows].sort(compareBy("name", false)).map((i) => i.name)).toEqual(["Alpha", "beta", "gamma"]);
  });
});
