// A board: header, view tabs (main table, kanban, saved views), toolbar with search and the
// filter builder, the table or kanban, and the item panel. The board itself lives in useBoard.
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, messageOf, ok } from "../api/client";
import type { Bus, Live } from "../api/live";
import type { Board, BoardMember, Column, Item, Me, View } from "../api/types";
import { isDependedOn, isGroupable, useColumnTypes } from "../state/columnTypes";
import { filterOf, rowsOf, type Match } from "../state/filterQuery";
import { useFormulaProgress } from "../state/formulaProgress";
import { ItemNamesContext } from "../state/itemNames";
import { LiveContext } from "../state/liveContext";
import { PeopleContext, useDirectory, usePeople } from "../state/people";
import { UploadOrgContext } from "../state/files";
import type { SearchHit } from "../state/search";
import { Avatar } from "./Avatar";
import { labelsOf, laneColumnOf } from "../state/lanes";
import { useDatedCards, useGalleryCards, useLanes } from "../state/lanePages";
import { dateColumnOf } from "../state/calendar";
import { PERMISSION_WORDS } from "../state/sharing";
import { systemActorName } from "../state/automations";
import { cellEditors } from "../state/presence";
import { compareMany, type SortKey, sortQuery } from "../state/sort";
import { useBoard } from "../state/useBoard";
import { useFooters } from "../state/counts";
import { useFiltered } from "../state/useFiltered";
import { useViews } from "../state/views";
import type { ColumnActions } from "./ColumnHeader";
import { COLORS } from "./Cell";
import { BoardMenu } from "./BoardMenu";
import { AskDialog } from "./Dialog";
import { FilterBuilder, type Condition } from "./FilterBuilder";
import { HiddenColumns } from "./HiddenColumns";
import { ItemPanel } from "./ItemPanel";
import { chartOf, type ChartSettings } from "../state/chart";
import { workloadOf, type WorkloadSettings } from "../state/workload";
import type { Zoom } from "../state/timeline";

// The views beyond the table are their own chunks, loaded when first opened (the kanban's
// brings dnd-kit).
const Kanban = lazy(() => import("./Kanban").then((m) => ({ default: m.Kanban })));
const Calendar = lazy(() => import("./Calendar").then((m) => ({ default: m.Calendar })));
const Gallery = lazy(() => import("./Gallery").then((m) => ({ default: m.Gallery })));
const FormBuilder = lazy(() => import("./FormBuilder").then((m) => ({ default: m.FormBuilder })));
const Workload = lazy(() => import("./Workload").then((m) => ({ default: m.Workload })));
const Timeline = lazy(() => import("./Timeline").then((m) => ({ default: m.Timeline })));
import { MoveToBoardDialog } from "./MoveToBoardDialog";
import { useShortcuts } from "./Shortcuts";
import { Table } from "./Table";
import { Toast, type ToastMessage } from "./Toast";

// The chart view and its library load when a chart is first opened.
const ChartView = lazy(() => import("./ChartView"));
const NO_ITEMS: Item[] = [];
const NO_IDS: ReadonlySet<string> = new Set();

/** `item` is the item whose panel is open (it is part of the URL); `onItem` opens or closes one.
 * `boards` are the boards the app knows (the sidebar's), to name those items move to or from. */
export function BoardPage({ boardId, item, found, onItem, me, live, bus, boards, onDeleted, onOpenBoard, onBoardsChanged }: {
  boardId: string; item: string | null; onItem: (item: string | null) => void; me: Me; live: Live; bus: Bus; boards: Board[];
  /** The search hit the user opened, shown in its item's panel. */
  found?: SearchHit | null;
  onDeleted: () => void; onOpenBoard: (id: string) => void; onBoardsChanged: () => void;
}) {
  const [notice, setNotice] = useState("");
  const flash = (m: string) => {
    setNotice(m);
    setTimeout(() => setNotice(""), 5000);
  };
  const { state, error, presence, actions, columns, groups, loadRest } = useBoard(boardId, live, bus, flash);
  // For the subitem tables, which follow their own boards.
  const following = useMemo(() => ({ live, bus }), [live, bus]);
  // On a large board, a saved formula's values follow in the background: its progress shows.
  const recompute = useFormulaProgress(boardId);
  const { people, ensure } = useDirectory(state?.board.org_id);
  const types = useColumnTypes();
  const [tab, setTab] = useState<string>("table");
  const { views, update: setViews } = useViews(boardId);
  const [search, setSearch] = useState("");
  const [conditions, setConditions] = useState<Condition[]>([]);
  const [match, setMatch] = useState<Match>("and");
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const [sortKeys, setSortKeys] = useState<SortKey[]>([]);
  /** Bumped when the sharing dialog changed the members, so their avatars reload. */
  const [membersSeen, setMembersSeen] = useState(0);
  // Kept between renders: the table regroups and re-sorts its rows only when this changes.
  const boardColumns = state?.board.columns;
  const sort = useMemo(() => (sortKeys.length ? compareMany(boardColumns ?? [], sortKeys) : undefined), [sortKeys, boardColumns]);
  const sorted = useMemo(() => sortQuery(sortKeys), [sortKeys]);
  const [groupBy, setGroupBy] = useState<string>("");
  const [cardColumns, setCardColumns] = useState<string[] | null>(null);
  const [laneColumn, setLaneColumn] = useState<string | undefined>(undefined);
  const [coverColumn, setCoverColumn] = useState<string | undefined>(undefined);
  const [dateColumn, setDateColumn] = useState<string | undefined>(undefined);
  const [chartSettings, setChartSettings] = useState<ChartSettings | null>(null);
  const [workloadSettings, setWorkloadSettings] = useState<WorkloadSettings | null>(null);
  const [timelineColumn, setTimelineColumn] = useState<string | undefined>(undefined);
  const [rowsBy, setRowsBy] = useState<string | undefined>(undefined);
  const [zoom, setZoom] = useState<Zoom>("week");
  const [asking, setAsking] = useState<"view" | "group" | null>(null);
  /** The item being moved to another board (its dialog is open). */
  const [moving, setMoving] = useState<Item | null>(null);
  const [toast, setToast] = useState<ToastMessage | null>(null);
  const endToast = useCallback(() => setToast(null), []);
  /** My last change that can be undone: kept after its toast goes, until undone or replaced. */
  const undoable = useRef<ToastMessage | null>(null);
  const say = (m: ToastMessage) => {
    setToast(m);
    undoable.current = m.undo ? m : null;
  };
  const undoLast = () => {
    const m = undoable.current;
    undoable.current = null;
    setToast(null);
    m?.undo?.();
  };
  const searchBox = useRef<HTMLInputElement>(null);

  // Someone new on the board (just invited): the directory learns their name.
  useEffect(() => ensure(presence.map((p) => p.user_id)), [presence, ensure]);
  // The table and the timeline fetch their rows a page at a time as they come into view (the
  // timeline's axis spans every match through the server's footers); the chart asks the server
  // for its counts, the kanban for each lane's cards, the gallery for its cards as they scroll
  // into view, the calendar for the days and the workload for the weeks shown
  // (state/lanePages.ts).
  const savedType = views.find((v) => v.id === tab)?.type;
  const timelineShown = tab === "timeline" || savedType === "timeline";
  // Counts are per group, or per value of the column the rows are grouped by: the table's
  // group-by, or the timeline's rows.
  const timelineRows = boardColumns?.find((c) => c.id === rowsBy && isGroupable(types, c.type));
  const tableGroupBy = groupBy && boardColumns?.some((c) => c.id === groupBy) ? groupBy : "group";
  const groupKey = timelineShown ? (timelineRows?.id ?? "group") : tableGroupBy;
  const lanesShown = tab === "kanban" || savedType === "kanban";
  const galleryShown = tab === "gallery" || savedType === "gallery";
  const filter = filterOf(conditions, match, search);
  // A search, a filter, a sort or grouping by a column is a query the server answers a page at
  // a time in its order, with counts per group.
  const { items, matches, loadMore } = useFiltered(boardId, filter, sorted, groupKey, state, flash);
  // A large board comes a page at a time (useBoard): the table and the timeline keep places for
  // the items not fetched yet and fetch them as they come into view.
  const rest = state?.rest ?? null;
  const fetched = state?.fetched;
  const paged = useMemo(() => {
    if (matches) return matches.cursor ? { counts: matches.counts, matched: matches.matched } : null;
    return rest && fetched ? { counts: rest.counts, matched: fetched } : null;
  }, [matches, rest, fetched]);
  // Groups not all here show the server's footers (state/counts.ts).
  const footers = useFooters(boardId, filter, groupKey, !!paged, bus);
  const paging = useMemo(() => paged && { ...paged, footers }, [paged, footers]);
  const laneBy = laneColumnOf(boardColumns ?? [], types, laneColumn);
  const shownFrom = { boardId, filter, sort: sorted, compare: sort, held: state?.items ?? NO_ITEMS, gone: state?.gone ?? NO_IDS, loads: state?.loads ?? 0, bus };
  const lanes = useLanes(laneBy, shownFrom, lanesShown);
  const gallery = useGalleryCards(shownFrom, galleryShown);
  /** The days the calendar shows, which it asks the server for. */
  const [calendarDays, setCalendarDays] = useState<readonly [string, string] | null>(null);
  const onCalendarShown = useCallback((from: string, to: string) => setCalendarDays([from, to]), []);
  const calendar = useDatedCards("calendar", dateColumnOf(boardColumns ?? [], dateColumn), calendarDays, shownFrom, tab === "calendar" || savedType === "calendar", true);
  /** The weeks the workload shows, which it asks the server for. */
  const [workloadDays, setWorkloadDays] = useState<readonly [string, string] | null>(null);
  const onWorkloadShown = useCallback((from: string, to: string) => setWorkloadDays([from, to]), []);
  const workloadColumn = state ? (workloadSettings ?? workloadOf(state.board, undefined)).date_column : undefined;
  const workloadCards = useDatedCards("workload", boardColumns?.find((c) => c.id === workloadColumn), workloadDays, shownFrom, tab === "workload" || savedType === "workload", false);
  // An open item the pages have not brought yet (a link to it) is fetched alone.
  const missing = !!item && !!rest && !state?.items.some((i) => i.id === item);
  useEffect(() => {
    if (missing && item) actions.fetchItem(item);
    // Not on `actions`: it is new on every render.
  }, [missing, item]);

  /** Deleting archives, so it can be undone from the toast (or Ctrl/⌘-Z). */
  const archive = (items: Item[], verb = "deleted") => {
    if (!items.length) return;
    actions.archive(items);
    say({ text: `${items.length === 1 ? `"${items[0].name}"` : `${items.length} items`} ${verb}`, undo: () => actions.restore(items) });
  };
  /** Items moved to another group can be moved back, each to the place it had. */
  const move = (items: Item[], group: string, after?: string) => {
    for (const i of items) actions.moveItem(i, group, after);
    const moved = items.filter((i) => i.group_id !== group);
    if (!moved.length) return;
    const title = state?.board.groups?.find((g) => g.id === group)?.title ?? "another group";
    say({
      text: `${moved.length === 1 ? `"${moved[0].name}"` : `${moved.length} items`} moved to ${title}`,
      undo: () => moved.forEach((i) => actions.moveItem(i, i.group_id, { key: i.position })),
    });
  };
  /** One value for several items; undone by putting each one's value back. */
  const setAll = (items: Item[], column: Column, value: unknown) => {
    for (const i of items) actions.saveValue(i, column.id, value);
    const label = labelsOf(column).find((l) => l.id === value)?.name;
    say({
      text: `${column.title} ${label ? `set to ${label}` : "cleared"} on ${items.length === 1 ? `"${items[0].name}"` : `${items.length} items`}`,
      undo: () => items.forEach((i) => actions.saveValue(i, column.id, i.values[column.id] ?? null)),
    });
  };
  useShortcuts({
    undo: undoLast,
    search: () => searchBox.current?.focus(),
    newItem: () => state?.board.groups?.[0] && actions.addItem(state.board.groups[0].id, "New item"),
  });
  // Stable: the panel's Escape listener is bound to it.
  const closePanel = useCallback(() => onItem(null), [onItem]);

  if (error) return <div className="error banner" role="alert">{error}</div>;
  if (!state) return <div className="loading">Loading board…</div>;
  const board = state.board;
  const nameOf = (id: string) => systemActorName(id) ?? people.find((d) => d.id === id)?.name ?? (id === me.user.id ? me.user.name : "Someone");
  const boardName = (id: string) => (id === board.id ? board.name : boards.find((b) => b.id === id)?.name);
  /** Moved to another board: it leaves this one with its `item_deleted` event. */
  const movedAway = (i: Item, to: Board) => {
    setMoving(null);
    closePanel();
    say({ text: `"${i.name}" moved to ${to.name}`, action: { label: "Open board", run: () => onOpenBoard(to.id) } });
  };
  // A button's click is an event (recipes answer it); people who may only view cannot click.
  const clickButton = board.permission === "view" ? undefined : (i: Item, c: Column) =>
    ok(api.POST("/api/v1/items/{id}/buttons/{column_id}", { params: { path: { id: i.id, column_id: c.id } } })).catch((e) => setToast({ text: `${c.title}: ${messageOf(e)}` }));

  const columnActions: ColumnActions = {
    onAdd: columns.add,
    onRename: columns.rename,
    // A delete that other columns depend on comes back to the header, which offers `force`.
    onDelete: (id, force) => columns.remove(id, force).catch((e) => {
      if (!force && isDependedOn(e)) throw e;
      flash(messageOf(e));
    }),
    onHide: (id) => setHidden(new Set([...hidden, id])),
    onResize: columns.resize,
    onMove: columns.move,
    onAddFormula: (title, expression) => columns.addFormula(title, expression).then((c) => { recompute.watch(); return c; }),
    onSetFormula: (id, expression) => columns.setFormula(id, expression).then((c) => { recompute.watch(); return c; }),
    onSetSettings: columns.setSettings,
    onAddWith: columns.addWith,
    boardId: board.id,
    onPreviewFormula: columns.previewFormula,
    columns: board.columns ?? [],
  };

  async function saveView(name: string) {
    const settings =
      mode === "kanban" ? { card_columns: cards, ...(laneColumn ? { lane_column: laneColumn } : {}) }
      : mode === "gallery" ? { card_columns: cards, ...(coverColumn ? { cover_column: coverColumn } : {}) }
      : mode === "calendar" ? (dateColumn ? { date_column: dateColumn } : {})
      : mode === "chart" ? chart
      : mode === "workload" ? load
      : mode === "timeline" ? { zoom, ...(timelineColumn ? { timeline_column: timelineColumn } : {}), ...(rowsBy ? { rows_by: rowsBy } : {}) }
      : {};
    try {
      const v = await ok(api.POST("/api/v1/boards/{id}/views", {
        params: { path: { id: boardId } },
        body: {
          name,
          type: mode,
          filter: filterOf(conditions, match, ""),
          hidden_columns: [...hidden],
          sort: sorted,
          group_by: groupBy || null,
          settings,
        },
      }));
      setViews((vs) => [...vs, v]);
      setTab(v.id);
    } catch (e) {
      flash(messageOf(e));
    }
  }

  /** A board's form is a saved view: made empty, then built in place. */
  async function saveForm() {
    try {
      const v = await ok(api.POST("/api/v1/boards/{id}/views", { params: { path: { id: boardId } }, body: { name: "Form", type: "form", settings: {} } }));
      setViews((vs) => [...vs, v]);
      setTab(v.id);
    } catch (e) {
      flash(messageOf(e));
    }
  }

  const activeView = views.find((v) => v.id === tab);
  // A saved view brings back everything it saved.
  function open(v: View) {
    setTab(v.id);
    const rows = rowsOf(v.filter);
    setConditions(rows.conditions);
    setMatch(rows.match);
    setHidden(new Set(v.hidden_columns));
    setSortKeys((v.sort ?? []).map((s) => ({ column: s.column, desc: s.dir === "desc" })));
    setGroupBy(v.group_by ?? "");
    const saved = v.settings.card_columns;
    setCardColumns(Array.isArray(saved) ? saved.filter((c): c is string => typeof c === "string") : null);
    setLaneColumn(typeof v.settings.lane_column === "string" ? v.settings.lane_column : undefined);
    setCoverColumn(typeof v.settings.cover_column === "string" ? v.settings.cover_column : undefined);
    setDateColumn(typeof v.settings.date_column === "string" ? v.settings.date_column : undefined);
    setChartSettings(v.type === "chart" ? chartOf(board, v.settings) : null);
    setWorkloadSettings(v.type === "workload" ? workloadOf(board, v.settings) : null);
    setTimelineColumn(typeof v.settings.timeline_column === "string" ? v.settings.timeline_column : undefined);
    setRowsBy(typeof v.settings.rows_by === "string" ? v.settings.rows_by : undefined);
    const z = v.settings.zoom;
    setZoom(z === "day" || z === "week" || z === "month" || z === "quarter" ? z : "week");
  }
  // Leaving a saved view takes off everything it brought (filter, hidden columns, sort,
  // grouping, card fields); what was set on the main table or kanban itself stays.
  function mainTable() {
    if (activeView) {
      setConditions([]);
      setMatch("and");
      setHidden(new Set());
      setSortKeys([]);
      setGroupBy("");
      setCardColumns(null);
      setLaneColumn(undefined);
      setCoverColumn(undefined);
      setDateColumn(undefined);
      setChartSettings(null);
      setWorkloadSettings(null);
      setTimelineColumn(undefined);
      setRowsBy(undefined);
      setZoom("week");
    }
    setTab("table");
  }
  const cards = cardColumns ?? (board.columns ?? []).filter((c) => c.type !== "status" && c.type !== "button").slice(0, 2).map((c) => c.id);
  const mode: "table" | "kanban" | "gallery" | "calendar" | "chart" | "timeline" | "form" | "workload" =
    tab === "form" || activeView?.type === "form" ? "form"
    : tab === "workload" || activeView?.type === "workload" ? "workload"
    : tab === "kanban" || activeView?.type === "kanban" ? "kanban"
    : tab === "gallery" || activeView?.type === "gallery" ? "gallery"
    : tab === "calendar" || activeView?.type === "calendar" ? "calendar"
    : tab === "chart" || activeView?.type === "chart" ? "chart"
    : tab === "timeline" || activeView?.type === "timeline" ? "timeline"
    : "table";
  const chart = chartSettings ?? chartOf(board, undefined);
  const load = workloadSettings ?? workloadOf(board, undefined);
  const others = presence.filter((p) => p.user_id !== me.user.id);
  const editors = cellEditors(presence, me.user.id, nameOf);
  // Dependency cells name items; they show the names of the items loaded.
  const itemNames = new Map(state.items.map((i) => [i.id, i.name]));

  return (
    <PeopleContext value={people}>
      <ItemNamesContext value={itemNames}>
      <LiveContext value={following}>
      <UploadOrgContext value={board.org_id}>
      <section className="board">
        <div className="board-head">
          <h1>{board.name}</h1>
          {recompute.progress && (
            <span className="recompute" role="status">Computing formulas… {recompute.progress.done.toLocaleString("en")} of {recompute.progress.total.toLocaleString("en")} items
              <progress max={recompute.progress.total || 1} value={recompute.progress.done} /></span>
          )}
          <BoardMenu board={board} onOpenBoard={onOpenBoard} onBoardsChanged={onBoardsChanged} onDeleted={onDeleted} flash={flash} meId={me.user.id} onMembersChanged={() => setMembersSeen((n) => n + 1)} />
          <div className="presence" data-testid="presence">
            {presence.map((p) => <Avatar key={p.user_id} id={p.user_id} name={nameOf(p.user_id)} note={p.state} />)}
            {others.length > 0 && <span className="muted">{others.length} other{others.length > 1 ? "s" : ""} here</span>}
          </div>
          <Members boardId={boardId} orgId={board.org_id} meId={me.user.id} version={membersSeen} />

        </div>
        {board.description && <p className="muted">{board.description}</p>}
        {notice && <div className="error banner" role="alert">{notice}</div>}
        <div className="tabs">
          <button className={tab === "table" ? "active" : ""} onClick={mainTable}>Main table</button>
          <button className={tab === "kanban" ? "active" : ""} onClick={() => setTab("kanban")}>Kanban</button>
          <button className={tab === "gallery" ? "active" : ""} onClick={() => setTab("gallery")}>Gallery</button>
          <button className={tab === "calendar" ? "active" : ""} onClick={() => setTab("calendar")}>Calendar</button>
          <button className={tab === "timeline" ? "active" : ""} onClick={() => setTab("timeline")}>Timeline</button>
          <button className={tab === "chart" ? "active" : ""} onClick={() => setTab("chart")}>Chart</button>
          <button className={tab === "workload" ? "active" : ""} onClick={() => setTab("workload")}>Workload</button>
          {!views.some((v) => v.type === "form") && <button className={tab === "form" ? "active" : ""} onClick={() => setTab("form")}>Form</button>}
          {views.map((v) => (
            <button key={v.id} className={tab === v.id ? "active" : ""} onClick={() => open(v)}>{v.name}</button>
          ))}
          <button className="link" onClick={() => setAsking("view")}>+ Save view</button>
        </div>
        {mode !== "form" && (
        <div className="toolbar">
          <button className="primary" onClick={() => board.groups?.[0] && actions.addItem(board.groups[0].id, "New item")}>New item</button>
          {!groupBy && <button className="filter-add" onClick={() => setAsking("group")}>Add group</button>}
          <span className="search-box">
            <input ref={searchBox} className="search" placeholder="Search" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search"
              onKeyDown={(e) => e.key === "Escape" && search && (e.preventDefault(), setSearch(""))} />
            {search && <button className="clear-search" aria-label="Clear search" onClick={() => setSearch("")}>✕</button>}
          </span>
          {filter && matches && <span className="results" role="status" data-testid="results">{matches.total} result{matches.total === 1 ? "" : "s"}</span>}
          <FilterBuilder columns={board.columns ?? []} groups={board.groups ?? []} conditions={conditions} onChange={setConditions} match={match} onMatch={setMatch} />
          {[0, 1].filter((k) => k <= sortKeys.length).map((k) => (
            <span key={k} className="sort-key">
              <select aria-label={k === 0 ? "Sort by" : "Then by"} value={sortKeys[k]?.column ?? ""}
                onChange={(e) => setSortKeys(e.target.value ? [...sortKeys.slice(0, k), { column: e.target.value, desc: sortKeys[k]?.desc ?? false }] : sortKeys.slice(0, k))}>
                <option value="">{k === 0 ? "Sort…" : "then by…"}</option>
                <option value="name">Name</option>
                {(board.columns ?? []).filter((c) => c.type !== "button").map((c) => <option key={c.id} value={c.id}>{c.title}</option>)}
              </select>
              {sortKeys[k] && (
                <button className="filter-add" aria-label={`Sort direction ${k + 1}`} onClick={() => setSortKeys(sortKeys.map((s, j) => (j === k ? { ...s, desc: !s.desc } : s)))}>
                  {sortKeys[k].desc ? "↓" : "↑"}
                </button>
              )}
            </span>
          ))}
          <HiddenColumns columns={board.columns ?? []} hidden={hidden} onChange={setHidden} />
          {/* Columns views can group by (and a saved view's choice while the types load). */}
          <select aria-label="Group by" value={groupBy} onChange={(e) => setGroupBy(e.target.value)}>
            <option value="">Group: board groups</option>
            {(board.columns ?? []).filter((c) => isGroupable(types, c.type) || c.id === groupBy).map((c) => <option key={c.id} value={c.id}>Group: {c.title}</option>)}
          </select>
        </div>
        )}
        {filter && matches?.total === 0 && (
          // Said in words: an empty table alone reads as a board with no items.
          <div className="no-results">
            No items match {search.trim() ? <>“{search.trim()}”</> : "these filters"}.
            <button className="link" onClick={() => { setSearch(""); setConditions([]); }}>Clear search and filters</button>
          </div>
        )}
        <Suspense fallback={<div className="muted">Loading the view…</div>}>
        {mode === "form" ? (
          activeView ? <FormBuilder board={board} view={activeView} onView={(v) => setViews((vs) => vs.map((x) => (x.id === v.id ? v : x)))} />
          : <NewForm onCreate={() => saveForm()} />
        ) : mode === "table" ? (
          <Table
            board={board}
            items={items}
            meId={me.user.id}
            editors={editors}
            updates={state.updates}
            onSave={actions.saveValue}
            onRename={actions.rename}
            onAdd={actions.addItem}
            onOpen={onItem}
            onMove={move}
            hidden={hidden}
            columnActions={columnActions}
            groupActions={groups}
            groupBy={(board.columns ?? []).find((c) => c.id === groupBy)}
            sort={sort}
            onArchive={archive}
            onSetAll={setAll}
            onButton={clickButton}
            onEditing={actions.setEditing}
            paging={paging}
            onMore={matches ? loadMore : loadRest}
          />
        ) : mode === "timeline" ? (
          <Timeline board={board} items={items} sort={sort} paging={paging} onMore={matches ? loadMore : loadRest} timelineColumn={timelineColumn} onTimelineColumn={setTimelineColumn} rowsBy={rowsBy} onRowsBy={setRowsBy} zoom={zoom} onZoom={setZoom} onSave={actions.saveValue} onOpen={onItem} />
        ) : mode === "workload" ? (
          <Workload board={board} items={workloadCards.items} onShown={onWorkloadShown} settings={load} onSettings={setWorkloadSettings} onSave={actions.saveValue} onOpen={onItem} />
        ) : mode === "chart" ? (
          <Suspense fallback={<div className="muted">Loading the chart…</div>}>
            <ChartView board={board} filter={filter} bus={bus} settings={chart} onSettings={setChartSettings} />
          </Suspense>
        ) : mode === "calendar" ? (
          <Calendar board={board} items={calendar.items} undatedMore={calendar.undated} onShown={onCalendarShown} dateColumn={dateColumn} onDateColumn={setDateColumn} onSave={actions.saveValue} onAdd={actions.addItem} onOpen={onItem} />
        ) : mode === "gallery" ? (
          <Gallery board={board} cards={gallery} meId={me.user.id} coverColumn={coverColumn} onCoverColumn={setCoverColumn} cardColumns={cards} onCardColumns={setCardColumns} onOpen={onItem} />
        ) : (
          <Kanban board={board} lanes={lanes} laneColumn={laneColumn} onLaneColumn={setLaneColumn} meId={me.user.id} cardColumns={cards} onCardColumns={setCardColumns} onSave={actions.saveValue} onAdd={actions.addItem} onOpen={onItem} />
        )}
        </Suspense>
        {item && <ItemPanel itemId={item} found={found?.item_id === item ? found : undefined} item={state.items.find((i) => i.id === item)} board={board} dependents={dependentsOf(board.columns ?? [], state.items, item)} me={me} bus={bus} boardName={boardName} onSave={actions.saveValue} onRename={actions.rename} onButton={clickButton} onClose={closePanel}
          onArchive={(i) => { closePanel(); archive([i], "archived"); }} onMoveToBoard={board.permission === "view" ? undefined : setMoving} />}
        {moving && <MoveToBoardDialog item={moving} board={board} onMoved={movedAway} onClose={() => setMoving(null)} />}
        {toast && <Toast toast={toast} onUndo={undoLast} onDone={endToast} />}
        {asking === "view" && <AskDialog title="Save view" label="View name" initial="My view" submit="Save view" onSubmit={saveView} onClose={() => setAsking(null)} />}
        {asking === "group" && (
          // A new group goes on top (where it is seen), in the next colour after the top group's.
          <AskDialog title="New group" label="Group name" initial="New group" submit="Add group" onClose={() => setAsking(null)}
            onSubmit={(title) => groups.add(title, nextColour(board.groups?.[0]?.color))} />
        )}
      </section>
      </UploadOrgContext>
      </LiveContext>
      </ItemNamesContext>
    </PeopleContext>
  );
}

/** The form tab of a board without a form yet. */
function NewForm({ onCreate }: { onCreate: () => void }) {
  return (
    <div className="new-form">
      <p>A form asks anyone with its link for a new item: its name and the columns you choose.</p>
      <button className="primary" onClick={onCreate}>Create a form</button>
    </div>
  );
}

/** For each dependency column, the loaded items that depend on `item` (what it blocks). */
function dependentsOf(columns: Column[], items: Item[], item: string) {
  return columns
    .filter((c) => c.type === "dependency")
    .map((c) => ({
      column: c.title,
      items: items.filter((i) => ((i.values[c.id] as { item_ids?: string[] } | undefined)?.item_ids ?? []).includes(item)).map((i) => ({ id: i.id, name: i.name })),
    }));
}

/** The colour after `c` in the palette, so neighbouring groups differ. */
function nextColour(c: string | undefined): string {
  const names = Object.keys(COLORS);
  return names[(names.indexOf(c ?? "") + 1) % names.length];
}


/** The board's members as avatars, and an invitation link for new people. */
function Members({ boardId, orgId, meId, version }: { boardId: string; orgId: string; meId: string; version: number }) {
  const people = usePeople();
  const [members, setMembers] = useState<BoardMember[]>([]);
  const [link, setLink] = useState("");
  const [asking, setAsking] = useState(false);
  useEffect(() => {
    ok(api.GET("/api/v1/boards/{id}/members", { params: { path: { id: boardId } } }))
      .then((page) => setMembers(page.data))
      .catch(() => undefined);
  }, [boardId, version]);
  async function invite(email: string) {
    try {
      const inv = await ok(api.POST("/api/v1/orgs/{org_id}/invites", { params: { path: { org_id: orgId } }, body: { email, role: "member" } }));
      setLink(`${location.origin}/?invite=${inv.token}`);
    } catch (e) {
      setLink(messageOf(e));
    }
  }
  return (
    <div className="members">
      {members.map((m) => <Avatar key={m.user_id} small id={m.user_id} name={people.find((p) => p.id === m.user_id)?.name ?? (m.user_id === meId ? "Me" : "Someone")} note={PERMISSION_WORDS[m.permission]} />)}
      <button className="link" onClick={() => setAsking(true)}>Invite</button>
      {asking && <AskDialog title="Invite to the organization" label="Email" type="email" submit="Create invitation link" onSubmit={invite} onClose={() => setAsking(false)} />}
      {link && <input className="invite-link" readOnly value={link} aria-label="Invitation link" onFocus={(e) => e.target.select()} />}
    </div>
  );
}
