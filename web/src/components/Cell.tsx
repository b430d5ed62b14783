// One cell: its display and, on click, the editor for its column type. A button column's cell
// is a button labelled with the column's title (it has no value: a click is an event).
import { useState } from "react";
import type { Column, Item } from "../api/types";
import { isWritten, useColumnTypes, valueColumn } from "../state/columnTypes";
import { formatNumber } from "../state/format";
import { useItemNames } from "../state/itemNames";
import { useLinkedNames } from "../state/linkedNames";
import { RelationEditor } from "./Connect";
import { labelsOf } from "../state/lanes";
import { usePeople, type Person } from "../state/people";
import type { CellEditor } from "../state/presence";
import { carriesFiles, fileIdsOf, filesValue } from "../state/files";
import { Avatar } from "./Avatar";
import { FileCellEditor, FileChips, UploadProgress, useUploads } from "./Files";
import { Popup } from "./Popup";

export const COLORS: Record<string, string> = {
  green: "#00c875", orange: "#fdab3d", red: "#e2445c", blue: "#0086c0", purple: "#a25ddc", grey: "#c4c4c4",
  yellow: "#ffcb00", pink: "#ff158a", dark_blue: "#225091", sky: "#66ccff", teal: "#037f4c", lime: "#9cd326",
  brown: "#7f5347", dark_red: "#bb3354", indigo: "#401694", black: "#333333",
};
export const color = (c?: string | null) => (c && c.startsWith("#") ? c : COLORS[c ?? "grey"] ?? "#c4c4c4");

/** A value shown read-only (kanban cards, summaries). */
export function CellValue({ col, item, meId }: { col: Column; item: Item; meId: string }) {
  const people = usePeople();
  const names = useItemNames();
  return <>{col.type === "auto_number" ? item.auto_number : display(col, item.values[col.id], meId, people, false, names)}</>;
}

/** `done`: the item is done, so a past date is not overdue. */
function display(col: Column, v: unknown, meId: string, people: Person[], done = false, names = new Map<string, string>()): React.ReactNode {
  if (v === undefined || v === null) return <span className="empty" />;
  if (col.type === "dependency") return ((v as { item_ids?: string[] }).item_ids ?? []).map((id) => <span key={id} className="chip dep" title={id}>{names.get(id) ?? "…"}</span>);
  if (col.type === "board_relation") return <RelationChips ids={(v as { item_ids?: string[] }).item_ids ?? []} />;
  // No answer for this item (a formula's runtime error, an input deleted): the cell says why.
  const error = typeof v === "object" && !Array.isArray(v) ? (v as { error?: { message?: string } }).error : undefined;
  if (error && (col.type === "formula" || col.type === "mirror" || col.type === "rollup")) {
    return <span className="formula-cell-error" title={error.message}>⚠ {error.message}</span>;
  }
  if (col.type === "mirror" || col.type === "rollup") return <span className="mirror">{display(valueColumn(col), v, meId, people, true)}</span>;
  if (col.type === "formula") {
    return <span className="formula">{display(valueColumn(col), v, meId, people, true)}</span>;
  }
  switch (col.type) {
    case "status": {
      const l = labelsOf(col).find((x) => x.id === v);
      return <span className="pill" style={{ background: color(l?.color) }}>{l?.name ?? "?"}</span>;
    }
    case "dropdown":
      return (v as string[]).map((id) => <span key={id} className="chip">{labelsOf(col).find((x) => x.id === id)?.name ?? id}</span>);
    case "checkbox":
      return <span className="check">✔</span>;
    case "rating":
      return <span className="stars">{"★".repeat(v as number)}</span>;
    case "people":
      return (v as string[]).map((u) => <Avatar key={u} small id={u} name={people.find((p) => p.id === u)?.name ?? (u === meId ? "Me" : "Someone")} />);
    case "timeline": {
      const t = v as { from: string; to: string };
      const fmt = (d: string) => new Date(d).toLocaleDateString("en", { month: "short", day: "numeric" });
      return <span className="tl-bar">{fmt(t.from)} – {fmt(t.to)}</span>;
    }
    case "date": {
      const d = new Date(v as string);
      const overdue = !done && d.getTime() < Date.now() - 86_400_000;
      return <span className={overdue ? "overdue" : ""}>{d.toLocaleDateString("en", { month: "short", day: "numeric" })}</span>;
    }
    case "link":
      return <a href={(v as { url: string }).url} target="_blank" rel="noreferrer">{(v as { text?: string }).text || (v as { url: string }).url}</a>;
    case "tags":
      return (v as string[]).map((t) => <span key={t} className="chip">#{t}</span>);
    case "file":
      return <FileChips ids={fileIdsOf(v)} />;
    case "button":
      return <span className="empty" />;
    case "number": {
      const { unit, decimals } = col.settings as { unit?: string | null; decimals?: number | null };
      return <span className="num">{typeof v === "number" ? formatNumber(v, unit, decimals) : String(v)}</span>;
    }
    default:
      return <span className="text">{String(v)}</span>;
  }
}

function Editor({ col, value, meId, selfId, onSave, onCancel }: { col: Column; value: unknown; meId: string; selfId: string; onSave: (v: unknown) => void; onCancel: () => void }) {
  const people = usePeople();
  const names = useItemNames();
  const [text, setText] = useState(() => {
    if (value === undefined || value === null) return "";
    if (col.type === "tags") return (value as string[]).join(", ");
    if (col.type === "link") return (value as { url: string }).url;
    if (col.type === "date") return String(value).slice(0, 10);
    return String(value);
  });
  const key = (e: React.KeyboardEvent) => {
    if (e.key === "Escape") onCancel();
  };
  if (col.type === "status" || col.type === "dropdown") {
    return (
      <Popup className="palette" onClose={onCancel}>
        {labelsOf(col).map((l) => (
          <button key={l.id} style={{ background: color(l.color) }} onClick={() => onSave(col.type === "status" ? l.id : [l.id])}>{l.name}</button>
        ))}
        <button className="clear" onClick={() => onSave(null)}>Clear</button>
      </Popup>
    );
  }
  if (col.type === "people") {
    const current = (value as string[] | undefined) ?? [];
    const toggle = (u: string) => onSave(current.includes(u) ? current.filter((x) => x !== u) : [...current, u]);
    return (
      <Popup className="palette people" onClose={onCancel}>
        <button onClick={() => toggle(meId)}>{current.includes(meId) ? "Unassign me" : "Assign me"}</button>
        {people.filter((m) => m.id !== meId).map((m) => (
          <button key={m.id} onClick={() => toggle(m.id)}><Avatar small decorative id={m.id} name={m.name} /> {current.includes(m.id) ? "✓ " : ""}{m.name}</button>
        ))}
        <button className="clear" onClick={() => onSave(null)}>Clear</button>
      </Popup>
    );
  }
  if (col.type === "file") {
    return <FileCellEditor value={value} onSave={onSave} onCancel={onCancel} />;
  }
  if (col.type === "board_relation") {
    return <LinkedEditor col={col} current={(value as { item_ids?: string[] } | undefined)?.item_ids ?? []} onSave={onSave} onCancel={onCancel} />;
  }
  if (col.type === "dependency") {
    return <DependencyEditor names={names} selfId={selfId} current={(value as { item_ids?: string[] } | undefined)?.item_ids ?? []} onSave={onSave} onCancel={onCancel} />;
  }
  if (col.type === "timeline") {
    const t = (value as { from?: string; to?: string } | undefined) ?? {};
    return <TimelineEditor from={t.from?.slice(0, 10) ?? ""} to={t.to?.slice(0, 10) ?? ""} onSave={onSave} onCancel={onCancel} />;
  }
  if (col.type === "rating") {
    const max = (col.settings as { max?: number }).max ?? 5;
    return (
      <Popup className="palette stars" onClose={onCancel}>
        {Array.from({ length: max }, (_, i) => <button key={i} onClick={() => onSave(i + 1)}>{"★".repeat(i + 1)}</button>)}
        <button className="clear" onClick={() => onSave(null)}>Clear</button>
      </Popup>
    );
  }
  const commit = () => {
    const t = text.trim();
    if (!t) return onSave(null);
    switch (col.type) {
      case "number": return onSave(Number(t));
      case "tags": return onSave(t.split(",").map((x) => x.trim()).filter(Boolean));
      case "link": return onSave({ url: t });
      default: return onSave(col.type === "long_text" ? text : t);
    }
  };
  if (col.type === "long_text") {
    return (
      <textarea autoFocus className="cell-input long" value={text} onChange={(e) => setText(e.target.value)} onBlur={commit}
        onKeyDown={(e) => { key(e); if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); commit(); } }} aria-label={`${col.title} text`} />
    );
  }
  return (
    <input
      autoFocus
      className="cell-input"
      type={col.type === "date" ? "date" : col.type === "number" ? "number" : "text"}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        key(e);
        if (e.key === "Enter") commit();
      }}
      onBlur={commit}
    />
  );
}

/** Picks the items this one depends on, among the board's items, by name. */
function DependencyEditor({ names, selfId, current, onSave, onCancel }: { names: Map<string, string>; selfId: string; current: string[]; onSave: (v: unknown) => void; onCancel: () => void }) {
  const [query, setQuery] = useState("");
  const [chosen, setChosen] = useState(current);
  const q = query.trim().toLowerCase();
  const offered = [...names].filter(([id, name]) => id !== selfId && (!q || name.toLowerCase().includes(q))).slice(0, 50);
  const toggle = (id: string) => setChosen(chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id]);
  return (
    <Popup className="palette deps" onClose={onCancel}>
      <input autoFocus aria-label="Find an item" placeholder="Find an item" value={query} onChange={(e) => setQuery(e.target.value)} />
      <div role="group" aria-label="Depends on">
        {offered.map(([id, name]) => (
          <label key={id}><input type="checkbox" checked={chosen.includes(id)} onChange={() => toggle(id)} /> {name}</label>
        ))}
      </div>
      <button className="clear" onClick={() => onSave(chosen.length ? { item_ids: chosen } : null)}>Save</button>
    </Popup>
  );
}

/** The names of the items a relation cell links to (looked up across boards). */
function RelationChips({ ids }: { ids: string[] }) {
  const names = useLinkedNames(ids);
  return <>{ids.map((id) => <span key={id} className="chip link-item" title={id}>{names.get(id) ?? "…"}</span>)}</>;
}

function LinkedEditor({ col, current, onSave, onCancel }: { col: Column; current: string[]; onSave: (v: unknown) => void; onCancel: () => void }) {
  const names = useLinkedNames(current);
  return <RelationEditor col={col} current={current} names={names} onSave={onSave} onCancel={onCancel} />;
}

function TimelineEditor({ from, to, onSave, onCancel }: { from: string; to: string; onSave: (v: unknown) => void; onCancel: () => void }) {
  const [a, setA] = useState(from);
  const [b, setB] = useState(to);
  return (
    <Popup className="palette" onClose={onCancel}>
      <input type="date" aria-label="From" value={a} onChange={(e) => setA(e.target.value)} />
      <input type="date" aria-label="To" value={b} onChange={(e) => setB(e.target.value)} />
      <button className="clear" onClick={() => (a && b ? onSave({ from: a, to: b }) : onSave(null))}>Save</button>
    </Popup>
  );
}

/** A button column's button; disabled while its click is being sent, or for good without
 * `onClick` (people who may not edit the board's content). */
function ButtonCell({ col, onClick }: { col: Column; onClick?: () => Promise<unknown> | void }) {
  const [busy, setBusy] = useState(false);
  const press = async () => {
    if (!onClick || busy) return;
    setBusy(true);
    try {
      await onClick();
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" className="cell-button" disabled={!onClick || busy} aria-busy={busy} title={onClick ? undefined : "You cannot edit this board's items"}
      onClick={(e) => { e.stopPropagation(); press(); }}>
      {col.title}
    </button>
  );
}

/** `onButton` clicks a button column's button (absent: the user may not). */
export function Cell({ col, item, meId, done, onSave, onEditing, onButton, remoteEditor, row, index }: {
  col: Column; item: Item; meId: string; done?: boolean; onSave: (v: unknown) => void; onEditing: (on: boolean) => void; onButton?: () => Promise<unknown> | void;
  remoteEditor?: CellEditor; row?: number; index?: number;
}) {
  const people = usePeople();
  const names = useItemNames();
  const [editing, setEditing] = useState(false);
  const { uploads, start: upload } = useUploads();
  const value = item.values[col.id];
  // System values (item numbers, ids, creation and change logs) are Sunday's to write.
  const readOnly = !isWritten(useColumnTypes(), col.type);
  // Files dropped on a file cell are uploaded and added to it.
  const drop = col.type === "file" && !readOnly ? {
    onDragOver: (e: React.DragEvent) => { if (carriesFiles(e)) e.preventDefault(); },
    onDrop: async (e: React.DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      const added = await upload([...e.dataTransfer.files]);
      if (added.length) onSave(filesValue([...fileIdsOf(value), ...added.map((f) => f.id)]));
    },
  } : {};
  if (col.type === "auto_number") return <td className="cell">{item.auto_number}</td>;
  if (col.type === "button") {
    return (
      <td className="cell button" data-column={col.title} data-r={row} data-c={index} tabIndex={0}
        onKeyDown={(e) => e.key === "Enter" && e.target === e.currentTarget && e.currentTarget.querySelector("button")?.click()}>
        <ButtonCell col={col} onClick={onButton} />
      </td>
    );
  }
  const start = () => {
    if (readOnly) return;
    if (col.type === "checkbox") return onSave(value ? null : true);
    setEditing(true);
    onEditing(true);
  };
  const stop = () => {
    setEditing(false);
    onEditing(false);
  };
  return (
    <td className={"cell " + col.type + (remoteEditor ? " remote-editing" : "")} data-column={col.title} data-r={row} data-c={index} tabIndex={0}
      onClick={editing ? undefined : start} onKeyDown={(e) => e.key === "Enter" && !editing && start()} {...drop}
      {...(remoteEditor && { title: `${remoteEditor.name} is editing`, "data-editor": remoteEditor.name, style: { "--editor": remoteEditor.colour } as React.CSSProperties })}>
      {editing ? <Editor col={col} value={value} meId={meId} selfId={item.id} onCancel={stop} onSave={(v) => { stop(); onSave(v); }} /> : display(col, value, meId, people, done, names)}
      <UploadProgress uploads={uploads} />
    </td>
  );
}
