// A board: header, view tabs (main table, kanban, saved views), toolbar with search and the
// filter builder, the table or kanban, and the item panel. Live events keep it current.
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, del, get, patch, post } from "../api/client";
import type { Live } from "../api/live";
import type { Board, BoardEvent, Item, Me, Member, QueryResponse } from "../api/types";
import { directory, initials, setDirectory } from "./Cell";
import { apply, initial, replaceItem, setValue, type BoardState } from "../state/board";
import type { Bus } from "./App";
import { FilterBuilder, type Condition } from "./FilterBuilder";
import { ItemPanel } from "./ItemPanel";
import { compareMany } from "../state/sort";
import { Kanban } from "./Kanban";
import { Table } from "./Table";

type View = { id: string; name: string; type: string; filter?: unknown; sort?: unknown; group_by?: string | null; hidden_columns?: string[]; settings?: Record<string, unknown> };

export function BoardPage({ boardId, me, live, bus, onDeleted }: { boardId: string; me: Me; live: Live; bus: Bus; onDeleted: () => void }) {
  const [state, setState] = useState<BoardState | null>(null);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const flash = (m: string) => {
    setNotice(m);
    setTimeout(() => setNotice(""), 5000);
  };
  const [tab, setTab] = useState<string>("table");
  const [views, setViews] = useState<View[]>([]);
  const [search, setSearch] = useState("");
  const [conditions, setConditions] = useState<Condition[]>([]);
  const [visible, setVisible] = useState<Set<string> | null>(null);
  const [panel, setPanel] = useState<string | null>(null);
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const [sortKeys, setSortKeys] = useState<{ column: string; desc: boolean }[]>([]);
  const [groupBy, setGroupBy] = useState<string>("");
  const [cardColumns, setCardColumns] = useState<string[] | null>(null);
  const [laneColumn, setLaneColumn] = useState<string | undefined>(undefined);
  const [editing] = useState(() => new Set<string>());
  const [presence, setPresence] = useState<{ user_id: string; item_id?: string | null; state: string }[]>([]);

  const orgRef = useRef("");
  const refreshPeople = useCallback(async () => {
    if (!orgRef.current) return;
    const members = await get<{ data: Member[] }>(`/orgs/${orgRef.current}/members?limit=500`).catch(() => ({ data: [] as Member[] }));
    setDirectory(members.data.map((m) => ({ id: m.user.id, name: m.user.name })));
  }, []);
  const nameOf = (id: string) => directory().find((d) => d.id === id)?.name ?? (id === me.user.id ? me.user.name : "Someone");
  const load = useCallback(async () => {
    try {
      const board = await get<Board>(`/boards/${boardId}`);
      const items: Item[] = [];
      let cursor: string | null | undefined = undefined;
      do {
        const page: QueryResponse = await post<QueryResponse>(`/boards/${boardId}/items/query`, { limit: 500, cursor });
        items.push(...page.data);
        cursor = page.next_cursor;
      } while (cursor);
      setState(initial(board, items));
      setViews(await get<View[]>(`/boards/${boardId}/views`));
      orgRef.current = board.org_id;
      await refreshPeople();
      live.subscribe(boardId, board.last_seq);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }, [boardId, live, refreshPeople]);

  useEffect(() => {
    load();
    const onEvent = (e: BoardEvent) => {
      if (e.board_id !== boardId) return;
      setState((s) => (s ? apply(s, e, editing) : s));
    };
    const onPresence = (b: string, users: typeof presence) => {
      if (b !== boardId) return;
      setPresence(users);
      // Someone new on the board (just invited): refresh the people directory for their name.
      if (users.some((u) => !directory().some((d) => d.id === u.user_id))) refreshPeople();
    };
    const onResync = (b: string) => b === boardId && load();
    bus.events.add(onEvent);
    bus.presence.add(onPresence);
    bus.resync.add(onResync);
    live.presence(boardId, null, "viewing");
    const keepAlive = setInterval(() => live.presence(boardId, null, "viewing"), 20_000);
    return () => {
      bus.events.delete(onEvent);
      bus.presence.delete(onPresence);
      bus.resync.delete(onResync);
      clearInterval(keepAlive);
      live.unsubscribe(boardId);
    };
  }, [boardId, bus, live, load, editing, refreshPeople]);

  useEffect(() => {
    if (state?.stale) load();
  }, [state?.stale, load]);

  // Search and filter are answered by the server's query engine; the view shows the matches.
  useEffect(() => {
    const complete = (c: Condition) => c.column && c.op && (["is_empty", "is_not_empty"].includes(c.op) || (c.value !== undefined && c.value !== "" && !(Array.isArray(c.value) && !c.value[0])));
    const parts: unknown[] = conditions.filter(complete).map((c) => ({ column: c.column, op: c.op, value: c.value }));
    if (search.trim()) parts.push({ column: "name", op: "contains", value: search.trim() });
    if (parts.length === 0) return setVisible(null);
    post<QueryResponse>(`/boards/${boardId}/items/query`, { filter: { and: parts }, limit: 500 })
      .then((r) => setVisible(new Set(r.data.map((i) => i.id))))
      .catch((e) => flash(e instanceof ApiError ? e.message : String(e)));
  }, [search, conditions, boardId, state?.seq]);

  if (error) return <div className="error banner" role="alert">{error}</div>;
  if (!state) return <div className="loading">Loading board…</div>;
  const board = state.board;
  const items = visible ? state.items.filter((i) => visible.has(i.id)) : state.items;

  async function saveValue(item: Item, column: string, value: unknown) {
    setState((s) => (s ? setValue(s, item.id, column, value) : s));
    try {
      const next = await patch<Item>(`/items/${item.id}`, { values: { [column]: value } });
      setState((s) => (s ? replaceItem(s, next) : s));
    } catch (e) {
      flash(e instanceof ApiError ? e.message : String(e));
      load();
    }
  }

  async function rename(item: Item, name: string) {
    try {
      const next = await patch<Item>(`/items/${item.id}`, { name }, { "if-match": `"${item.version}"` });
      setState((s) => (s ? replaceItem(s, next) : s));
    } catch (e) {
      if (e instanceof ApiError && e.code === "version_conflict") {
        const current = (e.details as { current: Item }).current;
        setState((s) => (s ? replaceItem(s, current) : s));
        flash(`Someone else changed this item first; it now reads "${current.name}".`);
      }
    }
  }

  async function addItem(group: string, name: string, values?: Record<string, unknown>) {
    const it = await post<Item>(`/boards/${boardId}/items`, { name, group_id: group, values });
    setState((s) => (s ? replaceItem(s, it) : s));
  }

  async function moveItem(item: Item, group: string, after?: string) {
    const next = await patch<Item>(`/items/${item.id}`, { group_id: group, position: after ? { after } : { at: "bottom" } });
    setState((s) => (s ? replaceItem(s, next) : s));
  }

  const columnActions = {
    onAdd: (title: string, type: string) => post(`/boards/${boardId}/columns`, { title, type }).catch((e) => flash(e.message)),
    onRename: (id: string, title: string) => patch(`/boards/${boardId}/columns/${id}`, { title }).catch((e) => flash(e.message)),
    onDelete: (id: string) => del(`/boards/${boardId}/columns/${id}`).catch((e) => flash(e.message)),
    onHide: (id: string) => setHidden(new Set([...hidden, id])),
    onResize: (id: string, width: number) => patch(`/boards/${boardId}/columns/${id}`, { width: Math.round(width) }).catch((e) => flash(e.message)),
    onMove: (id: string, before: string) => patch(`/boards/${boardId}/columns/${id}`, { position: { before } }).catch((e) => flash(e.message)),
  };

  async function saveView() {
    const name = prompt("Name of the view", "My view");
    if (!name) return;
    const filter = conditions.length ? { and: conditions.map((c) => ({ column: c.column, op: c.op, value: c.value })) } : null;
    const kanban = mode === "kanban";
    const v = await post<View>(`/boards/${boardId}/views`, {
      name,
      type: kanban ? "kanban" : "table",
      filter,
      hidden_columns: [...hidden],
      sort: sortKeys.length ? sortKeys.map((s) => ({ column: s.column, dir: s.desc ? "desc" : "asc" })) : null,
      group_by: groupBy || null,
      settings: kanban ? { card_columns: cards, ...(laneColumn ? { lane_column: laneColumn } : {}) } : {},
    });
    setViews([...views, v]);
    setTab(v.id);
  }

  const activeView = views.find((v) => v.id === tab);
  // A saved view brings back everything it saved.
  function open(v: View) {
    setTab(v.id);
    setConditions(toConditions(v.filter));
    setHidden(new Set(v.hidden_columns ?? []));
    setSortKeys(((v.sort as { column: string; dir: string }[] | null | undefined) ?? []).map((s) => ({ column: s.column, desc: s.dir === "desc" })));
    setGroupBy(v.group_by ?? "");
    setCardColumns((v.settings?.card_columns as string[] | undefined) ?? null);
    setLaneColumn((v.settings?.lane_column as string | undefined) ?? undefined);
  }
  const cards = cardColumns ?? (board.columns ?? []).filter((c) => c.type !== "status").slice(0, 2).map((c) => c.id);
  const mode = tab === "kanban" || activeView?.type === "kanban" ? "kanban" : "table";
  const others = presence.filter((p) => p.user_id !== me.user.id);
  const editors = new Map(presence.filter((p) => p.state === "editing" && p.item_id && p.user_id !== me.user.id).map((p) => [p.item_id as string, p.user_id]));

  return (
    <section className="board">
      <div className="board-head">
        <h1>{board.name}</h1>
        <div className="presence" data-testid="presence">
          {presence.map((p) => <span key={p.user_id} className="avatar" title={`${nameOf(p.user_id)}: ${p.state}`}>{p.user_id === me.user.id ? me.user.name.slice(0, 1).toUpperCase() : initials(p.user_id, me.user.id)}</span>)}
          {others.length > 0 && <span className="muted">{others.length} other{others.length > 1 ? "s" : ""} here</span>}
        </div>
        <Members boardId={boardId} orgId={board.org_id} meId={me.user.id} />
        {board.permission === "owner" && <button className="link danger" onClick={() => confirm("Delete this board?") && del(`/boards/${boardId}`).then(onDeleted)}>Delete board</button>}
      </div>
      {board.description && <p className="muted">{board.description}</p>}
      {notice && <div className="error banner" role="alert">{notice}</div>}
      <div className="tabs">
        <button className={tab === "table" ? "active" : ""} onClick={() => { setTab("table"); setConditions([]); setHidden(new Set()); }}>Main table</button>
        <button className={tab === "kanban" ? "active" : ""} onClick={() => setTab("kanban")}>Kanban</button>
        {views.map((v) => (
          <button key={v.id} className={tab === v.id ? "active" : ""} onClick={() => open(v)}>{v.name}</button>
        ))}
        <button className="link" onClick={saveView}>+ Save view</button>
      </div>
      <div className="toolbar">
        <button className="primary" onClick={() => board.groups?.[0] && addItem(board.groups[0].id, "New item")}>New item</button>
        <input className="search" placeholder="Search" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search" />
        <FilterBuilder columns={board.columns ?? []} conditions={conditions} onChange={setConditions} />
        {[0, 1].filter((k) => k <= sortKeys.length).map((k) => (
          <span key={k} className="sort-key">
            <select aria-label={k === 0 ? "Sort by" : "Then by"} value={sortKeys[k]?.column ?? ""}
              onChange={(e) => setSortKeys(e.target.value ? [...sortKeys.slice(0, k), { column: e.target.value, desc: sortKeys[k]?.desc ?? false }] : sortKeys.slice(0, k))}>
              <option value="">{k === 0 ? "Sort…" : "then by…"}</option>
              <option value="name">Name</option>
              {(board.columns ?? []).map((c) => <option key={c.id} value={c.id}>{c.title}</option>)}
            </select>
            {sortKeys[k] && (
              <button className="filter-add" aria-label={`Sort direction ${k + 1}`} onClick={() => setSortKeys(sortKeys.map((s, j) => (j === k ? { ...s, desc: !s.desc } : s)))}>
                {sortKeys[k].desc ? "↓" : "↑"}
              </button>
            )}
          </span>
        ))}
        <select aria-label="Group by" value={groupBy} onChange={(e) => setGroupBy(e.target.value)}>
          <option value="">Group: board groups</option>
          {(board.columns ?? []).filter((c) => c.type === "status" || c.type === "dropdown").map((c) => <option key={c.id} value={c.id}>Group: {c.title}</option>)}
        </select>
      </div>
      {mode === "table" ? (
        <Table
          board={board}
          items={items}
          meId={me.user.id}
          editors={editors}
          onSave={saveValue}
          onRename={rename}
          onAdd={addItem}
          onOpen={setPanel}
          onMove={moveItem}
          hidden={hidden}
          columnActions={columnActions}
          groupBy={(board.columns ?? []).find((c) => c.id === groupBy)}
          sort={sortKeys.length ? compareMany(sortKeys) : undefined}
          onArchive={(list) => list.forEach((i) => del(`/items/${i.id}`).catch((e) => flash(e.message)))}
          onEditing={(item, col, on) => {
            const key = `${item.id}:${col}`;
            if (on) editing.add(key);
            else editing.delete(key);
            live.presence(boardId, on ? item.id : null, on ? "editing" : "viewing");
          }}
        />
      ) : (
        <Kanban board={board} items={items} laneColumn={laneColumn} onLaneColumn={setLaneColumn} meId={me.user.id} cardColumns={cards} onCardColumns={setCardColumns} onSave={saveValue} onAdd={addItem} onOpen={setPanel} />
      )}
      {panel && <ItemPanel itemId={panel} board={board} me={me} onClose={() => setPanel(null)} />}
    </section>
  );
}

function toConditions(filter: unknown): Condition[] {
  const and = (filter as { and?: Condition[] } | null)?.and;
  return Array.isArray(and) ? and.map((c) => ({ column: c.column, op: c.op, value: c.value })) : [];
}

/** The board's members as avatars, and an invitation link for new people. */
function Members({ boardId, orgId, meId }: { boardId: string; orgId: string; meId: string }) {
  const [members, setMembers] = useState<{ user_id: string; permission: string }[]>([]);
  const [link, setLink] = useState("");
  useEffect(() => {
    get<{ user_id: string; permission: string }[]>(`/boards/${boardId}/members`).then(setMembers).catch(() => undefined);
  }, [boardId]);
  async function invite() {
    const email = prompt("Invite by email");
    if (!email) return;
    try {
      const inv = await post<{ token: string }>(`/orgs/${orgId}/invites`, { email, role: "member" });
      setLink(`${location.origin}/?invite=${inv.token}`);
    } catch (e) {
      setLink(e instanceof ApiError ? e.message : String(e));
    }
  }
  return (
    <div className="members">
      {members.map((m) => <span key={m.user_id} className="avatar small" title={m.permission}>{initials(m.user_id, meId)}</span>)}
      <button className="link" onClick={invite}>Invite</button>
      {link && <input className="invite-link" readOnly value={link} aria-label="Invitation link" onFocus={(e) => e.target.select()} />}
    </div>
  );
}
