// The column types as the server describes them (`GET /api/v1/column-types`): titles for the
// type picker, the filter operators each allows, whether views group by it, whether people
// write its values. Loaded once per page (TanStack Query keeps the answer) and shared by
// context, so pickers, the filter builder and editors keep no lists of their own.
import { useQuery } from "@tanstack/react-query";
import { createContext, useContext } from "react";
import { api, ok } from "../api/client";
import type { Column, ColumnType, ColumnTypeInfo } from "../api/types";

export const ColumnTypesContext = createContext<ColumnTypeInfo[]>([]);
/** The column types, `[]` until they have loaded. */
export const useColumnTypes = () => useContext(ColumnTypesContext);

const NONE: ColumnTypeInfo[] = [];

/** Loads the column types (once per page: they change only with the server) for a
 * `ColumnTypesContext` provider. */
export function useColumnTypeList(): ColumnTypeInfo[] {
  const q = useQuery({
    queryKey: ["column-types"],
    queryFn: async () => (await ok(api.GET("/api/v1/column-types"))).data,
    staleTime: Infinity,
  });
  return q.data ?? NONE;
}

export const infoOf = (types: ColumnTypeInfo[], type: string | undefined) => types.find((t) => t.type === type);

/** Whether views can group rows or lay out kanban lanes by a column of this type. */
export const isGroupable = (types: ColumnTypeInfo[], type: string | undefined) => infoOf(types, type)?.groupable ?? false;

/** Whether people write this type's values (system and derived values are Sunday's). Unknown
 * types, or all of them while the list loads, count as written: the server has the last word. */
export const isWritten = (types: ColumnTypeInfo[], type: string | undefined) => (infoOf(types, type)?.origin ?? "written") === "written";

/** The "new column" picker: the types people fill in first, then those Sunday fills in itself
 * (item numbers, ids, creation and change logs) and those it computes, each in the API's order. */
export function pickerSections(types: ColumnTypeInfo[]): { label: string; types: { type: ColumnType; title: string }[] }[] {
  const sections = [
    { label: "Filled in by people", origin: "written" },
    { label: "Filled in by Sunday", origin: "system" },
    { label: "Computed", origin: "derived" },
  ] as const;
  return sections
    .map((s) => ({ label: s.label, types: types.filter((t) => t.origin === s.origin).map((t) => ({ type: t.type, title: t.title })) }))
    .filter((s) => s.types.length > 0);
}

/** The type a formula's result is stored as (`Column::value_type` on the server). */
const FORMULA_VALUES: Record<string, ColumnType> = { number: "number", text: "text", date: "date", boolean: "checkbox" };

/** The column as its cells read: a formula's cells are values of its result type (a number, a
 * text, a date or a checkbox), shown and filtered as such; other columns are themselves. */
export function valueColumn(col: Column): Column {
  let type: ColumnType;
  if (col.type === "formula") type = FORMULA_VALUES[(col.settings as { result?: string }).result ?? "text"] ?? "text";
  else if (col.type === "mirror" || col.type === "rollup") type = mirrorValueType((col.settings as { function?: string }).function ?? "show");
  else return col;
  return { ...col, type, settings: type === "number" ? { unit: null, decimals: null } : {} } as Column;
}

/** The refusals of a column delete that `force` overrides: other columns depend on it. */
export const DEPENDED_ON = ["used_by_formula", "used_by_mirror", "used_by_dependency"];

/** Whether an error is the refusal of a delete that other columns depend on. */
export const isDependedOn = (e: unknown) => {
  const rule = (e as { details?: { rule?: unknown } } | null)?.details?.rule;
  return typeof rule === "string" && DEPENDED_ON.includes(rule);
};

/** The type a mirror's function makes (`MirrorFunction::value_type` on the server). */
export function mirrorValueType(fn: string): ColumnType {
  if (fn === "show" || fn === "count_by_label") return "text";
  if (fn === "earliest" || fn === "latest") return "date";
  if (fn === "span") return "timeline";
  return "number";
}

/** What each mirror function does, in the order the dialog offers them, with the column types
 * of the linked board it reads (`null`: any column, or the items' names). */
export const MIRROR_FUNCTIONS: { fn: string; words: string; reads: ColumnType[] | null }[] = [
  { fn: "show", words: "Show the values", reads: null },
  { fn: "count", words: "Count the linked items", reads: null },
  { fn: "sum", words: "Sum", reads: ["number", "rating"] },
  { fn: "average", words: "Average", reads: ["number", "rating"] },
  { fn: "min", words: "Smallest", reads: ["number", "rating"] },
  { fn: "max", words: "Largest", reads: ["number", "rating"] },
  { fn: "earliest", words: "Earliest date", reads: ["date", "timeline"] },
  { fn: "latest", words: "Latest date", reads: ["date", "timeline"] },
  { fn: "span", words: "Date span", reads: ["date", "timeline"] },
  { fn: "count_by_label", words: "Count by label", reads: ["status", "dropdown"] },
  { fn: "percent_done", words: "Percent done", reads: ["status"] },
];
