// The filter builder: rows of column, operator (only those that apply to the column's type)
// and value, combined with AND.
import type { Column } from "../api/types";
import { usePeople } from "../state/people";
import { labelsOf } from "./Cell";

export type Condition = { column: string; op: string; value?: unknown };

const OPS: Record<string, string[]> = {
  text: ["contains", "not_contains", "eq", "neq", "starts_with", "is_empty", "is_not_empty"],
  number: ["eq", "neq", "gt", "gte", "lt", "lte", "between", "is_empty", "is_not_empty"],
  status: ["any_of", "none_of", "is_empty", "is_not_empty"],
  multi: ["any_of", "none_of", "is_empty", "is_not_empty"],
  date: ["within", "before", "after", "eq", "between", "is_empty", "is_not_empty"],
  checkbox: ["eq", "is_empty", "is_not_empty"],
};
const PERIODS = ["today", "yesterday", "tomorrow", "this_week", "last_week", "next_week", "this_month", "overdue", "upcoming"];

export function kindOf(type?: string): keyof typeof OPS {
  switch (type) {
    case "number": case "rating": case "auto_number": return "number";
    case "status": return "status";
    case "dropdown": case "people": case "tags": return "multi";
    case "date": case "timeline": case "creation_log": case "last_updated": return "date";
    case "checkbox": return "checkbox";
    default: return "text";
  }
}

export function operatorsFor(type?: string): string[] {
  return OPS[kindOf(type)];
}

export function FilterBuilder({ columns, conditions, onChange }: { columns: Column[]; conditions: Condition[]; onChange: (c: Condition[]) => void }) {
  const people = usePeople();
  const set = (i: number, c: Partial<Condition>) => onChange(conditions.map((x, j) => (j === i ? { ...x, ...c } : x)));
  return (
    <div className="filters">
      {conditions.map((c, i) => {
        const col = columns.find((x) => x.id === c.column);
        const kind = kindOf(c.column === "name" ? "text" : col?.type);
        const needsValue = !["is_empty", "is_not_empty"].includes(c.op);
        return (
          <div key={i} className="filter-row">
            <select aria-label="Filter column" value={c.column} onChange={(e) => set(i, { column: e.target.value, op: operatorsFor(columns.find((x) => x.id === e.target.value)?.type)[0], value: undefined })}>
              <option value="name">Name</option>
              {columns.map((x) => <option key={x.id} value={x.id}>{x.title}</option>)}
            </select>
            <select aria-label="Filter operator" value={c.op} onChange={(e) => set(i, { op: e.target.value })}>
              {OPS[kind].map((o) => <option key={o} value={o}>{o.replace(/_/g, " ")}</option>)}
            </select>
            {needsValue && c.op === "between" ? (
              <>
                {[0, 1].map((k) => (
                  <input key={k} aria-label={k === 0 ? "Filter from" : "Filter to"} type={kind === "number" ? "number" : "date"} value={((c.value as unknown[]) ?? [])[k] as string ?? ""}
                    onChange={(e) => {
                      const pair = [...(((c.value as unknown[]) ?? ["", ""]) as unknown[])];
                      pair[k] = kind === "number" ? Number(e.target.value) : e.target.value;
                      set(i, { value: pair });
                    }} />
                ))}
              </>
            ) : needsValue && kind === "multi" && col?.type === "people" ? (
              <select aria-label="Filter value" value={((c.value as string[]) ?? [])[0] ?? ""} onChange={(e) => set(i, { value: [e.target.value] })}>
                <option value="" />
                <option value="me">Me</option>
                {people.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
              </select>
            ) : needsValue && kind === "multi" && col?.type === "tags" ? (
              <input aria-label="Filter value" placeholder="tag, tag" value={((c.value as string[]) ?? []).join(", ")}
                onChange={(e) => set(i, { value: e.target.value.split(",").map((t) => t.trim()).filter(Boolean) })} />
            ) : needsValue && (kind === "status" || (kind === "multi" && col?.type === "dropdown")) ? (
              <select aria-label="Filter value" value={((c.value as string[]) ?? [])[0] ?? ""} onChange={(e) => set(i, { value: [e.target.value] })}>
                <option value="" />
                {labelsOf(col!).map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
              </select>
            ) : needsValue && kind === "date" && c.op === "within" ? (
              <select aria-label="Filter value" value={(c.value as string) ?? ""} onChange={(e) => set(i, { value: e.target.value })}>
                <option value="" />
                {PERIODS.map((p) => <option key={p} value={p}>{p.replace(/_/g, " ")}</option>)}
              </select>
            ) : needsValue && kind === "checkbox" ? (
              <select aria-label="Filter value" value={String(c.value ?? true)} onChange={(e) => set(i, { value: e.target.value === "true" })}>
                <option value="true">checked</option>
                <option value="false">unchecked</option>
              </select>
            ) : needsValue ? (
              <input aria-label="Filter value" type={kind === "number" ? "number" : kind === "date" ? "date" : "text"} value={(c.value as string) ?? ""}
                onChange={(e) => set(i, { value: kind === "number" ? Number(e.target.value) : e.target.value })} />
            ) : null}
            <button className="link" aria-label="Remove filter" onClick={() => onChange(conditions.filter((_, j) => j !== i))}>✕</button>
          </div>
        );
      })}
      <button className="filter-add" onClick={() => onChange([...conditions, { column: "name", op: "contains", value: "" }])}>Filter</button>
    </div>
  );
}
