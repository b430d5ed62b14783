import { describe, expect, it } from "vitest";
import { fileIdsOf, filesValue, formatSize, viewerKind } from "./files";

describe("file cells", () => {
  it("reads the ids of a value and ignores other shapes", () => {
    expect(fileIdsOf({ files: [{ file_id: "a" }, { file_id: "b" }] })).toEqual(["a", "b"]);
    expect(fileIdsOf(null)).toEqual([]);
    expect(fileIdsOf({ item_ids: ["x"] })).toEqual([]);
    expect(fileIdsOf({ files: [{ nope: 1 }, { file_id: "c" }] })).toEqual(["c"]);
  });

  it("writes each id once, and null for none", () => {
    expect(filesValue(["a", "b", "a"])).toEqual({ files: [{ file_id: "a" }, { file_id: "b" }] });
    expect(filesValue([])).toBeNull();
  });
});

describe("file details", () => {
  it("shows images and PDFs in the viewer, nothing else", () => {
    expect(viewerKind("image/png")).toBe("image");
    expect(viewerKind("application/pdf")).toBe("pdf");
    expect(viewerKind("image/svg+xml")).toBeNull();
    expect(viewerKind("text/html")).toBeNull();
  });

  it("formats sizes", () => {
    expect(formatSize(532)).toBe("532 B");
    expect(formatSize(1_234_567)).toBe("1.2 MB");
    expect(formatSize(104_857_600)).toBe("105 MB");
  });
});
