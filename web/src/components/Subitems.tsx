// An item's subitems, under its row: a small table with the subitem board's own columns, a row
// per subitem (each with its own subitems, expandable down to the server's depth limit), and a
// row to add one. Subitems live on a hidden board of their own; this reads them (through
// TanStack Query: the boards as `served.board`, the list as `served.subitems`) and writes them
// through the API, follows that board live on the board page (reading again when an event of
// it arrives) and reads again after each change it makes.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import { api, messageOf, ok } from "../api/client";
import type { Board, Column, Item } from "../api/types";
import { isDone } from "../state/format";
import { follow, useLive } from "../state/liveContext";
import { readBoard, served, useServed } from "../state/served";
import { useSubitemCounts } from "../state/subitemCounts";
import { Cell } from "./Cell";

/** `parent`'s subitems; `board` is the board `parent` is on, `depth` its subitems' level. */
export function Subitems({ parent, board, depth, meId }: { parent: Item; board: string; depth: number; meId: string }) {
  const owner = useServed(served.board(board), () => readBoard(board));
  const subId = owner.data?.subitem_board_id ?? undefined;
  const subRead = useServed(served.board(subId ?? ""), () => readBoard(subId ?? ""), !!subId);
  const sub: Board | null = subId ? subRead.data : null;
  const listed = useServed(served.subitems(parent.id), async () => (await ok(api.GET("/api/v1/items/{id}/subitems", { params: { path: { id: parent.id } } }))).data as Item[]);
  const items = listed.data;
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [draft, setDraft] = useState("");
  const [failed, setError] = useState("");
  const error = failed || owner.error || subRead.error || listed.error;
  const client = useQueryClient();
  // The list, this level's board (its columns) and the board above (its first subitem makes
  // the subitem board).
  const load = useCallback(async () => {
    await Promise.all([served.subitems(parent.id), served.board(board), ...(subId ? [served.board(subId)] : [])].map((queryKey) => client.invalidateQueries({ queryKey })));
  }, [client, parent.id, board, subId]);
  // Others' changes to these subitems (and this level's columns) arrive live.
  const live = useLive();
  const seq = sub?.last_seq ?? 0;
  useEffect(() => {
    if (!live || !subId) return;
    const heard = (e: { board_id: string }) => {
      if (e.board_id === subId) void load();
    };
    live.bus.events.add(heard);
    const stop = follow(live.live, subId, seq);
    return () => {
      live.bus.events.delete(heard);
      stop();
    };
    // Following starts at the board as first read; later reads do not restart it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [live, subId, load]);
  const save = async (item: Item, column: string, value: unknown) => {
    try {
      await ok(api.PATCH("/api/v1/items/{id}", { params: { path: { id: item.id } }, body: { values: { [column]: value } } }));
      await load();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const add = async () => {
    const name = draft.trim();
    if (!name) return;
    try {
      await ok(api.POST("/api/v1/items/{id}/subitems", { params: { path: { id: parent.id } }, body: { name } }));
      setDraft("");
      await load();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const flip = (id: string) => setOpen((s) => {
    const n = new Set(s);
    if (n.has(id)) n.delete(id);
    else n.add(id);
    return n;
  });
  const columns: Column[] = sub?.columns ?? [];
  // How many subitems each of these has, one level down, on their switches.
  const counts = useSubitemCounts(sub?.id ?? "", sub?.subitem_board_id);
  return (
    <div className="subitems" style={{ marginLeft: depth * 16 }} role="region" aria-label={`Subitems of ${parent.name}`}>
      <table className="subtable">
        <thead>
          <tr><th>Subitem</th>{columns.map((c) => <th key={c.id}>{c.title}</th>)}</tr>
        </thead>
        <tbody>
          {(items ?? []).map((item) => (
            <SubitemRow key={item.id} item={item} columns={columns} meId={meId} count={counts.get(item.id) ?? 0} open={open.has(item.id)} onFlip={() => flip(item.id)} onSave={save} depth={depth} board={sub?.id ?? ""} />
          ))}
          <tr>
            <td colSpan={columns.length + 1}>
              <input placeholder="+ Add subitem" aria-label={`Add subitem to ${parent.name}`} value={draft} onChange={(e) => setDraft(e.target.value)}
                onKeyDown={(e) => e.key === "Enter" && void add()} />
            </td>
          </tr>
        </tbody>
      </table>
      {error && <p role="alert" className="error">{error}</p>}
    </div>
  );
}

function SubitemRow({ item, columns, meId, count, open, onFlip, onSave, depth, board }: {
  item: Item; columns: Column[]; meId: string; count: number; open: boolean; onFlip: () => void; onSave: (item: Item, column: string, value: unknown) => void; depth: number; board: string;
}) {
  return (
    <>
      <tr data-subitem={item.name}>
        <td className="name-col">
          <button className="expand" aria-expanded={open} aria-label={`Subitems of ${item.name}`} onClick={onFlip}>{open ? "▾" : "▸"}{count > 0 && <span className="sub-count" data-testid="subitem-count">{count}</span>}</button> {item.name}
        </td>
        {columns.map((c) => <Cell key={c.id} col={c} item={item} meId={meId} done={isDone(columns, item)} onSave={(v) => onSave(item, c.id, v)} onEditing={() => undefined} />)}
      </tr>
      {open && board && (
        <tr>
          <td colSpan={columns.length + 1}><Subitems parent={item} board={board} depth={depth + 1} meId={meId} /></td>
        </tr>
      )}
    </>
  );
}
