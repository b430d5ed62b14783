import { describe, expect, it } from "vitest";
import type { Notification } from "../api/types";
import { grouped } from "./inbox";

const note = (id: string, item: string | null, at: string, read = false): Notification =>
  ({ id, item_id: item, board_id: "b", created_at: at, read_at: read ? at : null, text: id, kind: "mention", actor: "a", user_id: "u" }) as unknown as Notification;

describe("inbox", () => {
  it("groups by item, newest first, counting unread", () => {
    const ns = [note("1", "x", "2026-12-01T10:00:00Z", true), note("2", "y", "2026-12-02T10:00:00Z"), note("3", "x", "2026-12-03T10:00:00Z"), note("4", null, "2026-12-01T12:00:00Z")];
    const gs = grouped(ns);
    expect(gs.map((g) => [g.key, g.notes.map((n) => n.id), g.unread])).toEqual([["x", ["3", "1"], 1], ["y", ["2"], 1], ["note:4", ["4"], 1]]);
    expect(grouped([note("1", "x", "2026-12-01T10:00:00Z", true), note("2", "y", "2026-12-02T10:00:00Z")], true).map((g) => g.key)).toEqual(["y"]);
  });
});
