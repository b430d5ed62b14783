// The left sidebar: organization switcher, workspaces with their boards, board search,
// favourites, create and rename, and the organization's export for its owners.
import { useState } from "react";
import type { Board, Dashboard, Me, Workspace } from "../api/types";
import type { Page } from "../state/route";
import { Avatar } from "./Avatar";
import { AskDialog } from "./Dialog";

export type SidebarProps = {
  me: Me;
  org: string;
  onOrg: (org: string) => void;
  workspaces: Workspace[];
  boards: Record<string, Board[]>;
  open: string | null;
  onOpen: (id: string) => void;
  onCreateBoard: (workspace: string) => void;
  onCreateWorkspace: (name: string) => void;
  onRename: (board: string, name: string) => void;
  onLogout: () => void;
  /** Puts the sidebar away (collapses it, or closes the drawer on a phone). */
  onHide: () => void;
  /** The page open instead of a board, and how to open one. */
  page?: Page;
  onPage: (page: Page) => void;
  unread: number;
  /** Each workspace's dashboards, the one open, and how to open or make one. */
  dashboards: Record<string, Dashboard[]>;
  dashboard?: string;
  onDashboard: (id: string) => void;
  onCreateDashboard: (workspace: string, name: string) => void;
};

export function Sidebar(p: SidebarProps) {
  const [query, setQuery] = useState("");
  const [favourites, setFavourites] = useState<string[]>(() => JSON.parse(localStorage.getItem("sunday_favourites") ?? "[]"));
  const [renaming, setRenaming] = useState<string | null>(null);
  const [naming, setNaming] = useState(false);
  /** The workspace a new dashboard is being named for. */
  const [dashboardIn, setDashboardIn] = useState<string | null>(null);
  const toggleFavourite = (id: string) => {
    const next = favourites.includes(id) ? favourites.filter((f) => f !== id) : [...favourites, id];
    setFavourites(next);
    localStorage.setItem("sunday_favourites", JSON.stringify(next));
  };
  const all = Object.values(p.boards).flat();
  const match = (b: Board) => b.name.toLowerCase().includes(query.toLowerCase());
  const link = (b: Board) =>
    renaming === b.id ? (
      <input key={b.id} autoFocus aria-label="Board name" defaultValue={b.name}
        onBlur={(e) => { setRenaming(null); if (e.target.value.trim() && e.target.value !== b.name) p.onRename(b.id, e.target.value.trim()); }}
        onKeyDown={(e) => e.key === "Enter" && (e.target as HTMLInputElement).blur()} />
    ) : (
      <div key={b.id} className={"board-link" + (b.id === p.open ? " active" : "")}>
        <button className="board-name" onClick={() => p.onOpen(b.id)} onDoubleClick={() => setRenaming(b.id)} title="Double-click to rename">▦ {b.name}</button>
        <button className={"star" + (favourites.includes(b.id) ? " on" : "")} aria-label={`Favourite ${b.name}`} onClick={() => toggleFavourite(b.id)}>★</button>
      </div>
    );
  return (
    <aside className="sidebar" aria-label="Sidebar">
      <div className="sidebar-head">
        <div className="logo">sunday<span>.</span></div>
        <button className="link" aria-label="Hide sidebar" title="Hide sidebar ([)" onClick={p.onHide}>«</button>
      </div>
      {p.me.orgs.length > 1 ? (
        <select aria-label="Organization" className="org" value={p.org} onChange={(e) => p.onOrg(e.target.value)}>
          {p.me.orgs.map((m) => <option key={m.org.id} value={m.org.id}>{m.org.name}</option>)}
        </select>
      ) : (
        <div className="org">{p.me.orgs[0]?.org.name}</div>
      )}
      <button className={"page-link" + (p.page === "work" ? " active" : "")} onClick={() => p.onPage("work")}>✓ My work</button>
      <button className={"page-link" + (p.page === "inbox" ? " active" : "")} onClick={() => p.onPage("inbox")}>
        ✉ Inbox{p.unread > 0 && <span className="badge" aria-label={`${p.unread} unread`}>{p.unread}</span>}
      </button>
      <input className="board-search" aria-label="Search boards" placeholder="Search boards" value={query} onChange={(e) => setQuery(e.target.value)} />
      {favourites.length > 0 && (
        <>
          <div className="section">Favourites</div>
          {all.filter((b) => favourites.includes(b.id) && match(b)).map(link)}
        </>
      )}
      {p.workspaces.map((w) => (
        <div key={w.id}>
          <div className="section">{w.name}</div>
          {(p.boards[w.id] ?? []).filter(match).map(link)}
          {(p.dashboards[w.id] ?? []).map((d) => (
            <button key={d.id} className={"board-name dashboard-link" + (p.dashboard === d.id ? " active" : "")} onClick={() => p.onDashboard(d.id)}>▤ {d.name}</button>
          ))}
          <button className="add" onClick={() => p.onCreateBoard(w.id)}>+ New board</button>
          <button className="add" onClick={() => setDashboardIn(w.id)}>+ New dashboard</button>
        </div>
      ))}
      <button className="add" onClick={() => setNaming(true)}>+ New workspace</button>
      {p.me.orgs.find((m) => m.org.id === p.org)?.role === "owner" && (
        // The whole organization as a portable archive (owners only; no password hashes).
        <a className="add" href={`/api/v1/orgs/${p.org}/export`} download>⇩ Export organization</a>
      )}
      {dashboardIn && <AskDialog title="New dashboard" label="Dashboard name" initial="Overview" submit="Create dashboard" onSubmit={(name) => p.onCreateDashboard(dashboardIn, name)} onClose={() => setDashboardIn(null)} />}
      {naming && <AskDialog title="New workspace" label="Workspace name" submit="Create workspace" onSubmit={p.onCreateWorkspace} onClose={() => setNaming(false)} />}
      <div className="user">
        <Avatar id={p.me.user.id} name={p.me.user.name} /> {p.me.user.name}
        <button className="link" onClick={p.onLogout}>Log out</button>
      </div>
    </aside>
  );
}
