import { describe, expect, it } from "vitest";
import { isGroupable, isWritten, pickerSections } from "./columnTypes";
import { SAMPLE_TYPES } from "./columnTypes.sample";

describe("the column types' metadata", () => {
  it("offers every type in the new-column picker by title, Sunday's own types last", () => {
    const sections = pickerSections(SAMPLE_TYPES);
    expect(sections.map((s) => s.label)).toEqual(["Filled in by people", "Filled in by Sunday"]);
    expect(sections.flatMap((s) => s.types).length).toBe(SAMPLE_TYPES.length);
    expect(sections[0].types.slice(0, 3)).toEqual([{ type: "text", title: "Text" }, { type: "long_text", title: "Long text" }, { type: "number", title: "Numbers" }]);
    expect(sections[1].types.map((t) => t.type)).toEqual(["auto_number", "item_id", "creation_log", "last_updated", "button"]);
    expect(pickerSections([])).toEqual([]);
  });

  it("says which types views group by", () => {
    expect(SAMPLE_TYPES.filter((t) => isGroupable(SAMPLE_TYPES, t.type)).map((t) => t.type)).toEqual(["status", "dropdown", "people"]);
    expect(isGroupable([], "status")).toBe(false);
  });

  it("says whose values are written by people", () => {
    expect(isWritten(SAMPLE_TYPES, "text")).toBe(true);
    expect(isWritten(SAMPLE_TYPES, "creation_log")).toBe(false);
    expect(isWritten(SAMPLE_TYPES, "auto_number")).toBe(false);
    expect(isWritten(SAMPLE_TYPES, "button")).toBe(false);
    // Unknown until loaded: editable, and the server refuses what it must.
    expect(isWritten([], "creation_log")).toBe(true);
  });
});
