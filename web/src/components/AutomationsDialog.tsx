// The board's automations, from the board menu: each recipe read as its sentence with an
// on/off switch, its state (a paused recipe says why) and its run history (the triggering
// change, the conditions, each action with its output or error); a gallery of common recipes
// and the sentence builder (AutomationBuilder.tsx). Changing recipes needs the board's edit_all
// permission; others see them read-only.
import { useState } from "react";
import { api, messageOf, ok } from "../api/client";
import type { Action, Automation, AutomationRun, Board, Webhook } from "../api/types";
import { usePeople } from "../state/people";
import { served, useBoardGroups, useServed, useVisibleBoards } from "../state/served";
import { browserZone, GALLERY, sentence, shapeOf, systemActorName, withZone, type Names } from "../state/automations";
import { Builder, type Recipe } from "./AutomationBuilder";
import { Dialog } from "./Dialog";

type Props = { board: Board; onClose: () => void };

/** The other boards recipes move items to. */
const moveTargetsOf = (actions: Action[]) => actions.flatMap((a) => (a.type === "move_to_board" ? [a.board_id] : []));

export function AutomationsDialog({ board: loaded, onClose }: Props) {
  const board = shapeOf(loaded);
  const people = usePeople();
  const [error, setError] = useState("");
  const [building, setBuilding] = useState<Recipe | null>(null);
  const [runsOf, setRunsOf] = useState<string | null>(null);
  const canEdit = board.permission === "owner" || board.permission === "edit_all";
  // The board's webhook subscriptions, for "call a webhook" (only those who may change recipes
  // may list them; others read "a webhook").
  const webhooks: Webhook[] | null = useServed(served.webhooks(board.id), async () => (await ok(api.GET("/api/v1/boards/{id}/webhooks", { params: { path: { id: board.id } } }))).data, canEdit).data;
  // The boards one can see, to move items to.
  const boards = useVisibleBoards();
  const listed = useServed(served.automations(board.id), async () => (await ok(api.GET("/api/v1/boards/{id}/automations", { params: { path: { id: board.id } } }))).data);
  const recipes: Automation[] = listed.data ?? [];
  const zone = browserZone();
  const boardGroups = useBoardGroups([...recipes, ...(building ? [building] : [])].flatMap((r) => moveTargetsOf(r.actions)));
  const names: Names = {
    board,
    person: (id) => systemActorName(id) ?? people.find((p) => p.id === id)?.name ?? "someone",
    webhook: webhooks ? (id) => webhooks.find((w) => w.id === id)?.url : undefined,
    boardName: boards ? (id) => boards.find((b) => b.id === id)?.name : undefined,
    boardGroups,
    zone,
  };
  const done = (p: Promise<unknown>) => p.then(() => { setError(""); listed.reload(); }, (e) => setError(messageOf(e)));
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
            return recipe && <button key={g.title} className="link gallery-entry" onClick={() => setBuilding({ ...recipe, trigger: withZone(recipe.trigger, zone) })}>{g.title}</button>;
          })}
          <button className="primary" onClick={() => setBuilding({ trigger: { type: "item_created" }, actions: [] })}>Build your own</button>
        </div>
      )}
      {building && (
        <Builder board={board} names={names} recipe={building} webhooks={webhooks ?? []} boards={boards ?? []} zone={zone} onChange={setBuilding} onSave={() => save(building)} onCancel={() => setBuilding(null)} />
      )}
      {(error || listed.error) && <div className="error" role="alert">{error || listed.error}</div>}
      <div className="dialog-actions">
        <button className="link" onClick={onClose}>Done</button>
      </div>
    </Dialog>
  );
}

function Runs({ automation, names }: { automation: Automation; names: Names }) {
  const listed = useServed(served.runs(automation.id), async () => (await ok(api.GET("/api/v1/automations/{id}/runs", { params: { path: { id: automation.id }, query: { limit: 20 } } }))).data);
  const runs: AutomationRun[] | null = listed.error ? [] : listed.data;
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
