import { describe, expect, it } from "vitest";
import type { Column } from "../api/types";
import { isGroupable, isWritten, MIRROR_FUNCTIONS, mirrorValueType, pickerSections, valueColumn } from "./columnTypes";
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

describe("mirror columns", () => {
  it("read as what their function makes", () => {
    const mirror = (fn: string) => ({ id: "m", title: "M", type: "mirror", settings: { relation_column_id: "r", column_id: null, function: fn }, position: "a", width: null }) as unknown as Column;
    expect(valueColumn(mirror("sum")).type).toBe("number");
    expect(valueColumn(mirror("percent_done")).type).toBe("number");
    expect(valueColumn(mirror("latest")).type).toBe("date");
    expect(valueColumn(mirror("show")).type).toBe("text");
    expect(valueColumn(mirror("count_by_label")).type).toBe("text");
    expect(mirrorValueType("count")).toBe("number");
    // Every function the dialog offers makes a type.
    for (const f of MIRROR_FUNCTIONS) expect(["text", "number", "date", "timeline"]).toContain(mirrorValueType(f.fn));
    expect(mirrorValueType("span")).toBe("timeline");
  });
});
