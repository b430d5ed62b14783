import { describe, expect, it } from "vitest";
import type { Column } from "../api/types";
import { chunksOf, defaultMapping, fileLine, remap } from "./csvImport";

const columns = [{ id: "c1", title: "Status" }, { id: "c2", title: "Due date" }] as unknown as Column[];

describe("importing a CSV", () => {
  it("guesses where each CSV column goes", () => {
    expect(defaultMapping(["Name", "group", " due DATE ", "Notes"], columns)).toEqual({ Name: "name", group: "group", " due DATE ": "c2", Notes: null });
    // No name column: the first one names the items.
    expect(defaultMapping(["Title", "Status"], columns)).toEqual({ Title: "name", Status: "c1" });
    expect(defaultMapping([], columns)).toEqual({});
  });
  it("gives each target to one CSV column at most", () => {
    const m = { Title: "name", Other: null, Status: "c1" };
    expect(remap(m, "Other", "name")).toEqual({ Title: null, Other: "name", Status: "c1" });
    expect(remap(m, "Status", null)).toEqual({ Title: "name", Other: null, Status: null });
  });
  it("sends rows in chunks and reports rejected rows by their line in the file", () => {
    const rows = Array.from({ length: 5 }, (_, i) => [String(i)]);
    expect(chunksOf(rows, 2).map((c) => [c.start, c.rows.length])).toEqual([[0, 2], [2, 2], [4, 1]]);
    // The second chunk's first row (its line 2) is the file's line 4 (header, then rows 0 and 1).
    expect(fileLine(2, 2)).toBe(4);
    expect(fileLine(0, 2)).toBe(2);
  });
});
