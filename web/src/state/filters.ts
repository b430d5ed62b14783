// What the filter builder offers: the fields a condition can name, the operators each allows
// and the shape of the value each operator takes. Operators of board columns come from the
// column types' metadata (`GET /api/v1/column-types`); only pseudo-columns are described here.
import type { Column, ColumnType, ColumnTypeInfo } from "../api/types";
import { infoOf, valueColumn } from "./columnTypes";

export type Condition = { column: string; op: string; value?: unknown };

/** How a value is entered: the widget the filter builder shows for the field. */
export type Input = "text" | "number" | "date" | "labels" | "people" | "tags" | "checkbox" | "group";

/** A property of an item a condition can name: a pseudo-column or one of the board's columns. */
export type Field = { id: string; title: string; operators: string[]; input: Input; column?: Column };

const DATE_OPS = ["eq", "before", "after", "between", "within", "is_empty", "is_not_empty"];
/** Pseudo-columns: item properties that are not board columns, hence not column types, so the
 * column-types endpoint does not describe them. This small table mirrors the server's filter
 * engine for them (its operators, in its order); every board column reads its operators from the
 * column-type metadata instead. */
export const PSEUDO_FIELDS: Field[] = [
  { id: "name", title: "Name", input: "text", operators: ["eq", "neq", "contains", "not_contains", "starts_with", "is_empty", "is_not_empty"] },
  { id: "group", title: "Group", input: "group", operators: ["eq", "neq", "any_of", "none_of"] },
  { id: "created_at", title: "Created", input: "date", operators: DATE_OPS },
  { id: "updated_at", title: "Updated", input: "date", operators: DATE_OPS },
  { id: "created_by", title: "Created by", input: "people", operators: ["eq", "any_of", "none_of"] },
];

/** The widget for a column type's values: how it is entered, not what may be asked of it (that
 * is the metadata's `filter_operators`). Types not listed are typed as text. */
const INPUTS: Partial<Record<ColumnType, Input>> = {
  number: "number", rating: "number", auto_number: "number",
  status: "labels", dropdown: "labels",
  people: "people", tags: "tags", checkbox: "checkbox",
  date: "date", timeline: "date", creation_log: "date", last_updated: "date",
};

/** A board column as a filter field; no operators while its type is unknown (metadata loading). */
export function columnField(column: Column, types: ColumnTypeInfo[]): Field {
  // A formula filters as its result type does.
  const value = valueColumn(column);
  return { id: column.id, title: column.title, column, input: INPUTS[value.type] ?? "text", operators: infoOf(types, value.type)?.filter_operators ?? [] };
}

/** The fields a filter row can name: the item's name, the board's columns (but buttons, which
 * never hold a value), then the other pseudo-columns. */
export function fieldsOf(columns: Column[], types: ColumnTypeInfo[]): Field[] {
  const [name, ...rest] = PSEUDO_FIELDS;
  return [name, ...columns.filter((c) => c.type !== "button").map((c) => columnField(c, types)), ...rest];
}

export const fieldOf = (columns: Column[], types: ColumnTypeInfo[], id: string) => fieldsOf(columns, types).find((f) => f.id === id);

/** The operators a field allows: the pseudo-column table, or its column type's metadata. */
export const operatorsFor = (columns: Column[], types: ColumnTypeInfo[], id: string) => fieldOf(columns, types, id)?.operators ?? [];

/** The operator a new condition on a field starts with: the most common question that takes
 * one value (contains for text and lists, within for dates, eq for the rest), else the first
 * the field allows. */
export function defaultOperator(operators: string[]): string {
  return ["contains", "within", "eq"].find((o) => operators.includes(o)) ?? operators[0] ?? "";
}

/** A fresh condition on a field, or on the item's name. */
export function conditionOn(field: Field | undefined): Condition {
  return field ? { column: field.id, op: defaultOperator(field.operators) } : { column: "name", op: "contains", value: "" };
}

/** The shape of the value an operator takes: none, one value, a list, or a [low, high] pair. */
export type Shape = "none" | "one" | "list" | "pair";
export function operandShape(op: string): Shape {
  if (op === "is_empty" || op === "is_not_empty") return "none";
  if (op === "between") return "pair";
  if (op === "any_of" || op === "none_of") return "list";
  return "one";
}

/** What a condition's value is entered as: the field's widget, except that dates `within` take a
 * period ("this_week"), not a day. */
export const inputFor = (field: Field, op: string): Input | "period" => (field.input === "date" && op === "within" ? "period" : field.input);

/** The condition with another operator, keeping the value where it still fits: as is when the
 * shape and widget stay, one value and a list of one turned into each other, dropped otherwise. */
export function withOperator(c: Condition, field: Field, op: string): Condition {
  const from = operandShape(c.op);
  const to = operandShape(op);
  if (inputFor(field, c.op) !== inputFor(field, op) || to === "none" || from === "none") return { column: c.column, op };
  if (from === to) return { ...c, op };
  if (from === "one" && to === "list" && present(c.value)) return { column: c.column, op, value: [c.value] };
  if (from === "list" && to === "one" && Array.isArray(c.value) && present(c.value[0])) return { column: c.column, op, value: c.value[0] };
  return { column: c.column, op };
}

const present = (v: unknown) => v !== undefined && v !== null && v !== "" && !(typeof v === "number" && Number.isNaN(v));

/** Whether a condition is filled in enough to send: rows still being edited are left out. */
export function isComplete(c: Condition): boolean {
  if (!c.column || !c.op) return false;
  switch (operandShape(c.op)) {
    case "none":
      return true;
    case "one":
      return present(c.value);
    case "list":
      return Array.isArray(c.value) && c.value.length > 0 && c.value.every(present);
    case "pair":
      return Array.isArray(c.value) && c.value.length === 2 && c.value.every(present);
  }
}
