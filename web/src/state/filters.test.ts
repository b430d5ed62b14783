import { describe, expect, it } from "vitest";
import type { Column, ColumnType } from "../api/types";
import { SAMPLE_TYPES } from "./columnTypes.sample";
import { conditionOn, defaultOperator, fieldOf, fieldsOf, inputFor, isComplete, operandShape, operatorsFor, PSEUDO_FIELDS, withOperator } from "./filters";

const column = (id: string, type: ColumnType, settings: Record<string, unknown> = {}): Column => ({ id, title: id.toUpperCase(), type, settings, position: "V" }) as unknown as Column;
const columns = [column("st", "status"), column("num", "number"), column("due", "date"), column("who", "people"), column("tg", "tags"), column("done", "checkbox"), column("iid", "item_id")];
const opsOf = (type: ColumnType) => SAMPLE_TYPES.find((t) => t.type === type)!.filter_operators;

describe("the filter builder's fields and operators", () => {
  it("offers the item's name, every board column, then the other pseudo-columns", () => {
    expect(fieldsOf(columns, SAMPLE_TYPES).map((f) => f.id)).toEqual(["name", "st", "num", "due", "who", "tg", "done", "iid", "group", "created_at", "updated_at", "created_by"]);
  });

  it("leaves out button columns, which never hold a value", () => {
    expect(fieldsOf([column("bt", "button"), ...columns], SAMPLE_TYPES).map((f) => f.id)).not.toContain("bt");
  });

  it("takes a column's operators from its type's metadata, in the API's order", () => {
    expect(operatorsFor(columns, SAMPLE_TYPES, "st")).toEqual(["eq", "neq", "any_of", "none_of", "is_empty", "is_not_empty"]);
    expect(operatorsFor(columns, SAMPLE_TYPES, "num")).toEqual(opsOf("number"));
    expect(operatorsFor(columns, SAMPLE_TYPES, "iid")).toEqual(["eq", "any_of"]);
    // The metadata decides: another answer from the server, other operators.
    const narrowed = SAMPLE_TYPES.map((t) => (t.type === "number" ? { ...t, filter_operators: ["gt"] } : t));
    expect(operatorsFor(columns, narrowed, "num")).toEqual(["gt"]);
  });

  it("offers no operators for a column while the types load or for an unknown field", () => {
    expect(operatorsFor(columns, [], "st")).toEqual([]);
    expect(operatorsFor(columns, SAMPLE_TYPES, "gone")).toEqual([]);
  });

  it("describes the pseudo-columns locally, since they are not column types", () => {
    expect(PSEUDO_FIELDS.map((f) => f.id)).toEqual(["name", "group", "created_at", "updated_at", "created_by"]);
    for (const f of PSEUDO_FIELDS) expect(SAMPLE_TYPES.some((t) => t.type === f.id)).toBe(false);
    expect(operatorsFor([], [], "name")).toContain("starts_with");
    expect(operatorsFor([], [], "created_by")).toEqual(["eq", "any_of", "none_of"]);
    expect(operatorsFor([], [], "created_at")).toEqual(opsOf("date"));
  });

  it("enters values with the widget of the column's type", () => {
    const input = (id: string, op: string) => inputFor(fieldOf(columns, SAMPLE_TYPES, id)!, op);
    expect(input("st", "any_of")).toBe("labels");
    expect(input("who", "contains")).toBe("people");
    expect(input("due", "before")).toBe("date");
    expect(input("due", "within")).toBe("period");
    expect(input("num", "gt")).toBe("number");
    expect(input("iid", "eq")).toBe("text");
    expect(input("group", "eq")).toBe("group");
  });
});

describe("a condition's operator and value", () => {
  it("starts with the most common question the field allows", () => {
    expect(defaultOperator(opsOf("text"))).toBe("contains");
    expect(defaultOperator(opsOf("status"))).toBe("eq");
    expect(defaultOperator(opsOf("dropdown"))).toBe("contains");
    expect(defaultOperator(opsOf("date"))).toBe("within");
    expect(defaultOperator(opsOf("number"))).toBe("eq");
    expect(defaultOperator(["gt", "lt"])).toBe("gt");
    expect(defaultOperator(PSEUDO_FIELDS.find((f) => f.id === "group")!.operators)).toBe("eq");
    expect(defaultOperator([])).toBe("");
    expect(conditionOn(fieldOf(columns, SAMPLE_TYPES, "tg"))).toEqual({ column: "tg", op: "contains" });
    expect(conditionOn(undefined)).toEqual({ column: "name", op: "contains", value: "" });
  });

  it("knows the shape of each operator's value", () => {
    expect(["is_empty", "is_not_empty", "between", "any_of", "none_of", "eq", "contains", "within"].map(operandShape)).toEqual(["none", "none", "pair", "list", "list", "one", "one", "one"]);
  });

  it("keeps the value across operators where it still fits", () => {
    const st = fieldOf(columns, SAMPLE_TYPES, "st")!;
    const due = fieldOf(columns, SAMPLE_TYPES, "due")!;
    expect(withOperator({ column: "st", op: "eq", value: "l1" }, st, "neq")).toEqual({ column: "st", op: "neq", value: "l1" });
    expect(withOperator({ column: "st", op: "eq", value: "l1" }, st, "any_of")).toEqual({ column: "st", op: "any_of", value: ["l1"] });
    expect(withOperator({ column: "st", op: "none_of", value: ["l2", "l3"] }, st, "eq")).toEqual({ column: "st", op: "eq", value: "l2" });
    expect(withOperator({ column: "st", op: "eq", value: "l1" }, st, "is_empty")).toEqual({ column: "st", op: "is_empty" });
    expect(withOperator({ column: "st", op: "eq" }, st, "any_of")).toEqual({ column: "st", op: "any_of" });
    // A period is no day, a day no range.
    expect(withOperator({ column: "due", op: "within", value: "this_week" }, due, "before")).toEqual({ column: "due", op: "before" });
    expect(withOperator({ column: "due", op: "before", value: "2026-01-02" }, due, "after")).toEqual({ column: "due", op: "after", value: "2026-01-02" });
    expect(withOperator({ column: "due", op: "before", value: "2026-01-02" }, due, "between")).toEqual({ column: "due", op: "between" });
  });

  it("sends only conditions filled in as their operator wants", () => {
    expect(isComplete({ column: "st", op: "is_empty" })).toBe(true);
    expect(isComplete({ column: "name", op: "contains", value: "" })).toBe(false);
    expect(isComplete({ column: "name", op: "contains", value: "x" })).toBe(true);
    expect(isComplete({ column: "num", op: "eq", value: 0 })).toBe(true);
    expect(isComplete({ column: "num", op: "eq", value: Number.NaN })).toBe(false);
    expect(isComplete({ column: "done", op: "eq", value: false })).toBe(true);
    expect(isComplete({ column: "st", op: "any_of", value: [] })).toBe(false);
    expect(isComplete({ column: "st", op: "any_of", value: "l1" })).toBe(false);
    expect(isComplete({ column: "st", op: "any_of", value: ["l1"] })).toBe(true);
    expect(isComplete({ column: "num", op: "between", value: [1, undefined] })).toBe(false);
    expect(isComplete({ column: "num", op: "between", value: [1, 5] })).toBe(true);
    expect(isComplete({ column: "", op: "is_empty" })).toBe(false);
  });
});
