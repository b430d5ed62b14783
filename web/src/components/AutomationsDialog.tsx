// The board's automations, from the board menu: each recipe read as its sentence with an
// on/off switch, its state (a paused recipe says why) and its run history (the triggering
// change, the conditions, each action with its output or error); a gallery of common recipes
// and a sentence builder with pickers for columns, labels, people and groups. Changing recipes
// needs the board's edit_all permission; others see them read-only.
import { useCallback, useEffect, useState } from "react";
import { api, messageOf, ok } from "../api/client";
import type { Action, Automation, AutomationRun, Board, Column, Trigger } from "../api/types";
import { usePeople } from "../state/people";
import {
  ACTION_TYPES,
  ACTION_WORDS,
  blankAction,
  GALLERY,
  sentence,
  TRIGGER_TYPES,
  TRIGGER_WORDS,
  shapeOf,
  type ActionType,
  type BoardShape,
  type Names,
  type TriggerType,
} from "../state/automations";
import { Dialog } from "./Dialog";
import { FilterBuilder, type Condition } from "./FilterBuilder";
import { filterOf, rowsOf, type Match } from "../state/filterQuery";

type Props = { board: Board; onClose: () => void };

export function AutomationsDialog({ board: loaded, onClose }: Props) {
  const board = shapeOf(loaded);
  const people = usePeople();
  const [recipes, setRecipes] = useState<Automation[]>([]);
  const [error, setError] = useState("");
  const [building, setBuilding] = useState<Recipe | null>(null);
  const [runsOf, setRunsOf] = useState<string | null>(null);
  const canEdit = board.permission === "owner" || board.permission === "edit_all";
  const names: Names = { board, person: (id) => people.find((p) => p.id === id)?.name ?? "someone" };
  const load = useCallback(() => {
    ok(api.GET("/api/v1/boards/{id}/automations", { params: { path: { id: board.id } } })).then((p) => setRecipes(p.data), (e) => setError(messageOf(e)));
  }, [board.id]);
  useEffect(load, [load]);
  const done = (p: Promise<unknown>) => p.then(() => { setError(""); load(); }, (e) => setError(messageOf(e)));
  const toggle = (a: Automation) =>
    done(ok(api.PATCH("/api/v1/automations/{id}", { params: { path: { id: a.id } }, body: { enabled: a.state !== "active", expected_version: a.version } })));
  const remove = (a: Automation) => done(ok(api.DELETE("/api/v1/automations/{id}", { params: { path: { id: a.id } } })));
  const save = (r: Recipe) =>
    done(ok(api.POST("/api/v1/boards/{id}/automations", { params: { path: { id: board.id } }, body: { name: Array.from(sentence(r, names)).slice(0, 100).join(""), ...r } })).then(() => setBuilding(null)));
  return (
    <Dialog title="Automations" onClose={onClose}>
      <ul className="automations">
        {recipes.length === 0 && <li className="muted">No automations on this board yet.</li>}
        {recipes.map((a) => (
          <li key={a.id} data-automation={a.name}>
            <div className="automation-row">
              <label className="switch">
                <input type="checkbox" role="switch" aria-label={`${a.name} on`} checked={a.state === "active"} disabled={!canEdit} onChange={() => toggle(a)} />
              </label>
              <span className="sentence">{sentence(a, names)}</span>
              <span className={`badge state-${a.state}`}>{a.state}</span>
              <button className="link" aria-label={`Runs of ${a.name}`} onClick={() => setRunsOf(runsOf === a.id ? null : a.id)}>Runs</button>
              {canEdit && <button className="link" aria-label={`Delete ${a.name}`} onClick={() => remove(a)}>✕</button>}
            </div>
            {a.paused_reason && <div className="muted" role="note">{a.paused_reason}</div>}
            {runsOf === a.id && <Runs automation={a} names={names} />}
          </li>
        ))}
      </ul>
      {canEdit && !building && (
        <div className="automation-gallery">
          <strong>Add an automation</strong>
          {GALLERY.map((g) => {
            const recipe = g.make(board);
            return recipe && <button key={g.title} className="link gallery-entry" onClick={() => setBuilding(recipe)}>{g.title}</button>;
          })}
          <button className="primary" onClick={() => setBuilding({ trigger: { type: "item_created" }, actions: [] })}>Build your own</button>
        </div>
      )}
      {building && <Builder board={board} names={names} recipe={building} onChange={setBuilding} onSave={() => save(building)} onCancel={() => setBuilding(null)} />}
      {error && <div className="error" role="alert">{error}</div>}
      <div className="dialog-actions">
        <button className="link" onClick={onClose}>Done</button>
      </div>
    </Dialog>
  );
}

function Runs({ automation, names }: { automation: Automation; names: Names }) {
  const [runs, setRuns] = useState<AutomationRun[] | null>(null);
  useEffect(() => {
    ok(api.GET("/api/v1/automations/{id}/runs", { params: { path: { id: automation.id }, query: { limit: 20 } } })).then((p) => setRuns(p.data), () => setRuns([]));
  }, [automation.id]);
  if (!runs) return <div className="muted">Loading runs…</div>;
  if (runs.length === 0) return <div className="muted">No runs yet.</div>;
  return (
    <ol className="runs" aria-label={`Runs of ${automation.name}`}>
      {runs.map((r) => (
        <li key={r.id} data-run-status={r.status}>
          <span className={`badge run-${r.status}`}>{r.status.replace(/_/g, " ")}</span> {new Date(r.started_at).toLocaleString()} · {r.trigger_kind.replace(/_/g, " ")} by {names.person(r.triggered_by)} · {r.duration_ms} ms
          {r.reason && <div className="muted">{r.reason}</div>}
          <ul>
            {r.steps.map((s, i) => (
              <li key={i}>
                {s.action.type.replace(/_/g, " ")}: {s.status}
                {s.error && <span className="error"> — {s.error.message}</span>}
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ol>
  );
}

type Recipe = { trigger: Trigger; actions: Action[]; conditions?: Record<string, unknown> | null };

function ColumnPicker({ label, columns, value, onChange }: { label: string; columns: Column[]; value: string | null | undefined; onChange: (id: string) => void }) {
  return (
    <select aria-label={label} value={value ?? ""} onChange={(e) => onChange(e.target.value)}>
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

function Builder({ board, names, recipe, onChange, onSave, onCancel }: { board: BoardShape; names: Names; recipe: Recipe; onChange: (r: Recipe) => void; onSave: () => void; onCancel: () => void }) {
  const people = usePeople();
  // Conditions: the board's filter builder, kept as rows here and sent as the filter JSON.
  const [rows, setRows] = useState(() => rowsOf(recipe.conditions));
  const setConditions = (conditions: Condition[], match: Match) => {
    setRows({ conditions, match });
    onChange({ ...recipe, conditions: filterOf(conditions, match, "") });
  };
  const t = recipe.trigger;
  const setTrigger = (type: TriggerType) => {
    const status = board.columns.find((c) => c.type === "status") ?? board.columns[0];
    const next: Trigger =
      type === "column_changed" ? { type, column_id: status?.id } : type === "item_moved" ? { type, group_id: board.groups[0]?.id } : ({ type } as Trigger);
    onChange({ ...recipe, trigger: next });
  };
  const setAction = (i: number, a: Action) => onChange({ ...recipe, actions: recipe.actions.map((x, j) => (j === i ? a : x)) });
  const addAction = (type: ActionType) => {
    const a = blankAction(type, board);
    if (a) onChange({ ...recipe, actions: [...recipe.actions, a] });
  };
  const col = (id: string | null | undefined) => board.columns.find((c) => c.id === id);
  const ofType = (...types: Column["type"][]) => board.columns.filter((c) => types.includes(c.type));
  return (
    <div className="automation-builder" role="group" aria-label="Automation builder">
      <div className="builder-line">
        <span>When</span>
        <select aria-label="Trigger" value={t.type} onChange={(e) => setTrigger(e.target.value as TriggerType)}>
          {TRIGGER_TYPES.map((x) => <option key={x} value={x}>{TRIGGER_WORDS[x]}</option>)}
        </select>
        {t.type === "column_changed" && (
          <>
            <ColumnPicker label="Trigger column" columns={board.columns} value={t.column_id} onChange={(id) => onChange({ ...recipe, trigger: { type: "column_changed", column_id: id } })} />
            <span>changes to</span>
            <ValuePicker label="Changes to" column={col(t.column_id)} value={t.to} onChange={(v) => onChange({ ...recipe, trigger: { ...t, to: v } })} />
          </>
        )}
        {t.type === "item_moved" && (
          <select aria-label="Trigger group" value={t.group_id ?? ""} onChange={(e) => onChange({ ...recipe, trigger: { type: "item_moved", group_id: e.target.value || null } })}>
            <option value="">any group</option>
            {board.groups.map((g) => <option key={g.id} value={g.id}>{g.title}</option>)}
          </select>
        )}
      </div>
      <div className="builder-line">
        <span>only if</span>
        <FilterBuilder columns={board.columns} groups={board.groups} conditions={rows.conditions} onChange={(c) => setConditions(c, rows.match)}
          match={rows.match} onMatch={(m) => setConditions(rows.conditions, m)} />
        <span className="muted">{recipe.conditions ? "the item matches the filter" : "always"}</span>
      </div>
      {recipe.actions.map((a, i) => (
        <div className="builder-line" key={i} data-action={a.type}>
          <span>{i === 0 ? "then" : "and"} {ACTION_WORDS[a.type]}</span>
          {"column_id" in a && (
            <ColumnPicker label={`Action ${i + 1} column`} columns={a.type === "increment_column" ? ofType("number") : a.type === "push_date" ? ofType("date", "timeline") : a.type.endsWith("_person") ? ofType("people") : board.columns}
              value={a.column_id} onChange={(id) => setAction(i, { ...a, column_id: id } as Action)} />
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
          <button className="link" aria-label={`Remove action ${i + 1}`} onClick={() => onChange({ ...recipe, actions: recipe.actions.filter((_, j) => j !== i) })}>✕</button>
        </div>
      ))}
      <div className="builder-line">
        <select aria-label="Add an action" value="" onChange={(e) => e.target.value && addAction(e.target.value as ActionType)}>
          <option value="">Add an action…</option>
          {ACTION_TYPES.filter((x) => blankAction(x, board)).map((x) => <option key={x} value={x}>{ACTION_WORDS[x]}</option>)}
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
