import { describe, expect, it } from "vitest";
import { avatarColour } from "./avatar";
import { cellEditors } from "./presence";

const names: Record<string, string> = { me: "Me", ann: "Ann", ben: "Ben" };
const nameOf = (id: string) => names[id] ?? "Someone";

describe("cell editors", () => {
  it("mark the one cell another person edits, in their avatar colour", () => {
    const e = cellEditors([{ user_id: "ann", item_id: "i1", column_id: "status", state: "editing" }], "me", nameOf);
    expect([...e.keys()]).toEqual(["i1"]);
    expect(e.get("i1")?.get("status")).toEqual({ userId: "ann", name: "Ann", colour: avatarColour("ann") });
    expect(e.get("i1")?.size).toBe(1);
  });
  it("leave out me, viewers and entries that name no cell", () => {
    const e = cellEditors([
      { user_id: "me", item_id: "i1", column_id: "status", state: "editing" },
      { user_id: "ann", item_id: "i1", column_id: "date", state: "viewing" },
      { user_id: "ben", item_id: "i2", state: "editing" },
      { user_id: "ben", item_id: null, column_id: null, state: "editing" },
    ], "me", nameOf);
    expect(e.size).toBe(0);
  });
  it("keep several people on several cells of one item apart, the first on a shared cell", () => {
    const e = cellEditors([
      { user_id: "ann", item_id: "i1", column_id: "status", state: "editing" },
      { user_id: "ben", item_id: "i1", column_id: "date", state: "editing" },
      { user_id: "ben", item_id: "i1", column_id: "status", state: "editing" },
    ], "me", nameOf);
    expect(e.get("i1")?.get("status")?.name).toBe("Ann");
    expect(e.get("i1")?.get("date")?.name).toBe("Ben");
  });
});
