import { describe, expect, it } from "vitest";
import { AVATAR_COLOURS, avatarColour, initialsOf } from "./avatar";

describe("avatars", () => {
  it("show the initials of the first and last name", () => {
    expect(initialsOf("Ada Lovelace")).toBe("AL");
    expect(initialsOf("Grace Brewster Hopper")).toBe("GH");
    expect(initialsOf("linus")).toBe("L");
    expect(initialsOf("  ")).toBe("?");
    expect(initialsOf("Émile Zola")).toBe("ÉZ");
  });
  it("take one colour per user id, the same every time", () => {
    const a = avatarColour("01a21c62-396b-76e9-bd75-7b6ac595a8cc");
    expect(AVATAR_COLOURS).toContain(a);
    expect(avatarColour("01a21c62-396b-76e9-bd75-7b6ac595a8cc")).toBe(a);
    const ids = Array.from({ length: 50 }, (_, i) => `0190-${i}-user`);
    expect(new Set(ids.map(avatarColour)).size).toBeGreaterThan(5);
  });
});
