// The board's outbound webhooks, from the board menu (for people who may change the board's
// structure): each subscription with the events it gets and its delivery log (status, attempts,
// the receiver's last answer or error, latency), a resend for dead deliveries, and a form to
// subscribe a URL. The signing secret is shown once, right after subscribing.
import { useState } from "react";
import { api, messageOf, ok } from "../api/client";
import type { Board, Delivery, Webhook } from "../api/types";
import { served, useServed } from "../state/served";
import { Dialog } from "./Dialog";

/** The event kinds people subscribe to most; "all events" is the default. */
const COMMON_EVENTS = ["item_created", "item_updated", "item_moved", "item_archived", "item_deleted", "update_posted"];

export function WebhooksDialog({ board, onClose }: { board: Board; onClose: () => void }) {
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<string[]>([]);
  const [secret, setSecret] = useState("");
  const [open, setOpen] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const listed = useServed(served.webhooks(board.id), async () => (await ok(api.GET("/api/v1/boards/{id}/webhooks", { params: { path: { id: board.id } } }))).data);
  const hooks: Webhook[] = listed.data ?? [];
  const load = listed.reload;
  async function subscribe(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      const created = await ok(api.POST("/api/v1/boards/{id}/webhooks", { params: { path: { id: board.id } }, body: { url: url.trim(), events } }));
      setSecret(created.secret);
      setUrl("");
      setEvents([]);
      setError("");
      load();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }
  const remove = (h: Webhook) =>
    ok(api.DELETE("/api/v1/webhooks/{id}", { params: { path: { id: h.id } } })).then(load, (e) => setError(messageOf(e)));
  const toggle = (kind: string) => setEvents(events.includes(kind) ? events.filter((k) => k !== kind) : [...events, kind]);
  return (
    <Dialog title="Webhooks" onClose={onClose}>
      <ul className="webhooks">
        {hooks.length === 0 && <li className="muted">No webhooks on this board.</li>}
        {hooks.map((h) => (
          <li key={h.id} data-webhook={h.url}>
            <div className="automation-row">
              <span className="sentence"><code>{h.url}</code> · {h.events.length ? h.events.join(", ") : "all events"}</span>
              <button className="link" aria-label={`Deliveries to ${h.url}`} onClick={() => setOpen(open === h.id ? null : h.id)}>Deliveries</button>
              <button className="link" aria-label={`Delete webhook ${h.url}`} onClick={() => remove(h)}>✕</button>
            </div>
            {open === h.id && <Deliveries hook={h} />}
          </li>
        ))}
      </ul>
      {secret && (
        <div className="secret" role="status">
          Signing secret (shown once; every delivery's <code>Sunday-Signature</code> is an HMAC-SHA256 with it): <code>{secret}</code>
        </div>
      )}
      <form className="webhook-form" onSubmit={subscribe}>
        <label className="field">Send events to (the URL must echo the subscription's challenge)
          <input aria-label="Webhook URL" type="url" required value={url} placeholder="https://example.com/sunday" onChange={(e) => setUrl(e.target.value)} />
        </label>
        <fieldset className="events">
          <legend>Events (none checked: all)</legend>
          {COMMON_EVENTS.map((k) => (
            <label key={k}><input type="checkbox" checked={events.includes(k)} onChange={() => toggle(k)} /> {k.replace(/_/g, " ")}</label>
          ))}
        </fieldset>
        <button className="primary" disabled={busy || !url.trim()}>Subscribe</button>
      </form>
      {(error || listed.error) && <div className="error" role="alert">{error || listed.error}</div>}
      <div className="dialog-actions">
        <button className="link" onClick={onClose}>Done</button>
      </div>
    </Dialog>
  );
}

function Deliveries({ hook }: { hook: Webhook }) {
  const listed = useServed(served.deliveries(hook.id), async () => (await ok(api.GET("/api/v1/webhooks/{id}/deliveries", { params: { path: { id: hook.id }, query: { limit: 20 } } }))).data);
  const rows: Delivery[] | null = listed.error ? [] : listed.data;
  const resend = (d: Delivery) => ok(api.POST("/api/v1/webhook-deliveries/{id}/resend", { params: { path: { id: d.id } } })).then(listed.reload, listed.reload);
  if (!rows) return <div className="muted">Loading deliveries…</div>;
  if (rows.length === 0) return <div className="muted">No deliveries yet.</div>;
  return (
    <ol className="runs" aria-label={`Deliveries to ${hook.url}`}>
      {rows.map((d) => (
        <li key={d.id} data-delivery-status={d.status}>
          <span className={`badge delivery-${d.status}`}>{d.status}</span> {d.kind.replace(/_/g, " ")} #{d.event_seq} · {d.attempts} attempt{d.attempts === 1 ? "" : "s"}
          {d.last_status ? ` · HTTP ${d.last_status}` : ""}{d.latency_ms !== undefined && d.latency_ms !== null ? ` · ${d.latency_ms} ms` : ""}
          {d.last_error && <span className="error"> — {d.last_error}</span>}
          {d.status === "dead" && <button className="link" onClick={() => resend(d)}>Resend</button>}
        </li>
      ))}
    </ol>
  );
}
