// The shell: who is logged in, the sidebar of workspaces and boards, the open board, the bell.
import { SearchDialog } from "./SearchDialog";
import type { SearchHit } from "../state/search";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useLocation } from "wouter";
import { api, messageOf, ok, setCsrf } from "../api/client";
import { Live, type Bus, type LiveStatus } from "../api/live";
import type { Board, Dashboard, Me, Notification, TemplateInfo, Workspace } from "../api/types";
import { ColumnTypesContext, useColumnTypeList } from "../state/columnTypes";
import { dropInvite, HOME, inviteOf, parseRoute, routePath, type Route } from "../state/route";
import { Auth } from "./Auth";
import { BoardPage } from "./BoardPage";
import { Bell } from "./Bell";
import { NewBoardDialog } from "./NewBoardDialog";
import { ShortcutSheet, useShortcuts } from "./Shortcuts";
import { Sidebar } from "./Sidebar";

// Pages other than a board's are their own chunks, loaded when first shown.
const DashboardPage = lazy(() => import("./DashboardPage").then((m) => ({ default: m.DashboardPage })));
const MyWork = lazy(() => import("./MyWork").then((m) => ({ default: m.MyWork })));
const Inbox = lazy(() => import("./Inbox").then((m) => ({ default: m.Inbox })));

/** Phones (as the stylesheet's breakpoint): the sidebar is a drawer over the page. */
const isPhone = () => window.matchMedia("(max-width: 800px)").matches;
const COLLAPSED = "sunday_sidebar_collapsed";

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const load = useCallback(() => {
    const fetchMe = () => ok(api.GET("/api/v1/me"));
    fetchMe()
      .then(async (m) => {
        setCsrf(m.csrf_token);
        // An invitation link opened while logged in joins that organization.
        const invite = inviteOf(location.search);
        if (invite) {
          dropInvite();
          await ok(api.POST("/api/v1/invites/{token}/accept", { params: { path: { token: invite } } })).catch(() => undefined);
          m = await fetchMe();
        }
        setMe(m);
      })
      .catch(() => setMe(null));
  }, []);
  useEffect(load, [load]);
  if (me === undefined) return <div className="loading">Loading…</div>;
  if (me === null) return <Auth onDone={load} />;
  return <Home me={me} onLogout={() => setMe(null)} />;
}

function Home({ me, onLogout }: { me: Me; onLogout: () => void }) {
  const [org, setOrg] = useState(me.orgs[0]?.org.id ?? "");
  // The sidebar's contents, one query per organization; `refresh` asks again after a change.
  const client = useQueryClient();
  const shell = useQuery({ queryKey: ["shell", org], queryFn: () => loadShell(org) });
  const { workspaces, boards, dashboards } = shell.data ?? EMPTY_SHELL;
  const refresh = useCallback(() => client.invalidateQueries({ queryKey: ["shell", org] }), [client, org]);
  const templates = useQuery({ queryKey: ["templates"], queryFn: async () => (await ok(api.GET("/api/v1/templates"))).data, staleTime: Infinity }).data ?? NO_TEMPLATES;
  // The address bar is the route: wouter keeps it (history, back and forward), parseRoute reads it.
  const [path, navigate] = useLocation();
  const route = useMemo(() => parseRoute(path, location.hash), [path]);
  const setRoute = useCallback(
    (next: Route | ((r: Route) => Route)) => {
      const to = routePath(typeof next === "function" ? next(route) : next);
      if (to !== location.pathname || location.hash) navigate(to + location.search);
    },
    [navigate, route],
  );
  const open = route.board;
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const [notifications, setNotifications] = useState<Notification[]>([]);
  /** Where the next page of older notifications starts (none: all are loaded). */
  const [olderNotes, setOlderNotes] = useState<string | null>(null);
  const [error, setError] = useState("");
  /** The workspace a new board is being named for. */
  const [newBoardIn, setNewBoardIn] = useState<string | null>(null);
  const columnTypes = useColumnTypeList();
  const allBoards = useMemo(() => Object.values(boards).flat(), [boards]);
  /** The sidebar put away (wide screens; kept in this browser) or the drawer open (phones). */
  const [collapsed, setCollapsed] = useState(() => localStorage.getItem(COLLAPSED) === "1");
  const [drawer, setDrawer] = useState(false);
  const [sheet, setSheet] = useState(false);
  /** The search dialog is open; `found` is the hit last opened from it (its item shows why). */
  const [searching, setSearching] = useState(false);
  const [found, setFound] = useState<SearchHit | null>(null);
  const collapse = (on: boolean) => {
    setCollapsed(on);
    localStorage.setItem(COLLAPSED, on ? "1" : "0");
  };
  /** The menu button, and the sidebar's own button to put it away. */
  const showSidebar = (on: boolean) => (isPhone() ? setDrawer(on) : collapse(!on));
  useShortcuts({ sidebar: () => showSidebar(isPhone() ? !drawer : collapsed), help: () => setSheet(true), find: () => setSearching(true) });
  // Escape closes the open drawer.
  useEffect(() => {
    if (!drawer) return;
    const key = (e: KeyboardEvent) => e.key === "Escape" && setDrawer(false);
    document.addEventListener("keydown", key);
    return () => document.removeEventListener("keydown", key);
  }, [drawer]);
  const bus = useRef<Bus>({ events: new Set(), presence: new Set(), resync: new Set() });
  const live = useMemo(
    () =>
      new Live({
        onEvent: (e) => bus.current.events.forEach((f) => f(e)),
        onPresence: (b, u) => bus.current.presence.forEach((f) => f(b, u)),
        onResync: (b) => bus.current.resync.forEach((f) => f(b)),
        onNotification: (n) => setNotifications((ns) => [n, ...ns]),
        onStatus: setStatus,
      }),
    [],
  );
  useEffect(() => () => live.close(), [live]);

  useEffect(() => {
    ok(api.GET("/api/v1/me/notifications")).then((page) => { setNotifications(page.data); setOlderNotes(page.next_cursor ?? null); }, () => undefined);
  }, []);
  // A link from before paths (`/#/{board}`) is rewritten to the board's path.
  useEffect(() => {
    if (location.hash.startsWith("#/")) navigate(routePath(parseRoute(location.pathname, location.hash)) + location.search, { replace: true });
  }, [navigate]);
  const setOpen = useCallback((board: string | null) => {
    setRoute(board ? { board, item: null } : HOME);
    setDrawer(false);
  }, [setRoute]);
  const openItem = useCallback((item: string | null) => setRoute((r) => ({ ...r, item })), [setRoute]);

  function moreNotifications() {
    if (!olderNotes) return;
    ok(api.GET("/api/v1/me/notifications", { params: { query: { cursor: olderNotes } } })).then((page) => {
      setNotifications((ns) => [...ns, ...page.data.filter((n) => !ns.some((x) => x.id === n.id))]);
      setOlderNotes(page.next_cursor ?? null);
    }, (e) => setError(messageOf(e)));
  }
  /** Marks the given notifications (all, for `null`) read. */
  function readNotifications(ids: string[] | null) {
    if (ids?.length === 0) return;
    const now = new Date().toISOString();
    ok(api.POST("/api/v1/me/notifications/read", { body: ids ? { ids } : {} })).catch((e) => setError(messageOf(e)));
    setNotifications((ns) => ns.map((n) => (!n.read_at && (!ids || ids.includes(n.id)) ? { ...n, read_at: now } : n)));
  }

  /** A notification opens what it is about, and counts as read. */
  function openNotification(n: Notification) {
    if (n.board_id) setRoute({ board: n.board_id, item: n.item_id ?? null });
    if (!n.read_at) {
      ok(api.POST("/api/v1/me/notifications/read", { body: { ids: [n.id] } })).catch(() => undefined);
      setNotifications((ns) => ns.map((x) => (x.id === n.id ? { ...x, read_at: new Date().toISOString() } : x)));
    }
  }

  async function createBoard(template?: string, workspace?: string, named?: string) {
    const name = named ?? (template ? templates.find((t) => t.id === template)?.name ?? "New board" : "New board");
    const workspaceId = workspace ?? workspaces[0]?.id;
    if (!workspaceId) return;
    try {
      const b = await ok(api.POST("/api/v1/boards", { body: { name, workspace_id: workspaceId, template } }));
      await refresh();
      setOpen(b.id);
    } catch (e) {
      setError(messageOf(e));
    }
  }

  async function logout() {
    await ok(api.POST("/api/v1/auth/logout")).catch(() => undefined);
    onLogout();
  }

  return (
    <ColumnTypesContext value={columnTypes}>
    <div className={"shell" + (collapsed ? " collapsed" : "") + (drawer ? " drawer-open" : "")}>
      <div className="drawer-backdrop" onClick={() => setDrawer(false)} />
      <Sidebar
        onHide={() => showSidebar(false)}
        me={me}
        org={org}
        onOrg={(o) => { setOrg(o); setOpen(null); }}
        workspaces={workspaces}
        boards={boards}
        open={open}
        onOpen={setOpen}
        onCreateBoard={setNewBoardIn}
        onCreateWorkspace={(name) => ok(api.POST("/api/v1/workspaces", { body: { name, org_id: org } })).then(refresh).catch((e) => setError(messageOf(e)))}
        onRename={(id, name) => ok(api.PATCH("/api/v1/boards/{id}", { params: { path: { id } }, body: { name } })).then(refresh).catch((e) => setError(messageOf(e)))}
        onLogout={logout}
        page={route.page}
        onPage={(page) => { setRoute({ board: null, item: null, page }); setDrawer(false); }}
        unread={notifications.filter((n) => !n.read_at).length}
        dashboards={dashboards}
        dashboard={route.dashboard}
        onDashboard={(dashboard) => { setRoute({ board: null, item: null, dashboard }); setDrawer(false); }}
        onCreateDashboard={(workspace, name) => ok(api.POST("/api/v1/workspaces/{id}/dashboards", { params: { path: { id: workspace } }, body: { name } }))
          .then(async (d) => { await refresh(); setRoute({ board: null, item: null, dashboard: d.id }); }, (e) => setError(messageOf(e)))}
      />
      <main>
        <header className="topbar">
          <button className="menu-button" aria-label="Open sidebar" aria-expanded={drawer || !collapsed} onClick={() => showSidebar(true)}>☰</button>
          <span className={"status " + status}>{status === "online" ? "● Live" : status === "offline" ? "○ Offline — reconnecting…" : "◌ Connecting…"}</span>
          <button className="search-open" aria-label="Search everything" title="Search everything (Ctrl K / ⌘ K)" onClick={() => setSearching(true)}>⌕ Search <kbd>Ctrl K</kbd></button>
          <Bell notifications={notifications} onOpen={openNotification} onRead={() => setNotifications((ns) => ns.map((n) => ({ ...n, read_at: n.read_at ?? new Date().toISOString() })))} />
        </header>
        {(error || shell.error) && <div className="error banner">{error || messageOf(shell.error)}</div>}
        <Suspense fallback={<div className="muted">Loading…</div>}>
        {open ? (
          <BoardPage key={open} boardId={open} item={route.item} found={found} onItem={openItem} me={me} live={live} bus={bus.current} boards={allBoards} onDeleted={() => { setOpen(null); refresh(); }}
            onOpenBoard={setOpen} onBoardsChanged={() => refresh().catch((e) => setError(messageOf(e)))} />
        ) : route.dashboard ? (
          <DashboardPage key={route.dashboard} id={route.dashboard} boards={allBoards} meId={me.user.id} live={live} bus={bus.current}
            onOpen={(board, item) => setRoute({ board, item })} onDeleted={() => { setRoute(HOME); refresh(); }} />
        ) : route.page === "work" ? (
          <MyWork org={org} onOpen={(board, item) => setRoute({ board, item })} />
        ) : route.page === "inbox" ? (
          <Inbox notifications={notifications} onMore={olderNotes ? moreNotifications : undefined} onRead={readNotifications} onOpen={openNotification} />
        ) : (
          <FirstRun templates={templates} ready={workspaces.length > 0} onCreate={(t) => createBoard(t)} />
        )}
        </Suspense>
      </main>
      {sheet && <ShortcutSheet onClose={() => setSheet(false)} />}
      {searching && <SearchDialog onClose={() => setSearching(false)} onOpen={(hit) => {
        setFound(hit);
        setRoute({ board: hit.board_id, item: hit.item_id ?? null });
        setDrawer(false);
        setSearching(false);
      }} />}
      {newBoardIn && <NewBoardDialog templates={templates} onCreate={(name, template) => createBoard(template, newBoardIn, name)} onClose={() => setNewBoardIn(null)} />}
    </div>
    </ColumnTypesContext>
  );
}

type Shell = { workspaces: Workspace[]; boards: Record<string, Board[]>; dashboards: Record<string, Dashboard[]> };
const EMPTY_SHELL: Shell = { workspaces: [], boards: {}, dashboards: {} };
const NO_TEMPLATES: TemplateInfo[] = [];

/** An organization's workspaces with their boards and dashboards; a new user's first
 * workspace is made here. */
async function loadShell(org: string): Promise<Shell> {
  let workspaces = (await ok(api.GET("/api/v1/workspaces", { params: { query: { org_id: org } } }))).data;
  if (workspaces.length === 0) workspaces = [await ok(api.POST("/api/v1/workspaces", { body: { name: "Main workspace", org_id: org } }))];
  const each = <T,>(load: (w: Workspace) => Promise<T>) => Promise.all(workspaces.map(async (w) => [w.id, await load(w)] as const)).then(Object.fromEntries);
  const [boards, dashboards] = await Promise.all([
    each(async (w) => (await ok(api.GET("/api/v1/boards", { params: { query: { workspace_id: w.id } } }))).data),
    each(async (w) => (await ok(api.GET("/api/v1/workspaces/{id}/dashboards", { params: { path: { id: w.id } } }))).data),
  ]);
  return { workspaces, boards, dashboards };
}

/** Templates to start from. `ready` once a workspace exists to hold the board (a new user's
 * first workspace is being created while this shows). */
function FirstRun({ templates, ready, onCreate }: { templates: TemplateInfo[]; ready: boolean; onCreate: (t?: string) => void }) {
  return (
    <div className="first-run">
      <h2>Start with a template</h2>
      <div className="templates">
        {templates.map((t) => (
          <button key={t.id} className="template" disabled={!ready} onClick={() => onCreate(t.id)}>
            <strong>{t.name}</strong>
            <span>{t.description}</span>
          </button>
        ))}
        <button className="template" disabled={!ready} onClick={() => onCreate()}>
          <strong>Blank board</strong>
          <span>Start from scratch.</span>
        </button>
      </div>
    </div>
  );
}
