// A dashboard: widgets over boards of the organization on a 12-column grid (drag a widget by
// its title, resize it by its corner; the layout is saved). Each widget reads its boards as
// the viewer may and follows them live: a change on any of them reloads what the widget shows
// within a moment. Number, chart and battery widgets ask `POST /analytics/query` (aggregates
// kept from the event log, so no items are read, however many there are); a table reads each
// board's newest items, and the one-board views every item. Boards the viewer cannot read are
// left out and said so in the widget.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import GridLayout, { useContainerWidth, type Layout } from "react-grid-layout";
import "react-grid-layout/css/styles.css";
import { api, ApiError, messageOf, ok } from "../api/client";
import type { Live } from "../api/live";
import type { Board, BoardEvent, Bucket, Column, Dashboard, Item, ReportAnswer, Widget, WidgetKind } from "../api/types";
import { batteryFrom, boardsOf, loaded, numberFrom, problemsOf, questionsOf, reportOf, rowsOf, type BoardData } from "../state/dashboard";
import { PeopleContext, useDirectory, usePeople } from "../state/people";
import { useDashboardBoards } from "../state/dashboardBoards";
import { mergeBoards } from "../state/merged";
import { workloadOf } from "../state/workload";
import { Calendar } from "./Calendar";
import { Timeline } from "./Timeline";
import { Workload } from "./Workload";
import type { Bus } from "../api/live";
import { ActivityEntry } from "./Activity";

const WidgetChart = lazy(() => import("./WidgetChart"));
const ReportChart = lazy(() => import("./WidgetChart").then((m) => ({ default: m.ReportChart })));
const KINDS: { kind: WidgetKind; name: string }[] = [
  { kind: "number", name: "Number" },
  { kind: "chart", name: "Chart" },
  { kind: "battery", name: "Battery" },
  { kind: "table", name: "Table" },
  { kind: "activity", name: "Recent activity" },
  { kind: "calendar", name: "Calendar" },
  { kind: "timeline", name: "Timeline" },
  { kind: "workload", name: "Workload" },
  { kind: "report", name: "Report" },
];

const REPORTS = [
  { report: "throughput", name: "Throughput (done per week)" },
  { report: "cycle_time", name: "Cycle time" },
  { report: "burndown", name: "Burndown of a group" },
  { report: "time_in_status", name: "Time in each status" },
];

/** What a widget showing one board's view may change: its items, and its own settings. */
type Edits = {
  onSave: (item: Item, column: string, value: unknown) => void;
  onAdd: (board: string, group: string, name: string, values?: Record<string, unknown>) => void;
  onSettings: (settings: Record<string, unknown>) => void;
};

/** Where the widget's boards are in their event logs: an answer is asked for again (and two
 * widgets asking the same share one) whenever one moves on. */
const positionsOf = (widget: Widget, data: Map<string, BoardData>) => boardsOf(widget, data).ok.map((b) => `${b.id}:${b.board.last_seq}`);

/** A widget's answers from the analytics API; the error of a question it cannot ask, in words.
 * The last answer stays shown while a newer one is asked for. */
function useAnswers(widget: Widget, data: Map<string, BoardData>): { answers?: Bucket[][]; error?: string } {
  const asked = questionsOf(widget, data);
  const questions = asked === null || problemsOf(widget, data).length > 0 ? [] : asked;
  const q = useQuery({
    queryKey: ["analytics", "query", questions, positionsOf(widget, data)],
    queryFn: async () => (await Promise.all(questions.map((body) => ok(api.POST("/api/v1/analytics/query", { body }))))).map((a) => a.data),
    enabled: questions.length > 0,
    placeholderData: keepPreviousData,
  });
  if (asked === null) return {};
  if (questions.length === 0) return { answers: [] };
  return { answers: q.data, error: q.error ? messageOf(q.error) : undefined };
}

/** A report widget: asked of `POST /analytics/report` again whenever one of its boards moves on. */
function Report({ widget, data }: { widget: Widget; data: Map<string, BoardData> }) {
  const { request, problem } = reportOf(widget, data);
  const q = useQuery({
    queryKey: ["analytics", "report", request, positionsOf(widget, data)],
    queryFn: (): Promise<ReportAnswer> => ok(api.POST("/api/v1/analytics/report", { body: request! })),
    enabled: !!request,
    placeholderData: keepPreviousData,
  });
  if (problem) return <div className="widget-note muted">{problem}</div>;
  if (q.error) return <div className="widget-note error-text" role="alert">{messageOf(q.error)}</div>;
  if (!q.data) return <div className="muted">Loading…</div>;
  return <Suspense fallback={<div className="muted">Loading the chart…</div>}><ReportChart widget={widget} answer={q.data} /></Suspense>;
}

function Answered({ widget, data }: { widget: Widget; data: Map<string, BoardData> }) {
  const { answers, error } = useAnswers(widget, data);
  if (error) return <div className="widget-note error-text" role="alert">{error}</div>;
  if (!answers) return <div className="muted">Loading…</div>;
  switch (widget.kind) {
    case "number":
      return <div className="widget-number" data-testid="widget-number">{numberFrom(answers).toLocaleString()}</div>;
    case "battery": {
      const b = batteryFrom(widget, data, answers);
      const pct = b.total ? Math.round((b.done / b.total) * 100) : 0;
      return (
        <div className="widget-battery">
          <div className="battery-bar" role="img" aria-label={`${pct}% done`}>
            {b.parts.map((p) => <span key={p.name} title={`${p.name}: ${p.count}`} style={{ flex: p.count, background: p.color }} />)}
          </div>
          <div data-testid="widget-battery"><strong>{pct}%</strong> done · {b.done} of {b.total}</div>
        </div>
      );
    }
    default:
      return <Suspense fallback={<div className="muted">Loading the chart…</div>}><WidgetChart widget={widget} data={data} answers={answers} /></Suspense>;
  }
}

function Activity({ widget, data, meId }: { widget: Widget; data: Map<string, BoardData>; meId: string }) {
  const people = usePeople();
  const boards = boardsOf(widget, data).ok;
  // Read again when a board moves on (its place in the log is in the key); the last answer
  // stays shown meanwhile.
  const q = useQuery({
    queryKey: ["dashboard", "activity", boards.map((b) => `${b.id}:${b.board.last_seq}:${b.items.length}`)],
    queryFn: async () => {
      const all = await Promise.all(boards.map(async ({ board }) => (await ok(api.GET("/api/v1/boards/{id}/activity", { params: { path: { id: board.id }, query: { limit: 20 } } }))).data.map((e) => ({ e, board }))));
      return all.flat().sort((a, b) => b.e.created_at.localeCompare(a.e.created_at)).slice(0, 20);
    },
    placeholderData: keepPreviousData,
  });
  const events: { e: BoardEvent; board: Board }[] = q.data ?? [];
  const nameOf = (id: string) => people.find((p) => p.id === id)?.name ?? "Someone";
  return (
    <ul className="widget-activity">
      {events.map(({ e, board }) => (
        <ActivityEntry key={`${board.id}:${e.seq}`} event={e} board={board} item={data.get(board.id) && loaded(data.get(board.id)!) ? (data.get(board.id) as { items: Item[] }).items.find((i) => i.id === e.item_id) : undefined} meId={meId} nameOf={nameOf} boardName={() => board.name} />
      ))}
    </ul>
  );
}

/** A calendar, timeline or workload over the widget's boards, shown as one board (state/merged):
 * a change goes back to each item's own board's column, a new item to its group's board. */
function PlanWidget({ widget, data, onOpen, edits }: { widget: Widget; data: Map<string, BoardData>; onOpen: (board: string, item: string) => void; edits: Edits }) {
  const boards = boardsOf(widget, data).ok;
  // Merged again when a board moves on or its items change (the stamp), not at each render.
  const stamp = boards.map((b) => `${b.id}:${b.board.last_seq}:${b.items.length}`).join(",");
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const m = useMemo(() => (boards.length ? mergeBoards(boards) : null), [stamp]);
  if (!m) return <div className="muted">Loading…</div>;
  const s = widget.settings as Record<string, unknown>;
  // Settings name a column of any of the boards; the views know the merged ones.
  const col = (k: string) => m.resolve(typeof s[k] === "string" ? (s[k] as string) : undefined);
  const z = s.zoom;
  const open = (item: string) => onOpen(m.items.find((i) => i.id === item)?.board_id ?? boards[0].id, item);
  const save = (item: Item, column: string, value: unknown) => {
    const own = m.columnOn(item.board_id, column);
    // A column some of the boards lack: their items keep no value there.
    if (own) edits.onSave(item, own, value);
  };
  const add = (group: string, name: string, values?: Record<string, unknown>) => {
    const board = m.boardOfGroup(group) ?? boards[0].id;
    const own = (k: string) => m.columnOn(board, k);
    edits.onAdd(board, group, name, values && Object.fromEntries(Object.entries(values).flatMap(([k, v]) => (own(k) ? [[own(k)!, v]] : []))));
  };
  if (widget.kind === "calendar") {
    return <Calendar board={m.board} items={m.items} dateColumn={col("date_column")} onDateColumn={(date_column) => edits.onSettings({ ...s, date_column })} onSave={save} onAdd={add} onOpen={open} />;
  }
  if (widget.kind === "timeline") {
    return <Timeline board={m.board} items={m.items} timelineColumn={col("timeline_column")} onTimelineColumn={(timeline_column) => edits.onSettings({ ...s, timeline_column })}
      rowsBy={col("rows_by")} onRowsBy={(rows_by) => edits.onSettings({ ...s, rows_by })} zoom={z === "day" || z === "month" || z === "quarter" ? z : "week"}
      onZoom={(zoom) => edits.onSettings({ ...s, zoom })} onSave={save} onOpen={open} />;
  }
  const metric = s.metric as { fn?: string; column_id?: string } | undefined;
  const settings = workloadOf(m.board, { ...s, people_column: col("people_column"), date_column: col("date_column"), metric: metric?.fn === "sum" ? { ...metric, column_id: m.resolve(metric.column_id) } : metric });
  return <Workload board={m.board} items={m.items} settings={settings} onSettings={(next) => edits.onSettings({ ...next })} onSave={save} onOpen={open} />;
}

function WidgetBody({ widget, data, meId, onOpen, edits }: { widget: Widget; data: Map<string, BoardData>; meId: string; onOpen: (board: string, item: string) => void; edits: Edits }) {
  switch (widget.kind) {
    case "calendar":
    case "timeline":
    case "workload":
      return <PlanWidget widget={widget} data={data} onOpen={onOpen} edits={edits} />;
    case "number":
    case "battery":
    case "chart":
      return <Answered widget={widget} data={data} />;
    case "table":
      return (
        <table className="widget-table">
          <tbody>
            {rowsOf(widget, data).map(({ item, board }) => (
              <tr key={item.id}><td><button className="link" onClick={() => onOpen(item.board_id, item.id)}>{item.name}</button></td><td className="muted">{board}</td></tr>
            ))}
          </tbody>
        </table>
      );
    case "activity":
      return <Activity widget={widget} data={data} meId={meId} />;
    case "report":
      return <Report widget={widget} data={data} />;
  }
}

type ReportForm = { report: string; column: string; from_label: string; to_label: string; group_id: string };

/** A report widget's choices: which report, its status column (by title), the labels a cycle
 * runs between, the group a burndown follows (of the first board). */
function ReportFields({ boards, groupsOf, value, onChange }: { boards: { id: string; columns: Column[] }[]; groupsOf: Record<string, { id: string; title: string }[]>; value: ReportForm; onChange: (v: ReportForm) => void }) {
  const statuses = boards.flatMap((b) => b.columns.filter((c) => c.type === "status"));
  const titles = [...new Set(statuses.map((c) => c.title))];
  const labels = [...new Set(statuses.filter((c) => c.title === value.column).flatMap((c) => ((c.settings as { labels?: { name: string }[] }).labels ?? []).map((l) => l.name)))];
  const set = (k: keyof ReportForm) => (e: { target: { value: string } }) => onChange({ ...value, [k]: e.target.value });
  return (
    <>
      <label>Report <select aria-label="Report" value={value.report} onChange={set("report")}>
        {REPORTS.map((r) => <option key={r.report} value={r.report}>{r.name}</option>)}
      </select></label>
      <label>Status column <select aria-label="Status column" value={value.column} onChange={set("column")}>
        <option value="">{value.report === "throughput" || value.report === "burndown" ? "The first with a done label" : "Choose a column…"}</option>
        {titles.map((t) => <option key={t} value={t}>{t}</option>)}
      </select></label>
      {value.report === "cycle_time" && (
        <>
          <label>From <select aria-label="Cycle starts at" value={value.from_label} onChange={set("from_label")}>
            <option value="">Choose a label…</option>
            {labels.map((l) => <option key={l} value={l}>{l}</option>)}
          </select></label>
          <label>To <select aria-label="Cycle ends at" value={value.to_label} onChange={set("to_label")}>
            <option value="">Choose a label…</option>
            {labels.map((l) => <option key={l} value={l}>{l}</option>)}
          </select></label>
        </>
      )}
      {value.report === "burndown" && (
        <label>Group <select aria-label="Burndown group" value={value.group_id} onChange={set("group_id")}>
          <option value="">Choose a group…</option>
          {(groupsOf[boards[0]?.id ?? ""] ?? []).map((g) => <option key={g.id} value={g.id}>{g.title}</option>)}
        </select></label>
      )}
    </>
  );
}

/** The form that adds a widget: its kind, title, boards and (by kind) what it measures. */
function AddWidget({ boards, onAdd, onClose }: { boards: Board[]; onAdd: (w: Omit<Widget, "id" | "layout">) => void; onClose: () => void }) {
  const [kind, setKind] = useState<WidgetKind>("number");
  const [title, setTitle] = useState("");
  const [picked, setPicked] = useState<string[]>(boards[0] ? [boards[0].id] : []);
  const [groupBy, setGroupBy] = useState("");
  const [sum, setSum] = useState("");
  const [report, setReport] = useState({ report: "throughput", column: "", from_label: "", to_label: "", group_id: "" });
  // The boards listed have no columns or groups: the picked ones' are read once each.
  const [columnsOf, setColumnsOf] = useState<Record<string, Column[]>>({});
  const [groupsOf, setGroupsOf] = useState<Record<string, { id: string; title: string }[]>>({});
  useEffect(() => {
    for (const id of picked.filter((b) => !columnsOf[b])) {
      ok(api.GET("/api/v1/boards/{id}", { params: { path: { id } } })).then((b) => {
        setColumnsOf((m) => ({ ...m, [id]: b.columns ?? [] }));
        setGroupsOf((m) => ({ ...m, [id]: (b.groups ?? []).map((g) => ({ id: g.id, title: g.title })) }));
      }, () => undefined);
    }
  }, [picked, columnsOf]);
  const columns = [...new Set(picked.flatMap((b) => (columnsOf[b] ?? []).map((c) => `${c.type}:${c.title}`)))];
  const titles = (types: string[]) => columns.filter((c) => types.includes(c.split(":")[0])).map((c) => c.slice(c.indexOf(":") + 1));
  return (
    <form className="add-widget" aria-label="Add a widget" onSubmit={(e) => {
      e.preventDefault();
      const metric = sum ? { fn: "sum", column: sum } : { fn: "count" };
      const settings = kind === "chart" ? { group_by: groupBy, metric } : kind === "number" ? { metric } : kind === "report" ? report : {};
      const named = kind === "report" ? REPORTS.find((r) => r.report === report.report)!.name : KINDS.find((k) => k.kind === kind)!.name;
      onAdd({ kind, title: title || named, board_ids: picked, settings });
    }}>
      <label>Widget <select aria-label="Widget kind" value={kind} onChange={(e) => setKind(e.target.value as WidgetKind)}>
        {KINDS.map((k) => <option key={k.kind} value={k.kind}>{k.name}</option>)}
      </select></label>
      <label>Title <input aria-label="Widget title" value={title} onChange={(e) => setTitle(e.target.value)} /></label>
      <fieldset className="widget-boards"><legend>Boards</legend>
        {boards.map((b) => (
          <label key={b.id}><input type="checkbox" checked={picked.includes(b.id)} onChange={(e) => setPicked(e.target.checked ? [...picked, b.id] : picked.filter((x) => x !== b.id))} /> {b.name}</label>
        ))}
      </fieldset>
      {kind === "chart" && (
        <label>By <select aria-label="Chart by" value={groupBy} onChange={(e) => setGroupBy(e.target.value)}>
          <option value="">Choose a column…</option>
          {titles(["status", "dropdown", "people", "tags"]).map((t) => <option key={t} value={t}>{t}</option>)}
        </select></label>
      )}
      {kind === "report" && (
        <ReportFields boards={picked.map((b) => ({ id: b, columns: columnsOf[b] ?? [] }))} groupsOf={groupsOf} value={report} onChange={setReport} />
      )}
      {(kind === "number" || kind === "chart") && (
        <label>Measure <select aria-label="Measure" value={sum} onChange={(e) => setSum(e.target.value)}>
          <option value="">Count items</option>
          {titles(["number"]).map((t) => <option key={t} value={t}>Sum of {t}</option>)}
        </select></label>
      )}
      <span className="add-widget-actions">
        <button className="primary" type="submit" disabled={picked.length === 0 || (kind === "chart" && !groupBy)}>Add widget</button>
        <button type="button" className="link" onClick={onClose}>Cancel</button>
      </span>
    </form>
  );
}

export function DashboardPage({ id, boards, meId, live, bus, onOpen, onDeleted }: {
  id: string; boards: Board[]; meId: string; live: Live; bus: Bus; onOpen: (board: string, item: string) => void; onDeleted: () => void;
}) {
  const [dash, setDash] = useState<Dashboard | null>(null);
  const [error, setError] = useState("");
  const [adding, setAdding] = useState(false);
  const { width, containerRef, mounted } = useContainerWidth();
  const { people } = useDirectory(dash?.org_id);
  // Saved over the version shown: someone else's change in between is not overwritten; the
  // page shows theirs and says so. Our own saves go one after another, each over the last.
  const version = useRef(0);
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const save = useCallback((widgets: Widget[]) => {
    setDash((d) => (d ? { ...d, widgets } : d));
    queue.current = queue.current.then(() => ok(api.PATCH("/api/v1/dashboards/{id}", { params: { path: { id } }, body: { widgets, expected_version: version.current } }))
      .then((d) => { version.current = d.version; setDash(d); setError(""); }, (e) => {
        if (e instanceof ApiError && e.code === "version_conflict") {
          const current = (e.details as { current: Dashboard }).current;
          version.current = current.version;
          setDash(current);
          setError("Someone else changed this dashboard meanwhile; it now shows their version.");
        } else setError(messageOf(e));
      }));
  }, [id]);
  useEffect(() => {
    ok(api.GET("/api/v1/dashboards/{id}", { params: { path: { id } } })).then((d) => { version.current = d.version; setDash(d); }, (e) => setError(messageOf(e)));
  }, [id]);
  const data = useDashboardBoards(dash?.widgets, live, bus);
  if (error && !dash) return <div className="error banner" role="alert">{error}</div>;
  if (!dash) return <div className="muted">Loading…</div>;
  const layout: Layout = dash.widgets.map((w) => ({ i: w.id, x: w.layout.x, y: w.layout.y, w: w.layout.w, h: w.layout.h, minW: 2, minH: 2 }));
  function laidOut(next: Layout) {
    if (!dash) return;
    const moved = dash.widgets.map((w) => {
      const l = next.find((x) => x.i === w.id);
      return l ? { ...w, layout: { x: l.x, y: l.y, w: l.w, h: l.h } } : w;
    });
    if (JSON.stringify(moved.map((w) => w.layout)) !== JSON.stringify(dash.widgets.map((w) => w.layout))) save(moved);
  }
  function add(w: Omit<Widget, "id" | "layout">) {
    if (!dash) return;
    const bottom = Math.max(0, ...dash.widgets.map((x) => x.layout.y + x.layout.h));
    save([...dash.widgets, { ...w, id: `w${Date.now().toString(36)}`, layout: { x: 0, y: bottom, w: 4, h: 4 } }]);
    setAdding(false);
  }
  return (
    <PeopleContext value={people}>
    <section className="dashboard">
      <div className="board-head">
        <h1>{dash.name}</h1>
        <button className="primary" onClick={() => setAdding(true)}>Add widget</button>
        <button className="link" onClick={() => ok(api.DELETE("/api/v1/dashboards/{id}", { params: { path: { id } } })).then(onDeleted, (e) => setError(messageOf(e)))}>Delete dashboard</button>
      </div>
      {error && <div className="error banner" role="alert">{error}</div>}
      {adding && <AddWidget boards={boards} onAdd={add} onClose={() => setAdding(false)} />}
      {dash.widgets.length === 0 && !adding && <p className="muted">No widgets yet: add a number, a chart, a battery, a table or the recent activity of some boards.</p>}
      <div ref={containerRef} className="dashboard-grid">
        {mounted && (
          <GridLayout width={width} layout={layout} gridConfig={{ cols: 12, rowHeight: 40 }} dragConfig={{ handle: ".widget-head" }} onLayoutChange={laidOut}>
            {dash.widgets.map((w) => {
              const { hidden } = boardsOf(w, data);
              return (
                <div key={w.id} className="widget" data-widget={w.title}>
                  <div className="widget-head">
                    <strong>{w.title}</strong>
                    <button className="link" aria-label={`Remove ${w.title}`} onMouseDown={(e) => e.stopPropagation()} onClick={() => save(dash.widgets.filter((x) => x.id !== w.id))}>✕</button>
                  </div>
                  <div className="widget-body"><WidgetBody widget={w} data={data} meId={meId} onOpen={onOpen} edits={{
                    onSave: (item, column, value) => ok(api.PATCH("/api/v1/items/{id}", { params: { path: { id: item.id } }, body: { values: { [column]: value } } })).catch((e) => setError(messageOf(e))),
                    onAdd: (board, group, name, values) => ok(api.POST("/api/v1/boards/{id}/items", { params: { path: { id: board } }, body: { name, group_id: group, values } })).catch((e) => setError(messageOf(e))),
                    onSettings: (settings) => save(dash.widgets.map((x) => (x.id === w.id ? { ...x, settings } : x))),
                  }} /></div>
                  {problemsOf(w, data).map((p) => <div key={p} className="widget-note error-text" role="alert">{p}</div>)}
                  {hidden > 0 && <div className="widget-note muted" role="note">{hidden} board{hidden > 1 ? "s" : ""} here {hidden > 1 ? "are" : "is"} not visible to you.</div>}
                </div>
              );
            })}
          </GridLayout>
        )}
      </div>
    </section>
    </PeopleContext>
  );
}
