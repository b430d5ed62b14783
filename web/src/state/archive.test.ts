import { describe, expect, it } from "vitest";
import type { Item } from "../api/types";
import { archivedItems, withoutItem } from "./archive";

const item = (id: string) => ({ id, name: id }) as unknown as Item;

describe("the archive's pages", () => {
  it("list their items in order, each once", () => {
    const pages = [{ data: [item("a"), item("b")], next_cursor: "c1" }, { data: [item("b"), item("c")], next_cursor: null }];
    expect(archivedItems(pages).map((i) => i.id)).toEqual(["a", "b", "c"]);
    expect(archivedItems([])).toEqual([]);
  });
  it("lose a restored item and keep their place in the paging", () => {
    const pages = withoutItem([{ data: [item("a"), item("b")], next_cursor: "c1" }], "a");
    expect(archivedItems(pages).map((i) => i.id)).toEqual(["b"]);
    expect(pages[0].next_cursor).toBe("c1");
  });
});
