// The bell: unread count, live, and the list with "mark all read"; a notification opens the
// board and item it is about.
import { useState } from "react";
import { api, ok } from "../api/client";
import type { Notification } from "../api/types";

export function Bell({ notifications, onRead, onOpen }: { notifications: Notification[]; onRead: () => void; onOpen: (n: Notification) => void }) {
  const [open, setOpen] = useState(false);
  const unread = notifications.filter((n) => !n.read_at).length;
  return (
    <div className="bell">
      <button aria-label="Notifications" className="bell-button" onClick={() => setOpen(!open)}>
        <svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true"><path d="M10 2a5 5 0 0 0-5 5v4l-2 3h14l-2-3V7a5 5 0 0 0-5-5zm-2 14a2 2 0 0 0 4 0" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" /></svg>
        {unread > 0 && <span className="badge" data-testid="unread">{unread}</span>}
      </button>
      {open && (
        <div className="bell-panel">
          <div className="bell-head">
            <strong>Notifications</strong>
            <button className="link" onClick={() => ok(api.POST("/api/v1/me/notifications/read", { body: {} })).then(onRead, () => undefined)}>Mark all read</button>
          </div>
          {notifications.length === 0 && <div className="muted">Nothing yet.</div>}
          {notifications.map((n) => (
            <button key={n.id} className={"note" + (n.read_at ? "" : " unread")} onClick={() => { setOpen(false); onOpen(n); }}>{n.text}</button>
          ))}
        </div>
      )}
    </div>
  );
}
