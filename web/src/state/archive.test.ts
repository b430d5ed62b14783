import { describe, expect, it } from "vitest";
import type { BoardEvent, Item } from "../api/types";
import { archivedIn } from "./archive";

const item = (id: string) => ({ id, name: id }) as unknown as Item;
const ev = (kind: string, id: string, seq: number) =>
  ({ kind, seq, board_id: "b", actor: "u", created_at: `2026-12-0${seq}T10:00:00Z`, payload: kind === "item_deleted" ? { item_id: id, name: id } : { item: item(id) } }) as unknown as BoardEvent;

describe("archived items from the activity log", () => {
  it("takes the latest archive, restore or delete of each item (newest first)", () => {
    const seen = new Set<string>();
    const page1 = [ev("item_archived", "a", 9), ev("item_restored", "b", 8), ev("item_updated", "c", 7), ev("item_archived", "b", 6), ev("item_deleted", "d", 5)];
    expect(archivedIn(page1, seen).map((x) => [x.item.id, x.at])).toEqual([["a", "2026-12-09T10:00:00Z"]]);
    // Older pages: what was decided stays decided; new items are found.
    const page2 = [ev("item_restored", "a", 4), ev("item_archived", "d", 3), ev("item_archived", "c", 2)];
    expect(archivedIn(page2, seen).map((x) => x.item.id)).toEqual(["c"]);
  });
});
