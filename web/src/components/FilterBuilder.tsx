// The filter builder: rows of field, operator (only those the field allows, from the column
// types' metadata) and value, combined with AND; a badge counts the conditions in force and
// "Clear all" removes them.
import { useState } from "react";
import type { Column, Group } from "../api/types";
import { useColumnTypes } from "../state/columnTypes";
import { conditionOn, fieldsOf, isComplete, inputFor, operandShape, withOperator, type Condition, type Field, type Input } from "../state/filters";
import { labelsOf } from "../state/lanes";
import { usePeople } from "../state/people";

export type { Condition } from "../state/filters";

const PERIODS = ["today", "yesterday", "tomorrow", "this_week", "last_week", "next_week", "this_month", "overdue", "upcoming"];
const words = (s: string) => s.replace(/_/g, " ");

export function FilterBuilder({ columns, groups, conditions, onChange }: { columns: Column[]; groups: Group[]; conditions: Condition[]; onChange: (c: Condition[]) => void }) {
  const types = useColumnTypes();
  const fields = fieldsOf(columns, types);
  const set = (i: number, c: Condition) => onChange(conditions.map((x, j) => (j === i ? c : x)));
  const active = conditions.filter(isComplete).length;
  return (
    <div className="filters">
      {conditions.map((c, i) => {
        const field = fields.find((f) => f.id === c.column);
        // A condition on a column deleted since (or an operator not known yet, while the column
        // types load) is shown as it is until it is changed or removed.
        const ops = !field ? [c.op] : field.operators.includes(c.op) ? field.operators : [c.op, ...field.operators];
        return (
          <div key={i} className="filter-row">
            <select aria-label="Filter column" value={c.column} onChange={(e) => set(i, conditionOn(fields.find((f) => f.id === e.target.value)))}>
              {!field && <option value={c.column}>(deleted column)</option>}
              {fields.map((f) => <option key={f.id} value={f.id}>{f.title}</option>)}
            </select>
            <select aria-label="Filter operator" value={c.op} onChange={(e) => set(i, field ? withOperator(c, field, e.target.value) : { ...c, op: e.target.value })}>
              {ops.map((o) => <option key={o} value={o}>{words(o)}</option>)}
            </select>
            {field && <Operand field={field} condition={c} groups={groups} onChange={(value) => set(i, { ...c, value })} />}
            <button className="link" aria-label="Remove filter" onClick={() => onChange(conditions.filter((_, j) => j !== i))}>✕</button>
          </div>
        );
      })}
      <button className="filter-add" onClick={() => onChange([...conditions, conditionOn(undefined)])}>
        Filter
        {/* How many conditions apply now (complete ones); its own title, so the button's name stays "Filter". */}
        {active > 0 && <span className="filter-badge" aria-hidden="true" title={`${active} active`}>{active}</span>}
      </button>
      {conditions.length > 0 && <button className="link" onClick={() => onChange([])}>Clear all</button>}
    </div>
  );
}

/** The value of a condition, entered as its field and operator want it. */
function Operand({ field, condition, groups, onChange }: { field: Field; condition: Condition; groups: Group[]; onChange: (v: unknown) => void }) {
  const people = usePeople();
  const shape = operandShape(condition.op);
  const input = inputFor(field, condition.op);
  const value = condition.value;
  if (shape === "none") return null;
  if (shape === "pair") {
    const pair = Array.isArray(value) ? value : ["", ""];
    const kind = input === "number" ? "number" : "date";
    return (
      <>
        {[0, 1].map((k) => (
          <input key={k} aria-label={k === 0 ? "Filter from" : "Filter to"} type={kind} value={String(pair[k] ?? "")}
            onChange={(e) => onChange(pair.map((v, j) => (j === k ? (kind === "number" ? numberOf(e.target.value) : e.target.value) : v)))} />
        ))}
      </>
    );
  }
  const choices = choicesOf(input, field, people, groups);
  if (choices) {
    // One choice; a list operator gets a list of one.
    const current = shape === "list" ? (Array.isArray(value) ? value[0] : undefined) : value;
    const pick = (raw: string) => {
      const v = raw === "" ? undefined : input === "checkbox" ? raw === "true" : raw;
      onChange(shape === "list" ? (v === undefined ? undefined : [v]) : v);
    };
    return (
      <select aria-label="Filter value" value={current === undefined || current === null ? "" : String(current)} onChange={(e) => pick(e.target.value)}>
        <option value="" />
        {choices.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    );
  }
  if (shape === "list") return <ListInput numbers={input === "number"} value={Array.isArray(value) ? value : []} onChange={onChange} />;
  return (
    <input aria-label="Filter value" type={input === "number" ? "number" : input === "date" ? "date" : "text"} value={value === undefined || value === null ? "" : String(value)}
      onChange={(e) => onChange(input === "number" ? numberOf(e.target.value) : e.target.value)} />
  );
}

/** Several typed values (tags, numbers), comma-separated. The text is kept as typed, so that a
 * trailing comma survives until the next value is typed. */
function ListInput({ numbers, value, onChange }: { numbers: boolean; value: unknown[]; onChange: (v: unknown[]) => void }) {
  const parse = (text: string) => text.split(",").map((t) => t.trim()).filter(Boolean).map((t) => (numbers ? numberOf(t) : t));
  const [text, setText] = useState(value.join(", "));
  // Another value from outside (a saved view opened): show it.
  const shown = JSON.stringify(parse(text)) === JSON.stringify(value) ? text : value.join(", ");
  return (
    <input aria-label="Filter value" placeholder={numbers ? "1, 2" : "value, value"} value={shown}
      onChange={(e) => { setText(e.target.value); onChange(parse(e.target.value)); }} />
  );
}

const numberOf = (s: string) => (s.trim() === "" ? undefined : Number(s));

/** The values to choose from, for fields whose values are picked rather than typed. */
function choicesOf(input: Input | "period", field: Field, people: { id: string; name: string }[], groups: Group[]): { value: string; label: string }[] | null {
  switch (input) {
    case "labels":
      return field.column ? labelsOf(field.column).map((l) => ({ value: l.id, label: l.name })) : [];
    case "people":
      return [{ value: "me", label: "Me" }, ...people.map((p) => ({ value: p.id, label: p.name }))];
    case "group":
      return groups.map((g) => ({ value: g.id, label: g.title }));
    case "period":
      return PERIODS.map((p) => ({ value: p, label: words(p) }));
    case "checkbox":
      return [{ value: "true", label: "checked" }, { value: "false", label: "unchecked" }];
    default:
      return null;
  }
}
