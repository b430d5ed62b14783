// The filter builder's rows as the API's filter JSON (`{"and": [...]}` or `{"or": [...]}`, see
// API.md) and back, the operators and periods in plain words, and several values in one rule
// (a status that is "Done" or "Stuck").
import { isComplete, operandShape, type Condition, type Field, type Input } from "./filters";

/** Whether every condition must hold, or any one of them. */
export type Match = "and" | "or";

const leaf = (c: Condition): Condition => ({ column: c.column, op: c.op, value: c.value });

/** The query for the complete rows, combined by `match`, and the search box (which always
 * narrows: it is ANDed with the rows); null when there is neither. */
export function filterOf(conditions: Condition[], match: Match, search: string): Record<string, unknown> | null {
  const rows = conditions.filter(isComplete).map(leaf);
  const parts: unknown[] = match === "or" && rows.length > 1 ? [{ or: rows }] : rows;
  if (search.trim()) parts.push({ column: "name", op: "contains", value: search.trim() });
  if (!parts.length) return null;
  // A lone OR group needs no AND around it.
  return parts.length === 1 && match === "or" && rows.length > 1 ? (parts[0] as Record<string, unknown>) : { and: parts };
}

const isLeaf = (x: unknown): x is Condition => typeof x === "object" && x !== null && "column" in x && "op" in x;

/** A saved filter as rows: `{and: [...]}`, `{or: [...]}` or an AND holding one OR group. Nested
 * groups the builder cannot show are left out. */
export function rowsOf(filter: Record<string, unknown> | null | undefined): { conditions: Condition[]; match: Match } {
  const list = (x: unknown) => (Array.isArray(x) ? x.filter(isLeaf).map(leaf) : []);
  if (!filter) return { conditions: [], match: "and" };
  if (Array.isArray(filter.or)) return { conditions: list(filter.or), match: "or" };
  const and = Array.isArray(filter.and) ? filter.and : [];
  const group = and.find((x): x is { or: unknown[] } => typeof x === "object" && x !== null && Array.isArray((x as { or?: unknown }).or));
  if (group && and.length === 1) return { conditions: list(group.or), match: "or" };
  return { conditions: list(and), match: "and" };
}

/** One more value for a rule on a field whose values are picked: "is Done" becomes "is any of
 * Done, Stuck" (and "is not" "is none of") where the field allows it. */
export function addChoice(c: Condition, field: Field, value: unknown): Condition {
  const shape = operandShape(c.op);
  if (shape === "list") {
    const now = Array.isArray(c.value) ? c.value : [];
    return now.includes(value) ? c : { ...c, value: [...now, value] };
  }
  const wider = c.op === "eq" ? "any_of" : c.op === "neq" ? "none_of" : null;
  const has = c.value !== undefined && c.value !== null && c.value !== "";
  if (shape === "one" && has && c.value !== value && wider && field.operators.includes(wider)) return { ...c, op: wider, value: [c.value, value] };
  return { ...c, value };
}

/** The rule without one of its values: a list left with one value reads as "is" again. */
export function removeChoice(c: Condition, field: Field, value: unknown): Condition {
  const rest = (Array.isArray(c.value) ? c.value : []).filter((v) => v !== value);
  const narrower = c.op === "any_of" ? "eq" : c.op === "none_of" ? "neq" : null;
  if (rest.length === 1 && narrower && field.operators.includes(narrower)) return { ...c, op: narrower, value: rest[0] };
  return { ...c, value: rest };
}

/** An operator in words, as it reads after the field's name ("Status is not"). */
export function operatorWords(op: string, input: Input): string {
  const dated = input === "date";
  const list = input === "people" || input === "tags" || input === "labels";
  switch (op) {
    case "eq": return dated ? "is on" : "is";
    case "neq": return dated ? "is not on" : "is not";
    case "contains": return list ? "includes" : "contains";
    case "not_contains": return list ? "does not include" : "does not contain";
    case "starts_with": return "starts with";
    case "gt": return dated ? "is after" : "is more than";
    case "gte": return dated ? "is on or after" : "is at least";
    case "lt": return dated ? "is before" : "is less than";
    case "lte": return dated ? "is on or before" : "is at most";
    case "between": return "is between";
    case "any_of": return "is any of";
    case "none_of": return "is none of";
    case "is_empty": return "is empty";
    case "is_not_empty": return "is not empty";
    case "before": return "is before";
    case "after": return "is after";
    case "within": return "is in";
    default: return op.replace(/_/g, " ");
  }
}

/** The periods `within` takes (API.md), in the server's words, and as they read. */
export const PERIODS: { value: string; label: string }[] = [
  { value: "today", label: "today" },
  { value: "yesterday", label: "yesterday" },
  { value: "tomorrow", label: "tomorrow" },
  { value: "this_week", label: "this week" },
  { value: "last_week", label: "last week" },
  { value: "next_week", label: "next week" },
  { value: "this_month", label: "this month" },
  { value: "past_7_days", label: "the past 7 days" },
  { value: "next_7_days", label: "the next 7 days" },
  { value: "overdue", label: "the past (overdue)" },
  { value: "upcoming", label: "the future (upcoming)" },
];
