// Grouping rows by a column (the table's "Group by", the kanban's lanes). Which columns can
// group is the column types' metadata (`groupable`); this is how their values make lanes.
import type { Column, ColumnTypeInfo, Item } from "../api/types";
import { isGroupable } from "./columnTypes";
import type { Person } from "./people";

export type Label = { id: string; name: string; color: string; done?: boolean };
export type Lane = { id: string; name: string; color: string };

/** A status column's labels or a dropdown column's options. */
export const labelsOf = (c: Column): Label[] => ((c.settings as { labels?: Label[]; options?: Label[] }).labels ?? (c.settings as { options?: Label[] }).options ?? []);

/** The kanban's lane column: the chosen one, else a status column, else the first that can
 * make lanes (the column types' metadata says which). */
export function laneColumnOf(columns: Column[], types: ColumnTypeInfo[], chosen: string | undefined): Column | undefined {
  const groupable = columns.filter((c) => isGroupable(types, c.type));
  return groupable.find((c) => c.id === chosen) ?? groupable.find((c) => c.type === "status") ?? groupable[0];
}

/** The lane of an item: the column's value, or the first of several (dropdown options, people);
 * "" for none. */
export function laneOf(column: Column, item: Item): string {
  const v = item.values[column.id];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === "string" ? first : "";
}

/** The lanes of a column, in order, ending with "No value" (id ""): its labels, or for people
 * the organization's members and then anyone an item names whom the directory does not know yet. */
export function lanesOf(column: Column, people: Person[], items: Item[]): Lane[] {
  let lanes: Lane[];
  if (column.type === "people") {
    const known = new Set(people.map((p) => p.id));
    const strangers = [...new Set(items.map((i) => laneOf(column, i)).filter((id) => id && !known.has(id)))];
    lanes = [...people.map((p) => ({ id: p.id, name: p.name, color: "blue" })), ...strangers.map((id) => ({ id, name: "Someone", color: "blue" }))];
  } else {
    lanes = labelsOf(column).map((l) => ({ id: l.id, name: l.name, color: l.color }));
  }
  return [...lanes, { id: "", name: "No value", color: "grey" }];
}

/** The value that moves an item into a lane: one label for status, a list of one otherwise
 * (dropdown options, people); null for "No value". */
export function laneValue(column: Column, lane: string): unknown {
  if (!lane) return null;
  return column.type === "status" ? lane : [lane];
}
