// The board's calendar feeds and inbound webhooks, from the board menu: the links (a feed that
// calendar apps subscribe to with the board's dates and timelines; an inbound webhook that
// creates or updates an item from a posted JSON body, by a mapping of JSON pointers), a form
// for each kind, and revoking. A new link's URL holds its secret and is shown once, with a copy
// button. Adding and revoking links needs the board's edit_all permission; others see the list.
import { useRef, useState } from "react";
import { api, messageOf, ok } from "../api/client";
import type { Board, BoardLink, CreatedLink } from "../api/types";
import { writableColumns, shapeOf } from "../state/automations";
import { blankDraft, draftProblem, exampleBody, LINK_WORDS, mappingOf, mappingWords, newestFirst, type MappingDraft } from "../state/links";
import { served, useServed } from "../state/served";
import { ConfirmDialog, Dialog } from "./Dialog";

/** Column types that make good keys for finding an item to update. */
const KEYS = ["text", "email", "phone", "number", "link"];

export function LinksDialog({ board: loaded, onClose }: { board: Board; onClose: () => void }) {
  const board = shapeOf(loaded);
  const canEdit = board.permission === "owner" || board.permission === "edit_all";
  const [created, setCreated] = useState<CreatedLink | null>(null);
  const [making, setMaking] = useState<"ical" | "inbound" | null>(null);
  const [revoking, setRevoking] = useState<BoardLink | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const listed = useServed(served.links(board.id), async () => newestFirst((await ok(api.GET("/api/v1/boards/{id}/links", { params: { path: { id: board.id } } }))).data));
  const links: BoardLink[] | null = listed.data;
  const load = listed.reload;
  async function create(body: { kind: "ical" | "inbound"; name: string; mapping?: ReturnType<typeof mappingOf> }) {
    setBusy(true);
    try {
      const link = await ok(api.POST("/api/v1/boards/{id}/links", { params: { path: { id: board.id } }, body }));
      setCreated(link);
      setMaking(null);
      setError("");
      load();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }
  const revoke = (l: BoardLink) =>
    ok(api.DELETE("/api/v1/links/{id}", { params: { path: { id: l.id } } })).then(() => {
      if (created?.id === l.id) setCreated(null);
      load();
    }, (e) => setError(messageOf(e)));
  return (
    <Dialog title="Calendar feed and inbound webhooks" onClose={onClose}>
      <p className="muted">
        A calendar feed lets calendar apps subscribe to the board's dates and timelines. An inbound webhook lets another system create or update items by posting JSON to it.
      </p>
      <ul className="links">
        {links === null && <li className="muted">Loading…</li>}
        {links?.length === 0 && <li className="muted">No calendar feeds or inbound webhooks on this board.</li>}
        {links?.map((l) => (
          <li key={l.id} data-link={l.name}>
            <div className="automation-row">
              <span className={`badge link-${l.kind}`}>{LINK_WORDS[l.kind]}</span>
              <span className="sentence">
                <strong>{l.name}</strong>
                {l.kind === "inbound" && <span className="muted"> · {mappingWords(l.mapping, board.columns, board.groups)}</span>}
              </span>
              <span className="muted">{new Date(l.created_at).toLocaleDateString()}</span>
              {canEdit && <button className="link danger" aria-label={`Revoke ${l.name}`} onClick={() => setRevoking(l)}>Revoke</button>}
            </div>
          </li>
        ))}
      </ul>
      {created && <NewLink link={created} board={board} />}
      {canEdit && !making && (
        <div className="link-actions">
          <button className="filter-add" onClick={() => { setMaking("ical"); setCreated(null); }}>New calendar feed</button>
          <button className="filter-add" onClick={() => { setMaking("inbound"); setCreated(null); }}>New inbound webhook</button>
        </div>
      )}
      {making === "ical" && <IcalForm busy={busy} onCreate={(name) => create({ kind: "ical", name })} onCancel={() => setMaking(null)} />}
      {making === "inbound" && <InboundForm board={board} busy={busy} onCreate={(name, mapping) => create({ kind: "inbound", name, mapping })} onCancel={() => setMaking(null)} />}
      {!canEdit && <p className="muted">Only people who can change this board's structure add or revoke links.</p>}
      {(error || listed.error) && <div className="error" role="alert">{error || listed.error}</div>}
      <div className="dialog-actions">
        <button className="link" onClick={onClose}>Done</button>
      </div>
      {revoking && (
        <ConfirmDialog title="Revoke link" message={`Revoke "${revoking.name}"? Its URL stops working at once; this cannot be undone.`} confirm="Revoke"
          onConfirm={() => revoke(revoking)} onClose={() => setRevoking(null)} />
      )}
    </Dialog>
  );
}

/** The new link's full URL, shown this once, with a copy button (and, for an inbound webhook,
 * a call that would create an item). */
function NewLink({ link, board }: { link: CreatedLink; board: ReturnType<typeof shapeOf> }) {
  const url = window.location.origin + link.path;
  const [copied, setCopied] = useState<"" | "copied" | "select">("");
  const field = useRef<HTMLInputElement>(null);
  const copy = () => {
    const fallback = () => {
      field.current?.select();
      setCopied("select");
    };
    if (!navigator.clipboard) return fallback();
    navigator.clipboard.writeText(url).then(() => setCopied("copied"), fallback);
  };
  const example = link.kind === "inbound" && link.mapping ? JSON.stringify(exampleBody(link.mapping, board.columns)) : "";
  return (
    <div className="secret new-link" role="status" aria-label="New link">
      <p>
        <strong>{link.name}</strong>: {link.kind === "ical" ? "subscribe to this URL in your calendar app." : "POST a JSON body to this URL."} It holds the link's secret
        and <strong>will not be shown again</strong>: copy it now.
      </p>
      <div className="copy-row">
        <input ref={field} readOnly aria-label="Link URL" value={url} onFocus={(e) => e.target.select()} />
        <button className="primary" onClick={copy}>{copied === "copied" ? "Copied" : "Copy"}</button>
      </div>
      {copied === "select" && <p className="muted">Press Ctrl+C (⌘C) to copy the selected URL.</p>}
      {example && (
        <p className="muted">
          For example: <code>curl -X POST -H 'content-type: application/json' -d '{example}' {url}</code>
        </p>
      )}
    </div>
  );
}

function IcalForm({ busy, onCreate, onCancel }: { busy: boolean; onCreate: (name: string) => void; onCancel: () => void }) {
  const [name, setName] = useState("Calendar feed");
  return (
    <form className="link-form" aria-label="New calendar feed" onSubmit={(e) => { e.preventDefault(); if (name.trim()) onCreate(name.trim()); }}>
      <strong>New calendar feed</strong>
      <span className="muted">The board's date and timeline cells, as events of a calendar.</span>
      <label className="field">Name<input aria-label="Feed name" value={name} required onChange={(e) => setName(e.target.value)} /></label>
      <div className="dialog-actions">
        <button type="button" className="link" onClick={onCancel}>Cancel</button>
        <button className="primary" disabled={busy || !name.trim()}>Create feed</button>
      </div>
    </form>
  );
}

/** An inbound webhook's name and mapping: the item's name, its group, fields of the body for
 * columns, and optionally the column that finds the item to update instead. */
function InboundForm({ board, busy, onCreate, onCancel }: {
  board: ReturnType<typeof shapeOf>; busy: boolean; onCreate: (name: string, mapping: ReturnType<typeof mappingOf>) => void; onCancel: () => void;
}) {
  const [name, setName] = useState("Inbound webhook");
  const [draft, setDraft] = useState<MappingDraft>(blankDraft);
  const columns = writableColumns(board);
  const problem = draftProblem(draft);
  const setRow = (k: number, row: MappingDraft["rows"][number]) => setDraft({ ...draft, rows: draft.rows.map((r, j) => (j === k ? row : r)) });
  const unused = columns.filter((c) => !draft.rows.some((r) => r.column === c.id));
  return (
    <form className="link-form" aria-label="New inbound webhook" onSubmit={(e) => { e.preventDefault(); if (name.trim() && !problem) onCreate(name.trim(), mappingOf(draft)); }}>
      <strong>New inbound webhook</strong>
      <span className="muted">Fields of the posted JSON are named by JSON pointers: <code>/title</code>, <code>/customer/email</code>.</span>
      <label className="field">Name<input aria-label="Webhook name" value={name} required onChange={(e) => setName(e.target.value)} /></label>
      <div className="builder-line">
        <span>Item name from</span>
        <input aria-label="Name pointer" value={draft.name} placeholder="/name" onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        <span>in group</span>
        <select aria-label="Group for new items" value={draft.group} onChange={(e) => setDraft({ ...draft, group: e.target.value })}>
          <option value="">the first group</option>
          {board.groups.map((g) => <option key={g.id} value={g.id}>{g.title}</option>)}
        </select>
      </div>
      {draft.rows.map((r, k) => (
        <div className="builder-line" key={k} data-mapping-row={k + 1}>
          <select aria-label={`Field ${k + 1} column`} value={r.column} onChange={(e) => setRow(k, { ...r, column: e.target.value })}>
            {columns.filter((c) => c.id === r.column || unused.includes(c)).map((c) => <option key={c.id} value={c.id}>{c.title}</option>)}
          </select>
          <span>from</span>
          <input aria-label={`Field ${k + 1} pointer`} value={r.pointer} placeholder="/status" onChange={(e) => setRow(k, { ...r, pointer: e.target.value })} />
          <button type="button" className="link" aria-label={`Remove field ${k + 1}`} onClick={() => setDraft({ ...draft, rows: draft.rows.filter((_, j) => j !== k) })}>✕</button>
        </div>
      ))}
      {unused.length > 0 && (
        <div className="builder-line">
          <button type="button" className="link" onClick={() => setDraft({ ...draft, rows: [...draft.rows, { column: unused[0].id, pointer: `/${unused[0].title.toLowerCase().replace(/\s+/g, "_")}` }] })}>
            + Set a column from the body
          </button>
        </div>
      )}
      <div className="builder-line">
        <label>
          <input type="checkbox" checked={!!draft.match} disabled={columns.length === 0}
            onChange={(e) => setDraft({ ...draft, match: e.target.checked ? { column: (columns.find((c) => KEYS.includes(c.type)) ?? columns[0])?.id ?? "", pointer: "/id" } : null })} />{" "}
          Update the item whose
        </label>
        {draft.match && (
          <>
            <select aria-label="Match column" value={draft.match.column} onChange={(e) => setDraft({ ...draft, match: { ...draft.match!, column: e.target.value } })}>
              {columns.map((c) => <option key={c.id} value={c.id}>{c.title}</option>)}
            </select>
            <span>equals</span>
            <input aria-label="Match pointer" value={draft.match.pointer} placeholder="/id" onChange={(e) => setDraft({ ...draft, match: { ...draft.match!, pointer: e.target.value } })} />
            <span className="muted">(a new item when none does)</span>
          </>
        )}
      </div>
      {problem && <div className="muted" role="note">{problem}</div>}
      <div className="dialog-actions">
        <button type="button" className="link" onClick={onCancel}>Cancel</button>
        <button className="primary" disabled={busy || !name.trim() || !!problem}>Create webhook</button>
      </div>
    </form>
  );
}
