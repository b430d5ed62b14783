// The inbox: notifications grouped by item, unread first-class (a filter, a count, "mark read"
// per item or all), and a reply written here posted as an update on the item.
import { formatDistanceToNow, parseISO } from "date-fns";
import { useState } from "react";
import { api, messageOf, ok } from "../api/client";
import type { Notification } from "../api/types";
import { grouped, type InboxGroup } from "../state/inbox";

function Group({ g, onRead, onOpen }: { g: InboxGroup; onRead: (ids: string[]) => void; onOpen: (n: Notification) => void }) {
  const [replying, setReplying] = useState(false);
  const [text, setText] = useState("");
  const [sent, setSent] = useState("");
  const [error, setError] = useState("");
  const latest = g.notes[0];
  async function reply(e: React.FormEvent) {
    e.preventDefault();
    if (!g.item_id || !text.trim()) return;
    try {
      await ok(api.POST("/api/v1/items/{id}/updates", { params: { path: { id: g.item_id } }, body: { body: text.trim(), files: [] } }));
      setSent("Reply posted on the item.");
      setText("");
      setReplying(false);
      onRead(g.notes.filter((n) => !n.read_at).map((n) => n.id));
    } catch (err) {
      setError(messageOf(err));
    }
  }
  return (
    <li className={"inbox-group" + (g.unread ? " unread" : "")} data-key={g.key}>
      <div className="inbox-head">
        <button className="link inbox-open" onClick={() => onOpen(latest)}>{latest.text}</button>
        {g.unread > 0 && <span className="badge" aria-label={`${g.unread} unread`}>{g.unread}</span>}
        <span className="muted">{formatDistanceToNow(parseISO(latest.created_at), { addSuffix: true })}</span>
      </div>
      {g.notes.length > 1 && (
        <ul className="inbox-notes">
          {g.notes.slice(1).map((n) => <li key={n.id} className={n.read_at ? "muted" : undefined}>{n.text}</li>)}
        </ul>
      )}
      <div className="inbox-actions">
        {g.unread > 0 && <button className="link" onClick={() => onRead(g.notes.filter((n) => !n.read_at).map((n) => n.id))}>Mark read</button>}
        {g.item_id && !replying && <button className="link" onClick={() => setReplying(true)}>Reply</button>}
        {sent && <span className="muted" role="status">{sent}</span>}
      </div>
      {replying && (
        <form className="inbox-reply" onSubmit={reply}>
          <textarea aria-label="Reply" rows={2} value={text} autoFocus onChange={(e) => setText(e.target.value)} />
          <button className="primary" type="submit" disabled={!text.trim()}>Post reply</button>
          <button type="button" className="link" onClick={() => setReplying(false)}>Cancel</button>
        </form>
      )}
      {error && <div className="error banner" role="alert">{error}</div>}
    </li>
  );
}

export function Inbox({ notifications, onMore, onRead, onOpen }: {
  notifications: Notification[]; onMore?: () => void; onRead: (ids: string[] | null) => void; onOpen: (n: Notification) => void;
}) {
  const [unreadOnly, setUnreadOnly] = useState(false);
  const groups = grouped(notifications, unreadOnly);
  const unread = notifications.filter((n) => !n.read_at).length;
  return (
    <section className="inbox">
      <div className="board-head"><h1>Inbox</h1></div>
      <div className="inbox-bar">
        <label><input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} /> Unread only</label>
        <span className="muted">{unread} unread</span>
        {unread > 0 && <button className="link" onClick={() => onRead(null)}>Mark all read</button>}
      </div>
      {groups.length === 0 && <p className="muted">{unreadOnly ? "Nothing unread." : "Nothing yet: mentions, replies, assignments and changes to items you follow land here."}</p>}
      <ul className="inbox-list">{groups.map((g) => <Group key={g.key} g={g} onRead={onRead} onOpen={onOpen} />)}</ul>
      {onMore && <button className="link" onClick={onMore}>Older notifications</button>}
    </section>
  );
}
