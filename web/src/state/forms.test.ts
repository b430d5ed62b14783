import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import type { PublicField } from "../api/types";
import { answersOf, choicesOf, emptyRaw, fieldError, formOf, valueOf } from "./forms";

const field = (column_id: string, type: PublicField["type"], settings: Record<string, unknown> = {}): PublicField => ({ column_id, label: column_id, help: "", required: false, type, settings });

describe("form answers", () => {
  it("turns inputs into the columns' value formats", () => {
    expect(valueOf("number", " 42 ")).toBe(42);
    expect(valueOf("number", "lots")).toBe("lots");
    expect(valueOf("link", "https://example.com")).toEqual({ url: "https://example.com", text: "https://example.com" });
    expect(valueOf("tags", "a, b,,c")).toEqual(["a", "b", "c"]);
    expect(valueOf("status", "l2")).toBe("l2");
    expect(valueOf("timeline", { from: "2026-01-02", to: "" })).toEqual({ from: "2026-01-02", to: "2026-01-02" });
    expect(valueOf("timeline", { from: "2026-01-02", to: "2026-01-09" })).toEqual({ from: "2026-01-02", to: "2026-01-09" });
  });

  it("leaves empty inputs and unticked boxes out", () => {
    for (const t of ["text", "number", "dropdown", "timeline", "checkbox"] as const) expect(valueOf(t, emptyRaw(t))).toBeUndefined();
    expect(valueOf("text", "   ")).toBeUndefined();
    expect(valueOf("checkbox", true)).toBe(true);
    const fields = [field("a", "text"), field("b", "checkbox"), field("c", "dropdown")];
    expect(answersOf(fields, { a: "hi", c: ["o1"] })).toEqual({ a: "hi", c: ["o1"] });
  });

  it("lists a status's labels and a dropdown's options", () => {
    expect(choicesOf(field("s", "status", { labels: [{ id: "l1", name: "Low", color: "green", done: false }] }))).toEqual([{ id: "l1", name: "Low" }]);
    expect(choicesOf(field("d", "dropdown", { options: [{ id: "o1", name: "Web", color: null }] }))).toEqual([{ id: "o1", name: "Web" }]);
  });

  it("finds the question an error names", () => {
    expect(fieldError(new ApiError(400, "validation_failed", "`Email` is required", { field: "values.c1", rule: "required" }))).toEqual({ field: "c1", message: "`Email` is required" });
    expect(fieldError(new ApiError(400, "validation_failed", "required", { field: "name" }))?.field).toBe("name");
    expect(fieldError(new ApiError(429, "rate_limited", "slow down"))).toBeNull();
  });

  it("fills a form's settings with defaults", () => {
    const f = formOf({ settings: { fields: [{ column_id: "c" }] } } as never);
    expect([f.title, f.public, f.fields.length, f.has_password]).toEqual(["", false, 1, false]);
  });
});
