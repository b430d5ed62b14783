import { describe, expect, it } from "vitest";
import { shortcutOf, SHORTCUTS } from "./shortcuts";

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...mods });

describe("keyboard shortcuts", () => {
  it("maps keys to shortcuts", () => {
    expect(shortcutOf(key("?"), false)).toBe("help");
    expect(shortcutOf(key("/"), false)).toBe("search");
    expect(shortcutOf(key("n"), false)).toBe("newItem");
    expect(shortcutOf(key("["), false)).toBe("sidebar");
    expect(shortcutOf(key("z", { ctrlKey: true }), false)).toBe("undo");
    expect(shortcutOf(key("Z", { metaKey: true }), false)).toBe("undo");
    expect(shortcutOf(key("x"), false)).toBeNull();
    expect(shortcutOf(key("n", { ctrlKey: true }), false)).toBeNull();
    expect(shortcutOf(key("k", { ctrlKey: true }), false)).toBe("find");
    expect(shortcutOf(key("K", { metaKey: true }), false)).toBe("find");
  });
  it("leaves keys typed into text fields alone, Ctrl-Z included", () => {
    expect(shortcutOf(key("?"), true)).toBeNull();
    expect(shortcutOf(key("z", { ctrlKey: true }), true)).toBeNull();
    expect(shortcutOf(key("k", { ctrlKey: true }), true)).toBe("find");
  });
  it("lists every shortcut it acts on in the sheet, once", () => {
    const ids = SHORTCUTS.flatMap((s) => (s.id ? [s.id] : []));
    expect(new Set(ids).size).toBe(ids.length);
    for (const k of ["?", "/", "n", "["]) expect(ids).toContain(shortcutOf(key(k), false));
  });
});
