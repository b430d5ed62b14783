// The item panel: slides in from the right with the item's updates (with @mentions and
// replies) and its activity log, and archives the item or moves it to another board. Updates
// and log stay live: the board's events about this item (an update or reply posted, a value
// changed, by anyone) refetch them, so nobody has to reopen the panel.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import { api, messageOf, ok } from "../api/client";
import type { Bus } from "../api/live";
import type { Board, BoardEvent, Column, Item, Me, Update } from "../api/types";
import { systemActorName } from "../state/automations";
import { isDone } from "../state/format";
import { usePeople } from "../state/people";
import { served, useServed } from "../state/served";
import { ActivityEntry } from "./Activity";
import { Avatar } from "./Avatar";
import { Cell } from "./Cell";
import { DropZone, FileGallery, UploadProgress, useUploads } from "./Files";
import { fileIdsOf, filesValue } from "../state/files";
import type { SearchHit } from "../state/search";
import { Marked } from "./SearchDialog";
import { RichText } from "./RichText";
import { Subitems } from "./Subitems";
import { UpdateEditor } from "./UpdateEditor";

/** The item an event is about, if any. */
function itemOf(e: BoardEvent): string | null {
  switch (e.kind) {
    case "update_posted":
    case "update_edited":
      return e.payload.update.item_id;
    case "update_deleted":
      return e.payload.item_id ?? null;
    case "button_clicked":
      return e.payload.item_id;
    case "item_created":
    case "item_updated":
    case "item_moved":
    case "item_archived":
    case "item_restored":
      return e.payload.item.id;
    default:
      return null;
  }
}

/** `item` is the board's live copy of item `itemId` (undefined once it left the board, or while
 * it is not loaded); `onSave` writes a value; `bus` brings the board's live events; `boardName`
 * names other boards (where an item moved from or to). */
export function ItemPanel({ itemId, item, board, me, bus, boardName, found, dependents = [], onSave, onRename, onButton, onArchive, onMoveToBoard, onClose }: {
  /** The search hit that opened the panel: what matched is shown, an update's is marked. */
  found?: SearchHit;
  /** Per dependency column, the items that depend on this one (what it blocks). */
  dependents?: { column: string; items: { id: string; name: string }[] }[];
  itemId: string; item: Item | undefined; board: Board; me: Me; bus: Bus; boardName: (id: string) => string | undefined;
  onSave: (item: Item, column: string, value: unknown) => void; onRename: (item: Item, name: string) => void;
  /** Clicks a button column's button (absent: the user may not). */
  onButton?: (item: Item, column: Column) => Promise<unknown> | void;
  /** Archives the item (the board's toast offers to undo it). */
  onArchive: (item: Item) => void;
  /** Asks where to move the item to (absent: the user may not edit the board's content). */
  onMoveToBoard?: (item: Item) => void;
  onClose: () => void;
}) {
  const people = usePeople();
  const [tab, setTab] = useState<"updates" | "activity">("updates");
  const [failed, setError] = useState("");
  const [replyTo, setReplyTo] = useState<string | null>(null);
  /** The board the item moved to while open here (someone moved it, or a recipe did). */
  const [movedTo, setMovedTo] = useState<string | null>(null);
  const path = { params: { path: { id: itemId } } };
  const updatesRead = useServed(served.updates(itemId), async () => (await ok(api.GET("/api/v1/items/{id}/updates", path))).data);
  const activityRead = useServed(served.activity(itemId), async () => (await ok(api.GET("/api/v1/items/{id}/activity", path))).data);
  const updates: Update[] = updatesRead.data ?? [];
  const activity: BoardEvent[] = activityRead.data ?? [];
  const error = failed || updatesRead.error || activityRead.error;
  const client = useQueryClient();
  const load = useCallback(() => void client.invalidateQueries({ queryKey: served.item(itemId) }), [client, itemId]);
  useEffect(() => {
    const heard = (e: BoardEvent) => {
      if (e.board_id !== board.id) return;
      if (e.kind === "item_deleted" && e.payload.item_id === itemId) setMovedTo(e.payload.moved_to ?? null);
      if (itemOf(e) === itemId) load();
    };
    bus.events.add(heard);
    return () => void bus.events.delete(heard);
  }, [bus, board.id, itemId, load]);
  // Escape closes the panel; in a text field it first leaves the field (a second one closes).
  // Popups and dialogs over the panel stop their own Escape before it gets here.
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || e.defaultPrevented) return;
      const field = e.target instanceof HTMLElement && e.target.closest("input, textarea, select");
      if (field instanceof HTMLElement) field.blur();
      else onClose();
    };
    document.addEventListener("keydown", key);
    return () => document.removeEventListener("keydown", key);
  }, [onClose]);
  const nameOf = (id: string) => systemActorName(id) ?? people.find((p) => p.id === id)?.name ?? (id === me.user.id ? me.user.name : id.slice(0, 8));

  // Files dropped on the panel go into the board's first file column.
  const fileColumn = (board.columns ?? []).find((c) => c.type === "file");
  const { uploads, start: upload } = useUploads();
  const dropped = async (files: File[]) => {
    if (!item || !fileColumn) return;
    const added = await upload(files);
    if (added.length) onSave(item, fileColumn.id, filesValue([...fileIdsOf(item.values[fileColumn.id]), ...added.map((f) => f.id)]));
  };
  const cellFiles = item ? (board.columns ?? []).filter((c) => c.type === "file").flatMap((c) => fileIdsOf(item.values[c.id])) : [];
  const updateFiles = updates.flatMap((u) => [...(u.files ?? []), ...(u.replies ?? []).flatMap((r) => r.files ?? [])]);
  const allFiles = [...new Set([...cellFiles, ...updateFiles])];

  /** Posts an update (or a reply to `parent`) with its files; whether it went. */
  async function send(body: string, files: string[], parent?: string): Promise<boolean> {
    try {
      if (parent) await ok(api.POST("/api/v1/updates/{id}/replies", { params: { path: { id: parent } }, body: { body, files } }));
      else await ok(api.POST("/api/v1/items/{id}/updates", { params: { path: { id: itemId } }, body: { body, files } }));
      setError("");
      if (parent) setReplyTo(null);
      load();
      return true;
    } catch (e) {
      setError(messageOf(e));
      return false;
    }
  }

  return (
    <aside className="panel" role="dialog" aria-label="Item">
      <DropZone className="panel-drop" onFiles={dropped}>
      <button className="close" onClick={onClose} aria-label="Close">✕</button>
      {item ? (
        <h2>
          <input className="panel-name" aria-label="Item name" defaultValue={item.name} key={item.name}
            onBlur={(e) => { const name = e.target.value.trim(); if (name && name !== item.name) onRename(item, name); else e.target.value = item.name; }}
            onKeyDown={(e) => e.key === "Enter" && (e.target as HTMLInputElement).blur()} />
        </h2>
      ) : (
        <h2>{movedTo ? `This item moved to ${boardName(movedTo) ?? "another board"}.` : "This item is no longer on the board."}</h2>
      )}
      {found && (
        <div className="found" role="note" aria-label="Search match">
          Found: {found.kind === "update" || !found.snippet ? null : <><Marked text={found.title} highlights={found.title_highlights} /> — </>}
          <Marked text={found.snippet || found.title} highlights={found.snippet ? found.snippet_highlights : found.title_highlights} />
        </div>
      )}
      {item && (
        <div className="panel-actions">
          <button className="link" onClick={() => onArchive(item)}>Archive item</button>
          {/* A subitem moves with its parent. */}
          {onMoveToBoard && !item.parent_item_id && <button className="link" onClick={() => onMoveToBoard(item)}>Move to board…</button>}
        </div>
      )}
      {item && (
        <table className="panel-values">
          <tbody>
            {(board.columns ?? []).map((c) => (
              <tr key={c.id}>
                <th>{c.title}</th>
                <Cell col={c} item={item} meId={me.user.id} done={isDone(board.columns, item)} onSave={(v) => onSave(item, c.id, v)} onEditing={() => undefined}
                  onButton={onButton && (() => onButton(item, c))} />
              </tr>
            ))}
            {dependents.filter((d) => d.items.length > 0).map((d) => (
              <tr key={`blocks-${d.column}`} className="dependents">
                <th>Blocks ({d.column})</th>
                <td>{d.items.map((i) => <span key={i.id} className="chip dep">→ {i.name}</span>)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <UploadProgress uploads={uploads} />
      {allFiles.length > 0 && (
        <details className="panel-files" open>
          <summary>Files ({allFiles.length})</summary>
          <FileGallery ids={allFiles} label="Item files" />
        </details>
      )}
      {item && <details className="panel-subitems"><summary>Subitems</summary><Subitems parent={item} board={item.board_id} depth={0} meId={me.user.id} /></details>}
      <div className="tabs">
        <button className={tab === "updates" ? "active" : ""} onClick={() => setTab("updates")}>Updates</button>
        <button className={tab === "activity" ? "active" : ""} onClick={() => setTab("activity")}>Activity log</button>
      </div>
      {tab === "updates" ? (
        <>
          <UpdateEditor label="Write an update" placeholder="Write an update… type @ to mention" submit="Update" nameOf={nameOf} onSend={(body, files) => send(body, files)} />
          {error && <div className="error">{error}</div>}
          {updates.map((u) => (
            <div key={u.id} className={"update" + (found?.update_id && (found.update_id === u.id || (u.replies ?? []).some((r) => r.id === found.update_id)) ? " found" : "")}
              ref={(el) => { if (el && found?.update_id === u.id) el.scrollIntoView({ block: "nearest" }); }}>
              <div className="meta"><Avatar small decorative id={u.author} name={nameOf(u.author)} /> <strong>{nameOf(u.author)}</strong> · {new Date(u.created_at).toLocaleString()}</div>
              <div className="body"><RichText text={u.body} nameOf={nameOf} /></div>
              <FileGallery ids={u.files ?? []} label="Update files" />
              {(u.replies ?? []).map((r) => (
                <div key={r.id} className="reply"><Avatar small decorative id={r.author} name={nameOf(r.author)} /> <strong>{nameOf(r.author)}</strong> <RichText text={r.body} nameOf={nameOf} />
                  <FileGallery ids={r.files ?? []} label="Reply files" /></div>
              ))}
              {replyTo === u.id ? (
                <div className="reply-box">
                  <UpdateEditor label="Write a reply" placeholder="Reply… type @ to mention" submit="Reply" nameOf={nameOf} onSend={(body, files) => send(body, files, u.id)} />
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
            <ActivityEntry key={e.seq} event={e} board={board} item={item} meId={me.user.id} nameOf={nameOf} boardName={boardName} />
          ))}
        </ul>
      )}
      </DropZone>
    </aside>
  );
}
