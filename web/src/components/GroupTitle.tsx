// A group's title row: collapse, the title (double-click to rename), the item count, and a menu
// to rename, recolour, move up or down, or delete it. Deleting asks where the group's items go (another group, or
// the archive). Lanes of a group-by column are not board groups: they get no menu.
import { useState } from "react";
import type { Group } from "../api/types";
import { readableOnWhite } from "../state/format";
import type { TableGroup } from "../state/tableRows";
import { color, COLORS } from "./Cell";
import { ConfirmDialog } from "./Dialog";
import { Popup } from "./Popup";

export type GroupActions = {
  rename: (id: string, title: string) => void;
  recolour: (id: string, color: string) => void;
  remove: (id: string, moveTo: string | null) => void;
  move: (id: string, position: { before: string } | { after: string }) => void;
  collapse: (id: string, collapsed: boolean) => void;
};

type Props = {
  group: TableGroup; collapsed: boolean; onFlip: () => void;
  /** The board's groups (delete offers to move items to one of the others). */
  groups: Group[];
  /** Absent for lanes of a group-by column. */
  actions?: GroupActions;
};

export function GroupTitle({ group: g, collapsed, onFlip, groups, actions }: Props) {
  const [renaming, setRenaming] = useState(false);
  const [menu, setMenu] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const others = groups.filter((x) => x.id !== g.id);
  const at = groups.findIndex((x) => x.id === g.id);
  const above = groups[at - 1];
  const below = groups[at + 1];
  const [moveTo, setMoveTo] = useState("");
  const count = g.items.length + g.pending;
  const ink = readableOnWhite(color(g.color));
  return (
    // While its menu is open the title is lifted above the rows after it: being sticky, it is its
    // own stacking context, so the menu's z-index counts only inside it.
    // Its ink: darkened to read on white, or (dark theme, in CSS) the group's own colour.
    <div className={"group-title" + (menu ? " menu-open" : "")} data-group-title={g.title} style={{ "--ink": ink, "--raw": color(g.color) } as React.CSSProperties}>
      <button className="chev" aria-label={collapsed ? "Expand group" : "Collapse group"} onClick={onFlip}>{collapsed ? "▸" : "▾"}</button>
      {renaming && actions ? (
        <input autoFocus aria-label="Group name" defaultValue={g.title}
          onBlur={(e) => { setRenaming(false); const t = e.target.value.trim(); if (t && t !== g.title) actions.rename(g.id, t); }}
          onKeyDown={(e) => { if (e.key === "Enter") (e.target as HTMLInputElement).blur(); if (e.key === "Escape") setRenaming(false); }} />
      ) : (
        <span className="group-name" onDoubleClick={() => actions && setRenaming(true)} title={actions ? "Double-click to rename" : undefined}>{g.title}</span>
      )}
      <span className="count">{count} item{count === 1 ? "" : "s"}</span>
      {actions && (
        <span className="group-menu-anchor">
          <button className="col-menu group-menu" aria-label={`${g.title} group menu`} onClick={() => setMenu(!menu)}>⋯</button>
          {menu && (
            <Popup className="palette menu" onClose={() => setMenu(false)}>
              <button onClick={() => { setMenu(false); setRenaming(true); }}>Rename</button>
              {above && <button onClick={() => { setMenu(false); actions.move(g.id, { before: above.id }); }}>Move up</button>}
              {below && <button onClick={() => { setMenu(false); actions.move(g.id, { after: below.id }); }}>Move down</button>}
              <div className="swatches" role="group" aria-label="Group colour">
                {Object.keys(COLORS).map((c) => (
                  <button key={c} className={"swatch" + (c === g.color ? " on" : "")} style={{ background: color(c) }} aria-label={`Colour ${c.replace(/_/g, " ")}`}
                    onClick={() => { setMenu(false); actions.recolour(g.id, c); }} />
                ))}
              </div>
              <button className="danger" onClick={() => { setMenu(false); setDeleting(true); }}>Delete group</button>
            </Popup>
          )}
        </span>
      )}
      {deleting && actions && (
        <ConfirmDialog title="Delete group" confirm="Delete group" onClose={() => setDeleting(false)} onConfirm={() => actions.remove(g.id, moveTo || null)}
          message={count ? `Delete "${g.title}"? Its ${count} item${count === 1 ? "" : "s"} can move to another group.` : `Delete "${g.title}"?`}>
          {count > 0 && (
            <label className="field">Move items to
              <select aria-label="Move items to" value={moveTo} onChange={(e) => setMoveTo(e.target.value)}>
                <option value="">Archive them</option>
                {others.map((x) => <option key={x.id} value={x.id}>{x.title}</option>)}
              </select>
            </label>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}
