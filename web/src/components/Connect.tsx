// Connected boards: the dialogs that create a board relation ("Connect boards") and a mirror
// (a linked column shown or rolled up), and the picker that links a cell to items of the linked
// boards. The server keeps the other side and the mirror values current (docs/relations.md).
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, messageOf, ok } from "../api/client";
import type { Column, ColumnType } from "../api/types";
import { MIRROR_FUNCTIONS } from "../state/columnTypes";
import { rememberNames } from "../state/linkedNames";
import { readBoard, served, useBoardReads, useServed, useVisibleBoards } from "../state/served";
import { Dialog } from "./Dialog";
import { Popup } from "./Popup";

type Create = (title: string, type: ColumnType, settings: Record<string, unknown>) => Promise<unknown>;

/** The boards a relation column links to. */
export const linkedBoards = (col: Column) => ((col.settings as { board_ids?: string[] }).board_ids ?? []);

export function NewRelationDialog({ initialTitle, boardId, onCreate, onClose }: {
  initialTitle: string; boardId: string; onCreate: Create; onClose: () => void;
}) {
  // What a relation can link to.
  const boards = useVisibleBoards();
  const [title, setTitle] = useState(initialTitle);
  const [target, setTarget] = useState("");
  const [twoWay, setTwoWay] = useState(true);
  const [error, setError] = useState("");
  const save = async () => {
    if (!target) return setError("Choose the board to connect");
    try {
      await onCreate(title.trim() || "Connected", "board_relation", { board_ids: [target], two_way: twoWay });
      onClose();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <Dialog title="Connect boards" onClose={onClose}>
      <form onSubmit={(e) => { e.preventDefault(); void save(); }}>
        <label>Title <input aria-label="Relation title" value={title} onChange={(e) => setTitle(e.target.value)} /></label>
        <label>Board to connect
          <select aria-label="Board to connect" value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">{boards === null ? "Loading boards…" : "Choose a board"}</option>
            {(boards ?? []).map((b) => <option key={b.id} value={b.id}>{b.id === boardId ? `${b.name} (this board)` : b.name}</option>)}
          </select>
        </label>
        <label><input type="checkbox" checked={twoWay} onChange={(e) => setTwoWay(e.target.checked)} /> Show the links on that board too (two-way)</label>
        {error && <p role="alert" className="error">{error}</p>}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button className="primary">Connect</button>
        </div>
      </form>
    </Dialog>
  );
}

/** The "Through" choice that reads the item's subitems rather than linked items. */
const SUBITEMS = "subitems";

/** A new mirror (shows the linked values) or rollup (aggregates them, of linked items or of
 * the item's subitems). */
export function NewMirrorDialog({ type, initialTitle, boardId, columns, onCreate, onClose }: {
  type: "mirror" | "rollup"; initialTitle: string; boardId: string; columns: Column[]; onCreate: Create; onClose: () => void;
}) {
  const relations = columns.filter((c) => c.type === "board_relation");
  const [title, setTitle] = useState(initialTitle);
  const [relation, setRelation] = useState(type === "rollup" || relations.length === 0 ? SUBITEMS : relations[0].id);
  const [source, setSource] = useState("");
  const first = type === "rollup" ? "count" : "show";
  const [fn, setFn] = useState(first);
  const [error, setError] = useState("");
  const rel = relations.find((r) => r.id === relation);
  // Linked boards' columns, or the subitem board's (none until the board has subitems).
  const own = useServed(served.board(boardId), () => readBoard(boardId), !rel).data;
  const ids = rel ? linkedBoards(rel) : own?.subitem_board_id ? [own.subitem_board_id] : [];
  const read = useBoardReads(ids);
  const theirs = ids.flatMap((id) => (read(id)?.columns ?? []) as Column[]).filter((c) => c.type !== "mirror");
  const chosen = theirs.find((c) => c.id === source);
  const offered = MIRROR_FUNCTIONS.filter((f) => f.reads === null || (chosen && f.reads.includes(chosen.type)));
  const save = async () => {
    try {
      const from = relation === SUBITEMS ? { source: "subitems" } : { source: "relation", relation_column_id: relation };
      await onCreate(title.trim() || (type === "rollup" ? "Rollup" : "Mirror"), type, { ...from, column_id: source || null, function: fn });
      onClose();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <Dialog title={type === "rollup" ? "Roll up a column" : "Mirror a linked column"} onClose={onClose}>
      <form onSubmit={(e) => { e.preventDefault(); void save(); }}>
        <label>Title <input aria-label="Mirror title" value={title} onChange={(e) => setTitle(e.target.value)} /></label>
        <label>Through
          <select aria-label="Relation column" value={relation} onChange={(e) => { setRelation(e.target.value); setSource(""); }}>
            {relations.map((r) => <option key={r.id} value={r.id}>{r.title}</option>)}
            <option value={SUBITEMS}>Subitems (a rollup into the parent)</option>
          </select>
        </label>
        <label>Column of the linked items
          <select aria-label="Linked column" value={source} onChange={(e) => { setSource(e.target.value); setFn(first); }}>
            <option value="">Their names</option>
            {theirs.map((c) => <option key={c.id} value={c.id}>{c.title}</option>)}
          </select>
        </label>
        <label>Show
          <select aria-label="Mirror function" value={fn} onChange={(e) => setFn(e.target.value)}>
            {offered.map((f) => <option key={f.fn} value={f.fn}>{f.words}</option>)}
          </select>
        </label>
        {error && <p role="alert" className="error">{error}</p>}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button className="primary">{type === "rollup" ? "Create rollup" : "Create mirror"}</button>
        </div>
      </form>
    </Dialog>
  );
}

/** Links a relation cell to items of the linked boards, found by name. */
export function RelationEditor({ col, current, names, onSave, onCancel }: {
  col: Column; current: string[]; names: Map<string, string>; onSave: (v: unknown) => void; onCancel: () => void;
}) {
  const client = useQueryClient();
  const [query, setQuery] = useState("");
  const [chosen, setChosen] = useState(current);
  const [found, setFound] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    const q = query.trim();
    const timer = setTimeout(() => {
      const filter = q ? { column: "name", op: "contains", value: q } : null;
      Promise.all(linkedBoards(col).map((id) =>
        ok(api.POST("/api/v1/boards/{id}/items/query", { params: { path: { id } }, body: { filter, limit: 30 } })).then((r) => r.data as { id: string; name: string }[], () => []),
      )).then((lists) => {
        const items = lists.flat();
        rememberNames(client, items);
        setFound(items);
      });
    }, 150);
    return () => clearTimeout(timer);
  }, [col, query, client]);
  const toggle = (id: string) => setChosen(chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id]);
  const shown = [...chosen.map((id) => ({ id, name: names.get(id) ?? "…" })), ...found.filter((f) => !chosen.includes(f.id))];
  return (
    <Popup className="palette deps" onClose={onCancel}>
      <input autoFocus aria-label="Find an item to link" placeholder="Find an item" value={query} onChange={(e) => setQuery(e.target.value)} />
      <div role="group" aria-label={`Linked in ${col.title}`}>
        {shown.map((i) => (
          <label key={i.id}><input type="checkbox" checked={chosen.includes(i.id)} onChange={() => toggle(i.id)} /> {i.name}</label>
        ))}
      </div>
      <button className="clear" onClick={() => onSave(chosen.length ? { item_ids: chosen } : null)}>Save</button>
    </Popup>
  );
}
