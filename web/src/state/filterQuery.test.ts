import { describe, expect, it } from "vitest";
import type { Column, ColumnType } from "../api/types";
import { SAMPLE_TYPES } from "./columnTypes.sample";
import { addChoice, filterOf, operatorWords, removeChoice, rowsOf } from "./filterQuery";
import { fieldOf } from "./filters";

const column = (id: string, type: ColumnType): Column => ({ id, title: id, type, settings: {}, position: "V" }) as unknown as Column;
const st = fieldOf([column("st", "status")], SAMPLE_TYPES, "st")!;
const done = { column: "st", op: "eq", value: "done" };
const big = { column: "num", op: "gt", value: 5 };

describe("the filter as the API's JSON", () => {
  it("combines complete rows with AND or OR, and ANDs the search", () => {
    expect(filterOf([done, big], "and", "")).toEqual({ and: [done, big] });
    expect(filterOf([done, big], "or", "")).toEqual({ or: [done, big] });
    expect(filterOf([done, big], "or", " x ")).toEqual({ and: [{ or: [done, big] }, { column: "name", op: "contains", value: "x" }] });
    expect(filterOf([done], "or", "")).toEqual({ and: [done] });
    expect(filterOf([{ column: "name", op: "contains", value: "" }], "and", "")).toBeNull();
  });
  it("reads a saved filter back as rows", () => {
    expect(rowsOf({ and: [done, big] })).toEqual({ conditions: [done, big], match: "and" });
    expect(rowsOf({ or: [done, big] })).toEqual({ conditions: [done, big], match: "or" });
    expect(rowsOf({ and: [{ or: [done, big] }] })).toEqual({ conditions: [done, big], match: "or" });
    expect(rowsOf(null)).toEqual({ conditions: [], match: "and" });
    for (const m of ["and", "or"] as const) expect(rowsOf(filterOf([done, big], m, ""))).toEqual({ conditions: [done, big], match: m });
  });
});

describe("several values in one rule", () => {
  it("turns 'is' into 'is any of' when a second value is picked, and back", () => {
    const two = addChoice(done, st, "stuck");
    expect(two).toEqual({ column: "st", op: "any_of", value: ["done", "stuck"] });
    expect(addChoice(two, st, "working")).toEqual({ column: "st", op: "any_of", value: ["done", "stuck", "working"] });
    expect(addChoice(two, st, "done")).toBe(two);
    expect(removeChoice(two, st, "stuck")).toEqual(done);
    expect(addChoice({ column: "st", op: "neq", value: "done" }, st, "stuck")).toEqual({ column: "st", op: "none_of", value: ["done", "stuck"] });
    expect(addChoice({ column: "st", op: "eq" }, st, "done")).toEqual(done);
  });
});

describe("operators in words", () => {
  it("reads as a person would say it", () => {
    expect(operatorWords("eq", "labels")).toBe("is");
    expect(operatorWords("neq", "labels")).toBe("is not");
    expect(operatorWords("is_empty", "text")).toBe("is empty");
    expect(operatorWords("contains", "text")).toBe("contains");
    expect(operatorWords("gt", "date")).toBe("is after");
    expect(operatorWords("gt", "number")).toBe("is more than");
    expect(operatorWords("within", "date")).toBe("is in");
    // Every operator the API serves has words of its own.
    for (const op of new Set(SAMPLE_TYPES.flatMap((t) => t.filter_operators))) expect(operatorWords(op, "text")).not.toContain("_");
  });
});
