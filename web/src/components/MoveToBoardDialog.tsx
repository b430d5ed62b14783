// "Move to board…" from the item panel: the boards of the item's organization it can go to
// (not this one, not subitem boards, not those one may only view), by workspace, and a group of
// the chosen board (its first unless another is picked). The move is the server's: the item
// keeps its id, updates and history, and its cells follow into the columns of the same type and
// title there. A refusal (an item with subitems, a board one may not edit) is shown as the
// server words it, and the dialog stays open.
import { useState } from "react";
import { api, messageOf, ok } from "../api/client";
import type { Board, Item, Workspace } from "../api/types";
import { moveTargets } from "../state/moves";
import { readBoard, served, useServed } from "../state/served";
import { Dialog } from "./Dialog";

type Choices = { workspace: Workspace; boards: Board[] }[];

/** The boards of organization `org` one can see, by workspace. */
async function boardsOf(org: string): Promise<Choices> {
  const ws = await ok(api.GET("/api/v1/workspaces", { params: { query: { org_id: org } } }));
  const page = (w: Workspace) => ok(api.GET("/api/v1/boards", { params: { query: { workspace_id: w.id, limit: 500 } } }));
  return Promise.all(ws.data.map(async (workspace) => ({ workspace, boards: (await page(workspace)).data })));
}

/** `onMoved` gets the item as it now is and the board it went to. */
export function MoveToBoardDialog({ item, board, onMoved, onClose }: {
  item: Item; board: Pick<Board, "id" | "org_id">; onMoved: (item: Item, to: Board) => void; onClose: () => void;
}) {
  const { id: from, org_id: org } = board;
  const all = useServed(served.boardsByWorkspace(org), () => boardsOf(org));
  const choices: Choices | null =
    all.data && all.data.map((w) => ({ ...w, boards: moveTargets(w.boards, { id: from, org_id: org }) })).filter((w) => w.boards.length > 0);
  const [picked, setPicked] = useState("");
  const target = picked || choices?.[0]?.boards[0]?.id || "";
  /** The chosen board as it is read alone: with its groups and what the user may do there. */
  const read = useServed(served.board(target), () => readBoard(target), !!target);
  const chosen: Board | null = read.data;
  const [group, setGroup] = useState("");
  const [failed, setError] = useState("");
  const error = failed || all.error || read.error;
  const [busy, setBusy] = useState(false);
  const viewOnly = chosen?.permission === "view";

  async function move() {
    if (!chosen || viewOnly || busy) return;
    setBusy(true);
    setError("");
    try {
      const moved = await ok(api.POST("/api/v1/items/{id}/move-to-board", { params: { path: { id: item.id } }, body: { board_id: chosen.id, group_id: group || null } }));
      onMoved(moved, chosen);
    } catch (e) {
      setError(messageOf(e));
      setBusy(false);
    }
  }

  return (
    <Dialog title="Move to board" onClose={onClose}>
      <form onSubmit={(e) => { e.preventDefault(); move(); }}>
        <p className="muted">“{item.name}” keeps its updates and history; its cells go to the columns of the same type and title there.</p>
        {!choices ? (
          !error && <p className="muted">Loading boards…</p>
        ) : choices.length === 0 ? (
          <p className="muted">There is no other board you can move it to.</p>
        ) : (
          <>
            <label className="field">Board
              <select aria-label="Board" autoFocus value={target} onChange={(e) => { setPicked(e.target.value); setGroup(""); setError(""); }}>
                {choices.map((w) => (
                  <optgroup key={w.workspace.id} label={w.workspace.name}>
                    {w.boards.map((b) => <option key={b.id} value={b.id}>{b.name}</option>)}
                  </optgroup>
                ))}
              </select>
            </label>
            <label className="field">Group
              <select aria-label="Group" value={group || chosen?.groups?.[0]?.id || ""} disabled={!chosen?.groups?.length} onChange={(e) => setGroup(e.target.value)}>
                {!chosen && <option value="">Loading groups…</option>}
                {(chosen?.groups ?? []).map((g) => <option key={g.id} value={g.id}>{g.title}</option>)}
              </select>
            </label>
            {viewOnly && <p className="muted">You can only view {chosen.name}: items cannot move there.</p>}
          </>
        )}
        {error && <div className="error" role="alert">{error}</div>}
        <div className="dialog-actions">
          <button type="button" className="link" onClick={onClose}>Cancel</button>
          {/* Not disabled while the move is on its way: the button keeps the focus (and Escape). */}
          <button className="primary" disabled={!chosen || viewOnly}>Move</button>
        </div>
      </form>
    </Dialog>
  );
}
