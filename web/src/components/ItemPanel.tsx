// The item panel: slides in from the right with the item's updates (with @mentions and
// replies) and its activity log.
import { useEffect, useRef, useState } from "react";
import { ApiError, get, patch, post } from "../api/client";
import { Cell } from "./Cell";
import { Formatting, RichText } from "./RichText";
import type { Board, BoardEvent, Item, Me, Member, Update } from "../api/types";

export function ItemPanel({ itemId, board, me, onClose }: { itemId: string; board: Board; me: Me; onClose: () => void }) {
  const [item, setItem] = useState<Item | null>(null);
  const [updates, setUpdates] = useState<Update[]>([]);
  const [activity, setActivity] = useState<BoardEvent[]>([]);
  const [members, setMembers] = useState<Member[]>([]);
  const [tab, setTab] = useState<"updates" | "activity">("updates");
  const [body, setBody] = useState("");
  const [error, setError] = useState("");
  const [replyTo, setReplyTo] = useState<string | null>(null);
  const [reply, setReply] = useState("");
  const editor = useRef<HTMLTextAreaElement>(null);
  const load = () => {
    get<Item>(`/items/${itemId}`).then(setItem);
    get<Update[]>(`/items/${itemId}/updates`).then(setUpdates);
    get<{ data: BoardEvent[] }>(`/items/${itemId}/activity`).then((a) => setActivity(a.data));
  };
  useEffect(load, [itemId]);
  useEffect(() => {
    get<{ data: Member[] }>(`/orgs/${board.org_id}/members?limit=500`).then((m) => setMembers(m.data)).catch(() => undefined);
  }, [board.org_id]);
  const nameOf = (id: string) => members.find((m) => m.user.id === id)?.user.name ?? (id === me.user.id ? me.user.name : id.slice(0, 8));
  const mentionQuery = /@(\w*)$/.exec(body)?.[1];
  const suggestions = mentionQuery !== undefined ? members.filter((m) => m.user.name.toLowerCase().startsWith(mentionQuery.toLowerCase())).slice(0, 5) : [];

  async function save(column: string, value: unknown) {
    try {
      setItem(await patch<Item>(`/items/${itemId}`, { values: { [column]: value } }));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }

  async function send(parent?: string) {
    try {
      await post(parent ? `/updates/${parent}/replies` : `/items/${itemId}/updates`, { body: parent ? reply : body });
      if (parent) {
        setReply("");
        setReplyTo(null);
      } else setBody("");
      load();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }

  return (
    <aside className="panel" role="dialog" aria-label="Item">
      <button className="close" onClick={onClose} aria-label="Close">✕</button>
      <h2>{item?.name}</h2>
      {item && (
        <table className="panel-values">
          <tbody>
            {(board.columns ?? []).map((c) => (
              <tr key={c.id}>
                <th>{c.title}</th>
                <Cell col={c} item={item} meId={me.user.id} onSave={(v) => save(c.id, v)} onEditing={() => undefined} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="tabs">
        <button className={tab === "updates" ? "active" : ""} onClick={() => setTab("updates")}>Updates</button>
        <button className={tab === "activity" ? "active" : ""} onClick={() => setTab("activity")}>Activity log</button>
      </div>
      {tab === "updates" ? (
        <>
          <Formatting value={body} onChange={setBody} target={() => editor.current} />
          <textarea ref={editor} aria-label="Write an update" placeholder="Write an update… type @ to mention" value={body} onChange={(e) => setBody(e.target.value)} />
          {suggestions.length > 0 && (
            <div className="mentions">
              {suggestions.map((m) => (
                <button key={m.user.id} onClick={() => setBody(body.replace(/@\w*$/, `@[${m.user.id}] `))}>@{m.user.name}</button>
              ))}
            </div>
          )}
          {error && <div className="error">{error}</div>}
          <button className="primary" disabled={!body.trim()} onClick={() => send()}>Update</button>
          {updates.map((u) => (
            <div key={u.id} className="update">
              <div className="meta"><strong>{nameOf(u.author)}</strong> · {new Date(u.created_at).toLocaleString()}</div>
              <div className="body"><RichText text={u.body} nameOf={nameOf} /></div>
              {(u.replies ?? []).map((r) => (
                <div key={r.id} className="reply"><strong>{nameOf(r.author)}</strong> <RichText text={r.body} nameOf={nameOf} /></div>
              ))}
              {replyTo === u.id ? (
                <div className="reply-box">
                  <textarea aria-label="Write a reply" value={reply} onChange={(e) => setReply(e.target.value)} />
                  <button className="primary" disabled={!reply.trim()} onClick={() => send(u.id)}>Reply</button>
                </div>
              ) : (
                <button className="link" onClick={() => setReplyTo(u.id)}>Reply</button>
              )}
            </div>
          ))}
        </>
      ) : (
        <ul className="activity">
          {activity.map((e) => (
            <li key={e.seq}><strong>{nameOf(e.actor)}</strong> {e.kind.replace(/_/g, " ")} · {new Date(e.created_at).toLocaleString()}</li>
          ))}
        </ul>
      )}
    </aside>
  );
}
