// The filter builder: rows of field, operator in words (only those the field allows, from the
// column types' metadata: "is", "is not", "is empty") and value (several for fields whose values
// are picked: a status that is Done or Stuck), combined with AND or OR; a badge counts the
// conditions in force and "Clear all" removes them. The rules live in a panel under the Filter
// button, so however many there are, the toolbar keeps its one line.
import { useState } from "react";
import type { Column, Group } from "../api/types";
import { useColumnTypes } from "../state/columnTypes";
import { addChoice, operatorWords, PERIODS, removeChoice, type Match } from "../state/filterQuery";
import { conditionOn, fieldsOf, isComplete, inputFor, operandShape, withOperator, type Condition, type Field, type Input } from "../state/filters";
import { labelsOf } from "../state/lanes";
import { usePeople } from "../state/people";
import { Popup } from "./Popup";

export type { Condition } from "../state/filters";

export function FilterBuilder({ columns, groups, conditions, onChange, match, onMatch }: {
  columns: Column[]; groups: Group[]; conditions: Condition[]; onChange: (c: Condition[]) => void; match: Match; onMatch: (m: Match) => void;
}) {
  const types = useColumnTypes();
  const fields = fieldsOf(columns, types);
  const set = (i: number, c: Condition) => onChange(conditions.map((x, j) => (j === i ? c : x)));
  const active = conditions.filter(isComplete).length;
  const [open, setOpen] = useState(false);
  const add = () => onChange([...conditions, conditionOn(undefined)]);
  // Opening the panel with no rules starts one, ready to fill in.
  const toggle = () => {
    if (!open && conditions.length === 0) add();
    setOpen(!open);
  };
  return (
    <span className="filter-anchor">
      <button className="filter-add" aria-expanded={open} onClick={toggle}>
        Filter
        {/* How many conditions apply now (complete ones); its own title, so the button's name stays "Filter". */}
        {active > 0 && <span className="filter-badge" aria-hidden="true" title={`${active} active`}>{active}</span>}
      </button>
      {open && (
    <Popup className="filters filter-panel" onClose={() => setOpen(false)}>
      {conditions.length > 1 && (
        <label className="match">Items matching
          <select aria-label="Match" value={match} onChange={(e) => onMatch(e.target.value as Match)}>
            <option value="and">all of these rules</option>
            <option value="or">any of these rules</option>
          </select>
        </label>
      )}
      {conditions.map((c, i) => {
        const field = fields.find((f) => f.id === c.column);
        // A condition on a column deleted since (or an operator not known yet, while the column
        // types load) is shown as it is until it is changed or removed.
        const ops = !field ? [c.op] : field.operators.includes(c.op) ? field.operators : [c.op, ...field.operators];
        return (
          <div key={i} className="filter-row">
            <span className="joiner">{i === 0 ? "where" : match}</span>
            <select aria-label="Filter column" value={c.column} onChange={(e) => set(i, conditionOn(fields.find((f) => f.id === e.target.value)))}>
              {!field && <option value={c.column}>(deleted column)</option>}
              {fields.map((f) => <option key={f.id} value={f.id}>{f.title}</option>)}
            </select>
            <select aria-label="Filter operator" value={c.op} onChange={(e) => set(i, field ? withOperator(c, field, e.target.value) : { ...c, op: e.target.value })}>
              {ops.map((o) => <option key={o} value={o}>{operatorWords(o, field?.input ?? "text")}</option>)}
            </select>
            {field && <Operand field={field} condition={c} groups={groups} onChange={(next) => set(i, next)} />}
            <button className="link" aria-label="Remove filter" onClick={() => onChange(conditions.filter((_, j) => j !== i))}>✕</button>
          </div>
        );
      })}
      {conditions.length === 0 && <p className="muted">No filters: every item shows.</p>}
      <div className="filter-actions">
        <button className="link" onClick={add}>+ Add filter</button>
        {conditions.length > 0 && <button className="link" onClick={() => onChange([])}>Clear all</button>}
      </div>
    </Popup>
      )}
    </span>
  );
}

/** The value of a condition, entered as its field and operator want it. */
function Operand({ field, condition, groups, onChange: onCondition }: { field: Field; condition: Condition; groups: Group[]; onChange: (c: Condition) => void }) {
  const people = usePeople();
  const onChange = (value: unknown) => onCondition({ ...condition, value });
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
    const parse = (raw: string) => (input === "checkbox" ? raw === "true" : raw);
    const labelOf = (v: unknown) => choices.find((o) => o.value === String(v))?.label ?? String(v);
    // A list: the values picked, each removable, and a picker for one more.
    if (shape === "list") {
      const picked = Array.isArray(value) ? value : [];
      return (
        <>
          {picked.map((v) => (
            <span key={String(v)} className="chip filter-chip">{labelOf(v)}
              <button aria-label={`Remove ${labelOf(v)}`} onClick={() => onCondition(removeChoice(condition, field, v))}>✕</button>
            </span>
          ))}
          <select aria-label="Filter value" value="" onChange={(e) => e.target.value && onCondition(addChoice(condition, field, parse(e.target.value)))}>
            <option value="">{picked.length ? "or…" : ""}</option>
            {choices.filter((o) => !picked.map(String).includes(o.value)).map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </select>
        </>
      );
    }
    // One value; "is" and "is not" take more where the field allows ("is any of").
    const wider = (condition.op === "eq" && field.operators.includes("any_of")) || (condition.op === "neq" && field.operators.includes("none_of"));
    const has = value !== undefined && value !== null && value !== "";
    return (
      <>
        <select aria-label="Filter value" value={has ? String(value) : ""} onChange={(e) => onChange(e.target.value === "" ? undefined : parse(e.target.value))}>
          <option value="" />
          {choices.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
        </select>
        {wider && has && input !== "checkbox" && (
          <select aria-label="Add another value" value="" onChange={(e) => e.target.value && onCondition(addChoice(condition, field, parse(e.target.value)))}>
            <option value="">or…</option>
            {choices.filter((o) => o.value !== String(value)).map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </select>
        )}
      </>
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
      return PERIODS;
    case "checkbox":
      return [{ value: "true", label: "checked" }, { value: "false", label: "unchecked" }];
    default:
      return null;
  }
}
