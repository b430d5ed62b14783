// The board's menu, next to its name: rename, describe, sharing and permissions, automations, webhooks, calendar feed
// and inbound webhooks, archived items, duplicate (with or without its items), import and export CSV, delete (owners). Renames and descriptions come back to this page as live
// `board_updated` events; the sidebar, which lists boards, is told through `onBoardsChanged`.
import { useState } from "react";
import { api, messageOf, ok } from "../api/client";
import type { Board } from "../api/types";
import { AskDialog, ConfirmDialog, Dialog } from "./Dialog";
import { ArchiveDialog } from "./ArchiveDialog";
import { AutomationsDialog } from "./AutomationsDialog";
import { WebhooksDialog } from "./WebhooksDialog";
import { LinksDialog } from "./LinksDialog";
import { ImportDialog } from "./ImportDialog";
import { Popup } from "./Popup";
import { SharingDialog } from "./SharingDialog";

type Props = {
  board: Board;
  onOpenBoard: (id: string) => void;
  onBoardsChanged: () => void;
  onDeleted: () => void;
  flash: (message: string) => void;
  meId: string;
  /** Members or their permissions changed. */
  onMembersChanged: () => void;
};

type Asking = "rename" | "describe" | "sharing" | "automations" | "webhooks" | "links" | "archive" | "duplicate" | "import" | "delete" | null;

export function BoardMenu({ board, onOpenBoard, onBoardsChanged, onDeleted, flash, meId, onMembersChanged }: Props) {
  const [menu, setMenu] = useState(false);
  const [asking, setAsking] = useState<Asking>(null);
  const path = { params: { path: { id: board.id } } };
  const pick = (a: Asking) => () => {
    setMenu(false);
    setAsking(a);
  };
  const fail = (e: unknown) => flash(messageOf(e));
  const patch = (body: { name?: string; description?: string }) => ok(api.PATCH("/api/v1/boards/{id}", { ...path, body })).then(onBoardsChanged, fail);
  const remove = () => ok(api.DELETE("/api/v1/boards/{id}", path)).then(onDeleted, fail);
  async function duplicate(name: string, withItems: boolean) {
    try {
      const copy = await ok(api.POST("/api/v1/boards/{id}/duplicate", { ...path, body: { name, with_items: withItems } }));
      onBoardsChanged();
      onOpenBoard(copy.id);
    } catch (e) {
      fail(e);
    }
  }
  return (
    <span className="board-menu">
      <button className="col-menu board-menu-button" aria-label="Board menu" onClick={() => setMenu(!menu)}>⋯</button>
      {menu && (
        <Popup className="palette menu" onClose={() => setMenu(false)}>
          <button onClick={pick("rename")}>Rename board</button>
          <button onClick={pick("describe")}>Edit description</button>
          <button onClick={pick("sharing")}>Sharing and permissions</button>
          <button onClick={pick("automations")}>Automations</button>
          {(board.permission === "owner" || board.permission === "edit_all") && <button onClick={pick("webhooks")}>Webhooks</button>}
          <button onClick={pick("links")}>Calendar feed and inbound webhooks</button>
          <button onClick={pick("archive")}>Archived items</button>
          <button onClick={pick("duplicate")}>Duplicate board</button>
          <button onClick={pick("import")}>Import from CSV</button>
          {/* A plain link: the browser downloads the CSV with the session cookie. */}
          <a className="menu-link" href={`/api/v1/boards/${board.id}/export`} download={`${board.name}.csv`} onClick={() => setMenu(false)}>Export to CSV</a>
          {board.permission === "owner" && <button className="danger" onClick={pick("delete")}>Delete board</button>}
        </Popup>
      )}
      {asking === "rename" && <AskDialog title="Rename board" label="Board name" initial={board.name} submit="Rename" onSubmit={(name) => patch({ name })} onClose={() => setAsking(null)} />}
      {asking === "describe" && (
        <AskDialog title="Board description" label="Description" initial={board.description ?? ""} optional submit="Save" onSubmit={(description) => patch({ description })} onClose={() => setAsking(null)} />
      )}
      {asking === "sharing" && <SharingDialog board={board} meId={meId} onChanged={onMembersChanged} onClose={() => setAsking(null)} />}
      {asking === "automations" && <AutomationsDialog board={board} onClose={() => setAsking(null)} />}
      {asking === "webhooks" && <WebhooksDialog board={board} onClose={() => setAsking(null)} />}
      {asking === "links" && <LinksDialog board={board} onClose={() => setAsking(null)} />}
      {asking === "archive" && <ArchiveDialog board={board} onClose={() => setAsking(null)} />}
      {asking === "import" && <ImportDialog board={board} onClose={() => setAsking(null)} />}
      {asking === "duplicate" && <DuplicateDialog board={board} onDuplicate={duplicate} onClose={() => setAsking(null)} />}
      {asking === "delete" && (
        <ConfirmDialog title="Delete board" message={`Delete "${board.name}" with all its items, updates and views? This cannot be undone.`} confirm="Delete board" onConfirm={remove} onClose={() => setAsking(null)} />
      )}
    </span>
  );
}

function DuplicateDialog({ board, onDuplicate, onClose }: { board: Board; onDuplicate: (name: string, withItems: boolean) => void; onClose: () => void }) {
  const [name, setName] = useState(`Copy of ${board.name}`);
  const [withItems, setWithItems] = useState(true);
  return (
    <Dialog title="Duplicate board" onClose={onClose}>
      <form onSubmit={(e) => {
        e.preventDefault();
        if (!name.trim()) return;
        onClose();
        onDuplicate(name.trim(), withItems);
      }}>
        <label className="field">Name of the copy<input aria-label="Name of the copy" value={name} onChange={(e) => setName(e.target.value)} required /></label>
        <label><input type="checkbox" checked={withItems} onChange={(e) => setWithItems(e.target.checked)} /> Copy the items too</label>
        <p className="hint">The copy keeps the subitem columns, connected boards and rollups{withItems ? ", and the items' subitems at every level" : ""}. A connection to a board you cannot see is left out.</p>
        <div className="dialog-actions">
          <button type="button" className="link" onClick={onClose}>Cancel</button>
          <button className="primary" disabled={!name.trim()}>Duplicate</button>
        </div>
      </form>
    </Dialog>
  );
}
