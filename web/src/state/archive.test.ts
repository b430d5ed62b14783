import { describe, expect, it } from "vitest";
import type { Item } from "../api/types";
import { emptyArchive, withPage, without } from "./archive";

const item = (id: string) => ({ id, name: id }) as unknown as Item;

describe("the archive list", () => {
  it("adds pages in order and knows when the archive is read to its end", () => {
    let l = withPage(emptyArchive, { data: [item("a"), item("b")], next_cursor: "c1" });
    expect(l).toMatchObject({ cursor: "c1", loaded: true });
    l = withPage(l, { data: [item("b"), item("c")], next_cursor: null });
    expect(l.items.map((i) => i.id)).toEqual(["a", "b", "c"]);
    expect(l.cursor).toBeNull();
  });
  it("takes a restored item out and keeps its place in the paging", () => {
    const l = without(withPage(emptyArchive, { data: [item("a"), item("b")], next_cursor: "c1" }), "a");
    expect(l.items.map((i) => i.id)).toEqual(["b"]);
    expect(l.cursor).toBe("c1");
  });
});
