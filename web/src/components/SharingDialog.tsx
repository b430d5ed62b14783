// Sharing and permissions, from the board menu: who can see the board (everyone in the
// organization, its members only, or its members and guests), what everyone else may do on a
// public board, and each member's own permission; people of the organization are added with
// one. Changing any of it is for the board's owners; others see it read-only.
import { useState } from "react";
import { api, messageOf, ok } from "../api/client";
import type { Board, BoardKind, BoardMember, BoardPermission } from "../api/types";
import { usePeople } from "../state/people";
import { served, useServed } from "../state/served";
import { KIND_WORDS, KINDS, PERMISSION_WORDS, PERMISSIONS } from "../state/sharing";
import { Avatar } from "./Avatar";
import { Dialog } from "./Dialog";

export function SharingDialog({ board, meId, onChanged, onClose }: { board: Board; meId: string; onChanged: () => void; onClose: () => void }) {
  const people = usePeople();
  const [adding, setAdding] = useState("");
  const [addAs, setAddAs] = useState<BoardPermission>("edit_content");
  const [error, setError] = useState("");
  const owner = board.permission === "owner";
  const path = { params: { path: { id: board.id } } };
  const listed = useServed(served.members(board.id), async () => (await ok(api.GET("/api/v1/boards/{id}/members", path))).data);
  const members: BoardMember[] = listed.data ?? [];
  const done = (p: Promise<unknown>) => p.then(() => { setError(""); listed.reload(); onChanged(); }, (e) => setError(messageOf(e)));
  const setMember = (user: string, permission: BoardPermission) =>
    done(ok(api.PUT("/api/v1/boards/{id}/members/{user_id}", { params: { path: { id: board.id, user_id: user } }, body: { permission } })));
  const removeMember = (user: string) => done(ok(api.DELETE("/api/v1/boards/{id}/members/{user_id}", { params: { path: { id: board.id, user_id: user } } })));
  const patch = (body: { kind?: BoardKind; default_permission?: BoardPermission }) => done(ok(api.PATCH("/api/v1/boards/{id}", { ...path, body })));
  const nameOf = (id: string) => people.find((p) => p.id === id)?.name ?? (id === meId ? "Me" : "Someone");
  const others = people.filter((p) => !members.some((m) => m.user_id === p.id));
  return (
    <Dialog title="Sharing and permissions" onClose={onClose}>
      <label className="field">Who can see this board
        <select aria-label="Who can see this board" value={board.kind} disabled={!owner} onChange={(e) => patch({ kind: e.target.value as BoardKind })}>
          {KINDS.map((k) => <option key={k} value={k}>{KIND_WORDS[k]}</option>)}
        </select>
      </label>
      {board.kind === "public" && (
        <label className="field">Everyone else in the organization
          <select aria-label="Everyone else" value={board.default_permission} disabled={!owner} onChange={(e) => patch({ default_permission: e.target.value as BoardPermission })}>
            {PERMISSIONS.filter((p) => p !== "owner").map((p) => <option key={p} value={p}>{PERMISSION_WORDS[p]}</option>)}
          </select>
        </label>
      )}
      <div className="field">Members
        <ul className="sharing">
          {members.map((m) => (
            <li key={m.user_id} data-member={nameOf(m.user_id)}>
              <Avatar small decorative id={m.user_id} name={nameOf(m.user_id)} /> <span className="who">{nameOf(m.user_id)}</span>
              <select aria-label={`Permission of ${nameOf(m.user_id)}`} value={m.permission} disabled={!owner} onChange={(e) => setMember(m.user_id, e.target.value as BoardPermission)}>
                {PERMISSIONS.map((p) => <option key={p} value={p}>{PERMISSION_WORDS[p]}</option>)}
              </select>
              {owner && m.user_id !== meId && <button className="link" aria-label={`Remove ${nameOf(m.user_id)}`} onClick={() => removeMember(m.user_id)}>✕</button>}
            </li>
          ))}
        </ul>
      </div>
      {owner && others.length > 0 && (
        <div className="sharing-add">
          <select aria-label="Add a person" value={adding} onChange={(e) => setAdding(e.target.value)}>
            <option value="">Add a person…</option>
            {others.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
          <select aria-label="New member's permission" value={addAs} onChange={(e) => setAddAs(e.target.value as BoardPermission)}>
            {PERMISSIONS.map((p) => <option key={p} value={p}>{PERMISSION_WORDS[p]}</option>)}
          </select>
          <button className="primary" disabled={!adding} onClick={() => { setMember(adding, addAs); setAdding(""); }}>Add</button>
        </div>
      )}
      {(error || listed.error) && <div className="error" role="alert">{error || listed.error}</div>}
      <div className="dialog-actions">
        <button className="link" onClick={onClose}>Done</button>
      </div>
    </Dialog>
  );
}
