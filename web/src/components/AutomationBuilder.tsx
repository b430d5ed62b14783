// The automation sentence builder: "When [trigger …] only if [filter], then [action …] and
// [action …]", with pickers for columns, labels, people, groups, webhook subscriptions, the
// boards items move to and their groups, the days, time and time zone of scheduled triggers,
// and the fields of an email. The sentence it makes is shown as it is built.
import { useMemo, useState } from "react";
import type { Action, Board, Column, Period, Trigger, Webhook } from "../api/types";
import { usePeople } from "../state/people";
import {
  ACTION_TYPES,
  ACTION_WORDS,
  blankAction,
  blankTrigger,
  DEFAULT_AT,
  PERIOD_WORDS,
  PERIODS,
  sentence,
  TRIGGER_TYPES,
  TRIGGER_WORDS,
  watchableColumns,
  WEEKDAYS,
  writableColumns,
  type ActionType,
  type BoardShape,
  type Names,
  type TriggerType,
} from "../state/automations";
import { filterOf, rowsOf, type Match } from "../state/filterQuery";
import { moveTargets } from "../state/moves";
import { FilterBuilder, type Condition } from "./FilterBuilder";

export type Recipe = { trigger: Trigger; actions: Action[]; conditions?: Record<string, unknown> | null };

type DateTrigger = Extract<Trigger, { type: "date_arrives" }>;
type EveryTrigger = Extract<Trigger, { type: "every" }>;

function ColumnPicker({ label, columns, value, onChange }: { label: string; columns: Column[]; value: string | null | undefined; onChange: (id: string) => void }) {
  const known = columns.some((c) => c.id === value);
  return (
    <select aria-label={label} value={value ?? ""} onChange={(e) => onChange(e.target.value)}>
      {!known && <option value={value ?? ""}>{value ? "(deleted column)" : "Pick a column…"}</option>}
      {columns.map((c) => <option key={c.id} value={c.id}>{c.title}</option>)}
    </select>
  );
}

function labelsOf(c: Column | undefined): { id: string; name: string }[] {
  return (c?.settings as { labels?: { id: string; name: string }[] } | undefined)?.labels ?? [];
}

/** A value for a column: a label picker for a status column, a text box otherwise. */
function ValuePicker({ label, column, value, onChange }: { label: string; column: Column | undefined; value: unknown; onChange: (v: unknown) => void }) {
  if (column?.type === "status") {
    return (
      <select aria-label={label} value={(value as string) ?? ""} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">any label</option>
        {labelsOf(column).map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
      </select>
    );
  }
  return <input aria-label={label} value={value === null || value === undefined ? "" : String(value)} onChange={(e) => onChange(column?.type === "number" ? Number(e.target.value) : e.target.value)} />;
}

/** The zones the browser knows, with UTC and the ones in use among them. */
let zoneList: string[] | undefined;
function zones(): string[] {
  if (!zoneList) {
    let all: string[] = [];
    try {
      all = Intl.supportedValuesOf("timeZone");
    } catch {
      all = [];
    }
    zoneList = all.includes("UTC") ? all : ["UTC", ...all];
  }
  return zoneList;
}

function ZonePicker({ value, onChange }: { value: string | null | undefined; onChange: (tz: string) => void }) {
  const zone = value || "UTC";
  const list = useMemo(() => (zones().includes(zone) ? zones() : [zone, ...zones()]), [zone]);
  return (
    <select aria-label="Time zone" value={zone} onChange={(e) => onChange(e.target.value)}>
      {list.map((z) => <option key={z} value={z}>{z.replace(/_/g, " ")}</option>)}
    </select>
  );
}

function TimeInput({ value, onChange }: { value: string | null | undefined; onChange: (at: string) => void }) {
  return <input aria-label="Trigger time" type="time" required value={value || DEFAULT_AT} onChange={(e) => onChange(e.target.value || DEFAULT_AT)} />;
}

/** "[Due date] arrives [3] [days before] at [09:00] [Europe/Paris]". */
function DatePicker({ t, columns, onChange }: { t: DateTrigger; columns: Column[]; onChange: (t: DateTrigger) => void }) {
  const offset = t.offset_days ?? 0;
  const dir = offset < 0 ? "before" : offset > 0 ? "after" : "on";
  const days = Math.abs(offset) || 1;
  const sign = (d: string) => (d === "before" ? -1 : d === "after" ? 1 : 0);
  const clamp = (n: number) => Math.max(1, Math.min(3650, Math.round(n) || 1));
  return (
    <>
      <ColumnPicker label="Trigger date column" columns={columns} value={t.column_id} onChange={(id) => onChange({ ...t, column_id: id })} />
      <span>arrives</span>
      {dir !== "on" && <input aria-label="Trigger days" type="number" className="narrow" min={1} max={3650} value={days} onChange={(e) => onChange({ ...t, offset_days: sign(dir) * clamp(Number(e.target.value)) })} />}
      <select aria-label="Trigger before or after" value={dir} onChange={(e) => onChange({ ...t, offset_days: sign(e.target.value) * days })}>
        <option value="on">on the day</option>
        <option value="before">{days === 1 ? "day" : "days"} before</option>
        <option value="after">{days === 1 ? "day" : "days"} after</option>
      </select>
      <span>at</span>
      <TimeInput value={t.at} onChange={(at) => onChange({ ...t, at })} />
      <ZonePicker value={t.tz} onChange={(tz) => onChange({ ...t, tz })} />
    </>
  );
}

/** "every [week] on [Monday] at [09:00] [Europe/Paris]". */
function EveryPicker({ t, onChange }: { t: EveryTrigger; onChange: (t: EveryTrigger) => void }) {
  const setPeriod = (period: Period) => {
    const { weekday: _w, day: _d, ...rest } = t;
    onChange({ ...rest, period, ...(period === "week" ? { weekday: t.weekday ?? 1 } : period === "month" ? { day: t.day ?? 1 } : {}) });
  };
  return (
    <>
      <span>every</span>
      <select aria-label="Trigger period" value={t.period} onChange={(e) => setPeriod(e.target.value as Period)}>
        {PERIODS.map((p) => <option key={p} value={p}>{PERIOD_WORDS[p]}</option>)}
      </select>
      {t.period === "week" && (
        <>
          <span>on</span>
          <select aria-label="Trigger weekday" value={t.weekday ?? 1} onChange={(e) => onChange({ ...t, weekday: Number(e.target.value) })}>
            {WEEKDAYS.map((d, k) => <option key={d} value={k + 1}>{d}</option>)}
          </select>
        </>
      )}
      {t.period === "month" && (
        <>
          <span>on day</span>
          <input aria-label="Trigger day of the month" type="number" className="narrow" min={1} max={31} value={t.day ?? 1}
            onChange={(e) => onChange({ ...t, day: Math.max(1, Math.min(31, Math.round(Number(e.target.value)) || 1)) })} />
        </>
      )}
      <span>at</span>
      <TimeInput value={t.at} onChange={(at) => onChange({ ...t, at })} />
      <ZonePicker value={t.tz} onChange={(tz) => onChange({ ...t, tz })} />
    </>
  );
}

/** Email addresses typed as one line, separated by commas or spaces. */
function AddressInput({ label, value, onChange }: { label: string; value: string[]; onChange: (to: string[]) => void }) {
  const [text, setText] = useState(value.join(", "));
  return (
    <input aria-label={label} type="text" inputMode="email" value={text} placeholder="pm@example.com, …"
      onChange={(e) => {
        setText(e.target.value);
        onChange(e.target.value.split(/[\s,;]+/).filter(Boolean));
      }} />
  );
}

type MoveAction = Extract<Action, { type: "move_to_board" }>;

/** "[board] into [its first group | a group of it]": the groups are the chosen board's, read
 * by the dialog (`names.boardGroups`); changing the board starts again from its first group. */
function MoveTarget({ label, action: a, boards, names, onChange }: {
  label: string; action: MoveAction; boards: Board[]; names: Names; onChange: (a: MoveAction) => void;
}) {
  const groups = names.boardGroups?.(a.board_id);
  const knownGroup = !a.group_id || groups?.some((g) => g.id === a.group_id);
  return (
    <>
      <select aria-label={`${label} board`} value={a.board_id} onChange={(e) => onChange({ type: "move_to_board", board_id: e.target.value })}>
        {!boards.some((b) => b.id === a.board_id) && <option value={a.board_id}>(a board you cannot see)</option>}
        {boards.map((b) => <option key={b.id} value={b.id}>{b.name}</option>)}
      </select>
      <span>into</span>
      <select aria-label={`${label} group`} value={a.group_id ?? ""} onChange={(e) => onChange({ ...a, group_id: e.target.value || null })}>
        <option value="">its first group</option>
        {!knownGroup && <option value={a.group_id ?? ""}>{groups ? "(deleted group)" : "(a group of that board)"}</option>}
        {(groups ?? []).map((g) => <option key={g.id} value={g.id}>{g.title}</option>)}
      </select>
    </>
  );
}

/** `webhooks`: the board's subscriptions; `boards`: those one can see (items can move to the
 * organization's others). */
export function Builder({ board, names, recipe, webhooks, boards, zone, onChange, onSave, onCancel }: {
  board: BoardShape; names: Names; recipe: Recipe; webhooks: Webhook[]; boards: Board[]; zone: string; onChange: (r: Recipe) => void; onSave: () => void; onCancel: () => void;
}) {
  const people = usePeople();
  const targets = moveTargets(boards, board);
  // Conditions: the board's filter builder, kept as rows here and sent as the filter JSON.
  const [rows, setRows] = useState(() => rowsOf(recipe.conditions));
  const setConditions = (conditions: Condition[], match: Match) => {
    setRows({ conditions, match });
    onChange({ ...recipe, conditions: filterOf(conditions, match, "") });
  };
  const t = recipe.trigger;
  const trigger = (next: Trigger) => onChange({ ...recipe, trigger: next });
  const setTrigger = (type: TriggerType) => {
    const next = blankTrigger(type, board, zone);
    if (next) trigger(next);
  };
  const setAction = (i: number, a: Action) => onChange({ ...recipe, actions: recipe.actions.map((x, j) => (j === i ? a : x)) });
  const addAction = (type: ActionType) => {
    const a = blankAction(type, board, { webhooks, boards: targets });
    if (a) onChange({ ...recipe, actions: [...recipe.actions, a] });
  };
  const col = (id: string | null | undefined) => board.columns.find((c) => c.id === id);
  const ofType = (...types: Column["type"][]) => board.columns.filter((c) => types.includes(c.type));
  const actionColumns = (a: Action) =>
    a.type === "increment_column" ? ofType("number")
    : a.type === "push_date" ? ofType("date", "timeline")
    : a.type.endsWith("_person") ? ofType("people")
    : writableColumns(board);
  return (
    <div className="automation-builder" role="group" aria-label="Automation builder">
      <div className="builder-line">
        <span>{t.type === "every" ? "Run" : "When"}</span>
        <select aria-label="Trigger" value={t.type} onChange={(e) => setTrigger(e.target.value as TriggerType)}>
          {TRIGGER_TYPES.filter((x) => x === t.type || blankTrigger(x, board, zone)).map((x) => <option key={x} value={x}>{TRIGGER_WORDS[x]}</option>)}
        </select>
        {t.type === "column_changed" && (
          <>
            <ColumnPicker label="Trigger column" columns={watchableColumns(board)} value={t.column_id} onChange={(id) => trigger({ type: "column_changed", column_id: id })} />
            <span>changes to</span>
            <ValuePicker label="Changes to" column={col(t.column_id)} value={t.to} onChange={(v) => trigger({ ...t, to: v })} />
          </>
        )}
        {t.type === "item_moved" && (
          <select aria-label="Trigger group" value={t.group_id ?? ""} onChange={(e) => trigger({ type: "item_moved", group_id: e.target.value || null })}>
            <option value="">any group</option>
            {board.groups.map((g) => <option key={g.id} value={g.id}>{g.title}</option>)}
          </select>
        )}
        {t.type === "date_arrives" && <DatePicker t={t} columns={ofType("date", "timeline")} onChange={trigger} />}
        {t.type === "every" && <EveryPicker t={t} onChange={trigger} />}
        {t.type === "button_clicked" && (
          <>
            <ColumnPicker label="Trigger button" columns={ofType("button")} value={t.column_id} onChange={(id) => trigger({ type: "button_clicked", column_id: id })} />
            <span>is clicked</span>
          </>
        )}
        {t.type === "webhook_received" && <span className="muted">(an item created or changed through the board's inbound webhook)</span>}
      </div>
      <div className="builder-line">
        <span>{t.type === "every" ? "for each item, only if" : "only if"}</span>
        <FilterBuilder columns={board.columns} groups={board.groups} conditions={rows.conditions} onChange={(c) => setConditions(c, rows.match)}
          match={rows.match} onMatch={(m) => setConditions(rows.conditions, m)} />
        <span className="muted">{recipe.conditions ? "the item matches the filter" : t.type === "every" ? "every item" : "always"}</span>
      </div>
      {recipe.actions.map((a, i) => (
        <div className="builder-line" key={i} data-action={a.type}>
          <span>{i === 0 ? "then" : "and"} {ACTION_WORDS[a.type]}</span>
          {"column_id" in a && (
            <ColumnPicker label={`Action ${i + 1} column`} columns={actionColumns(a)} value={a.column_id} onChange={(id) => setAction(i, { ...a, column_id: id } as Action)} />
          )}
          {a.type === "set_column" && <ValuePicker label={`Action ${i + 1} value`} column={col(a.column_id)} value={a.value} onChange={(v) => setAction(i, { ...a, value: v })} />}
          {a.type === "increment_column" && <input aria-label={`Action ${i + 1} by`} type="number" value={a.by} onChange={(e) => setAction(i, { ...a, by: Number(e.target.value) })} />}
          {a.type === "push_date" && <input aria-label={`Action ${i + 1} days`} type="number" value={a.days} onChange={(e) => setAction(i, { ...a, days: Number(e.target.value) })} />}
          {a.type === "move_to_group" && (
            <select aria-label={`Action ${i + 1} group`} value={a.group_id} onChange={(e) => setAction(i, { ...a, group_id: e.target.value })}>
              {board.groups.map((g) => <option key={g.id} value={g.id}>{g.title}</option>)}
            </select>
          )}
          {a.type === "assign_person" && (
            <select aria-label={`Action ${i + 1} person`} value={(a.person as string) ?? "triggering_user"} onChange={(e) => setAction(i, { ...a, person: e.target.value })}>
              <option value="triggering_user">the person who triggered it</option>
              {people.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
            </select>
          )}
          {a.type === "notify" && (
            <select aria-label={`Action ${i + 1} who`} value={a.people_column_id ?? "triggering_user"}
              onChange={(e) => setAction(i, e.target.value === "triggering_user" ? { type: "notify", users: ["triggering_user"], text: a.text } : { type: "notify", people_column_id: e.target.value, text: a.text })}>
              {ofType("people").map((c) => <option key={c.id} value={c.id}>{c.title}</option>)}
              <option value="triggering_user">the person who triggered it</option>
            </select>
          )}
          {(a.type === "notify" || a.type === "post_update") && <input aria-label={`Action ${i + 1} text`} value={a.text} placeholder="Text; {item.name} is the item's name" onChange={(e) => setAction(i, { ...a, text: e.target.value })} />}
          {(a.type === "create_item" || a.type === "create_subitem") && <input aria-label={`Action ${i + 1} name`} value={a.name} onChange={(e) => setAction(i, { ...a, name: e.target.value })} />}
          {a.type === "create_item" && (
            <label>
              <input type="checkbox" aria-label={`Action ${i + 1} copy values`} checked={!!a.copy_values} onChange={(e) => setAction(i, { ...a, copy_values: e.target.checked || undefined })} /> copying its values
            </label>
          )}
          {a.type === "call_webhook" && (
            <select aria-label={`Action ${i + 1} webhook`} value={a.webhook_id} onChange={(e) => setAction(i, { ...a, webhook_id: e.target.value })}>
              {!webhooks.some((w) => w.id === a.webhook_id) && <option value={a.webhook_id}>(deleted webhook)</option>}
              {webhooks.map((w) => <option key={w.id} value={w.id}>{w.url}</option>)}
            </select>
          )}
          {a.type === "move_to_board" && <MoveTarget label={`Action ${i + 1}`} action={a} boards={targets} names={names} onChange={(next) => setAction(i, next)} />}
          {a.type === "send_email" && (
            <span className="builder-email">
              <span>to</span>
              <AddressInput label={`Action ${i + 1} to`} value={a.to ?? []} onChange={(to) => setAction(i, { ...a, to })} />
              <span>and</span>
              <select aria-label={`Action ${i + 1} people`} value={a.people_column_id ?? ""} onChange={(e) => setAction(i, { ...a, people_column_id: e.target.value || null })}>
                <option value="">no one else</option>
                {ofType("people").map((c) => <option key={c.id} value={c.id}>the people in {c.title}</option>)}
              </select>
              <span>subject</span>
              <input aria-label={`Action ${i + 1} subject`} value={a.subject} placeholder="Subject; {item.name} is the item's name" onChange={(e) => setAction(i, { ...a, subject: e.target.value })} />
              <textarea aria-label={`Action ${i + 1} text`} value={a.text} placeholder="Message; {column:<id>} is a cell" onChange={(e) => setAction(i, { ...a, text: e.target.value })} />
            </span>
          )}
          <button className="link" aria-label={`Remove action ${i + 1}`} onClick={() => onChange({ ...recipe, actions: recipe.actions.filter((_, j) => j !== i) })}>✕</button>
        </div>
      ))}
      <div className="builder-line">
        <select aria-label="Add an action" value="" onChange={(e) => e.target.value && addAction(e.target.value as ActionType)}>
          <option value="">Add an action…</option>
          {ACTION_TYPES.filter((x) => blankAction(x, board, { webhooks, boards: targets })).map((x) => <option key={x} value={x}>{ACTION_WORDS[x]}</option>)}
        </select>
      </div>
      <p className="sentence-preview" aria-label="Sentence">{sentence(recipe, names)}</p>
      <div className="dialog-actions">
        <button className="link" onClick={onCancel}>Cancel</button>
        <button className="primary" disabled={recipe.actions.length === 0} onClick={onSave}>Save automation</button>
      </div>
    </div>
  );
}
