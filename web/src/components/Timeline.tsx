// The timeline (Gantt): a bar per item from its timeline cell (a date cell makes a milestone),
// in rows by group (or by a status or people column), on an axis zoomed to days, weeks, months
// or quarters, with a line at today. Drag a bar to move it, its right edge to change its end.
// A dependency column's links are arrows from the end of a bar to the start of its dependent's
// (red when the dependent starts first); moving a bar shifts its dependents as the column says.
// Rows are windowed by @tanstack/react-virtual, so thousands of items keep few rows in the DOM;
// a board larger than a page comes as the table's does (`paging`): places are kept for the items
// not fetched yet, fetched as they come into view, and the axis spans every item from the
// server's footers (each group's earliest and latest day).
// Dragging is the app's (./drag): with a mouse, a finger or the keyboard, where an arrow moves
// the bar (or its end) a day; the bar itself follows, whole days counted when it is dropped.
import { DndContext, useDraggable, type DragEndEvent, type KeyboardCoordinateGetter } from "@dnd-kit/core";
import { useVirtualizer } from "@tanstack/react-virtual";
import { format } from "date-fns";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { Board, Item } from "../api/types";
import { moved, resized } from "../state/calendar";
import { isGroupable, useColumnTypes } from "../state/columnTypes";
import { laneOf, labelsOf } from "../state/lanes";
import { usePeople } from "../state/people";
import { tableGroups, type Paging } from "../state/tableRows";
import { arrowsOf, axisOf, barOf, dayAt, daysDragged, footerSpans, offset, spanOf, ticksOf, type Zoom } from "../state/timeline";
import { color } from "./Cell";
import { useDragSensors } from "./drag";

const ROW = 32;
const NAMES = 220;
type Row =
  | { kind: "group"; id: string; name: string; color: string }
  | { kind: "item"; item: Item }
  /** A place kept for an item of `group` not fetched yet. */
  | { kind: "pending"; group: string };
/** What a bar or an end carries when picked up. */
type Grip = { item: Item; end: boolean };
/** What is being dragged, and how far so far (only the drawing needs that). */
type Drag = Grip & { dx: number };

export function Timeline({ board, items, sort, paging, onMore, timelineColumn, onTimelineColumn, rowsBy, onRowsBy, zoom, onZoom, onSave, onOpen }: {
  board: Board; items: Item[]; sort?: (a: Item, b: Item) => number;
  /** While the rows come a page at a time: the server's counts and footers (see `Table`). */
  paging?: Paging | null; onMore?: (group: string) => void;
  timelineColumn?: string; onTimelineColumn: (id: string) => void;
  rowsBy?: string; onRowsBy: (id: string) => void; zoom: Zoom; onZoom: (z: Zoom) => void;
  onSave: (item: Item, column: string, value: unknown) => void; onOpen: (item: string) => void;
}) {
  const types = useColumnTypes();
  const people = usePeople();
  const columns = board.columns ?? [];
  const dated = columns.filter((c) => c.type === "timeline" || c.type === "date");
  const col = dated.find((c) => c.id === timelineColumn) ?? dated.find((c) => c.type === "timeline") ?? dated[0];
  const status = columns.find((c) => c.type === "status");
  const lanesBy = columns.find((c) => c.id === rowsBy && isGroupable(types, c.type));
  const [drag, setDrag] = useState<Drag | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const today = format(new Date(), "yyyy-MM-dd");
  const spans = useMemo(() => new Map(items.map((i) => [i.id, col ? spanOf(col.type, i.values[col.id]) : null])), [items, col]);
  const footers = paging?.footers;
  const axis = useMemo(() => {
    const fetched = [...spans.values()].filter((s) => s !== null);
    return axisOf(col ? [...fetched, ...footerSpans(footers, col.id)] : fetched, zoom, today);
  }, [spans, footers, col, zoom, today]);
  // The sections are the table's groups (a board group, or a lane of the rows-by column), with
  // the places kept for their items not fetched yet.
  const rows = useMemo(() => {
    const out: Row[] = [];
    for (const s of tableGroups(board, items, people, lanesBy, sort, paging)) {
      if (!s.items.length && !s.pending) continue;
      out.push({ kind: "group", id: s.id, name: s.title, color: s.color });
      for (const item of s.items) out.push({ kind: "item", item });
      for (let n = 0; n < s.pending; n++) out.push({ kind: "pending", group: s.id });
    }
    return out;
  }, [board, items, people, lanesBy, sort, paging]);
  const v = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: useCallback(() => ROW, []),
    overscan: 10,
    initialRect: { width: 1000, height: window.innerHeight },
  });
  const dependencies = useMemo(() => columns.filter((c) => c.type === "dependency").map((c) => c.id), [columns]);
  const rowOf = useMemo(() => new Map(rows.flatMap((r, i) => (r.kind === "item" ? [[r.item.id, i] as const] : []))), [rows]);
  const bars = useMemo(() => {
    const out = new Map<string, { left: number; width: number }>();
    for (const [id, span] of spans) if (span) out.set(id, barOf(axis, span));
    return out;
  }, [spans, axis]);
  // The keyboard moves what is lifted a day at a time, counted from where the first key found
  // it: dnd-kit's coordinates trail a quick run of presses until the page catches up.
  const keyed = useRef<{ from: { x: number; y: number }; days: number } | null>(null);
  const byDay = useCallback<KeyboardCoordinateGetter>((event, { currentCoordinates }) => {
    const step = event.code === "ArrowRight" ? 1 : event.code === "ArrowLeft" ? -1 : 0;
    if (!step) return undefined;
    event.preventDefault();
    const k = (keyed.current ??= { from: currentCoordinates, days: 0 });
    k.days += step;
    return { x: k.from.x + k.days * axis.px, y: k.from.y };
  }, [axis.px]);
  const sensors = useDragSensors(byDay);
  const shown = v.getVirtualItems();
  const band = { top: shown[0]?.start ?? 0, bottom: shown[shown.length - 1]?.end ?? 0 };
  // Kept places in view: fetch on (as the table does). A page that leaves some in view changes
  // `onMore` (its cursor moved), which asks again.
  const wanted = shown.map((s) => rows[s.index]).find((r) => r?.kind === "pending");
  const wantedGroup = wanted?.kind === "pending" ? wanted.group : null;
  useEffect(() => {
    if (wantedGroup !== null) onMore?.(wantedGroup);
  }, [wantedGroup, onMore]);
  const arrows = dependencies.length ? arrowsOf(items, dependencies, rowOf, bars, ROW, band) : [];
  if (!col) return <div className="muted">Add a timeline or date column to use the timeline.</div>;
  const labels = status ? labelsOf(status) : [];
  const tint = (item: Item) => color(labels.find((l) => l.id === (status ? laneOf(status, item) : ""))?.color ?? "blue");
  const width = axis.days * axis.px;
  function release(e: DragEndEvent) {
    setDrag(null);
    const what = e.active.data.current as Grip | undefined;
    if (!what || !col) return;
    const { item } = what;
    const span = spans.get(item.id);
    const days = daysDragged(axis, e.delta.x);
    if (!span || days === 0) return;
    const value = item.values[col.id];
    if (what.end) onSave(item, col.id, resized(value, dayAt(axis, offset(axis, span.to) + days)));
    else onSave(item, col.id, moved(col.type, value, span.from, dayAt(axis, offset(axis, span.from) + days)));
  }
  return (
    <div className="timeline-wrap">
      <div className="timeline-settings">
        <select aria-label="Bars from" value={col.id} onChange={(e) => onTimelineColumn(e.target.value)}>
          {dated.map((c) => <option key={c.id} value={c.id}>Bars: {c.title}</option>)}
        </select>
        <select aria-label="Rows by" value={lanesBy?.id ?? "group"} onChange={(e) => onRowsBy(e.target.value)}>
          <option value="group">Rows: groups</option>
          {columns.filter((c) => isGroupable(types, c.type)).map((c) => <option key={c.id} value={c.id}>Rows: {c.title}</option>)}
        </select>
        <span className="calendar-modes" role="group" aria-label="Zoom">
          {(["day", "week", "month", "quarter"] as const).map((z) => (
            <button key={z} className={zoom === z ? "active" : ""} aria-pressed={zoom === z} onClick={() => onZoom(z)}>{z[0].toUpperCase() + z.slice(1)}</button>
          ))}
        </span>
        <button onClick={() => scroller.current?.scrollTo({ left: Math.max(0, offset(axis, today) * axis.px - 200), behavior: "smooth" })}>Today</button>
      </div>
      {/* No scrolling by itself while dragging: a drag counts whole days from where the pointer
          went, and a timeline scrolling under the pointer added days nobody dragged. */}
      <DndContext sensors={sensors} autoScroll={false} onDragStart={(e) => {
        keyed.current = null;
        setDrag({ ...(e.active.data.current as Grip), dx: 0 });
      }} onDragMove={(e) => setDrag((d) => d && { ...d, dx: e.delta.x })}
        onDragEnd={release} onDragCancel={() => setDrag(null)}>
      <div className="timeline" ref={scroller} data-testid="timeline">
        <div className="timeline-head" style={{ width: NAMES + width }}>
          <div className="timeline-corner" />
          {ticksOf(axis, zoom).map((t) => <span key={t.left} className="timeline-tick" style={{ left: NAMES + t.left }}>{t.label}</span>)}
        </div>
        <div className="timeline-rows" style={{ height: v.getTotalSize(), width: NAMES + width }}>
          <div className="timeline-today" style={{ left: NAMES + offset(axis, today) * axis.px }} title="Today" />
          {arrows.length > 0 && (
            <svg className="timeline-arrows" width={NAMES + width} height={v.getTotalSize()} aria-hidden="true">
              <defs>
                <marker id="timeline-arrowhead" viewBox="0 0 6 6" refX="6" refY="3" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L6,3 L0,6 z" fill="currentColor" /></marker>
                <marker id="timeline-arrowhead-late" viewBox="0 0 6 6" refX="6" refY="3" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L6,3 L0,6 z" fill="#d83a52" /></marker>
              </defs>
              <g transform={`translate(${NAMES},0)`}>
                {arrows.map((a) => <path key={`${a.from}>${a.to}`} d={a.path} className={a.late ? "late" : undefined} data-from={a.from} data-to={a.to} markerEnd={a.late ? "url(#timeline-arrowhead-late)" : "url(#timeline-arrowhead)"} />)}
              </g>
            </svg>
          )}
          {v.getVirtualItems().map((r) => {
            const row = rows[r.index];
            if (row.kind === "pending") {
              return (
                <div key={r.key} className="timeline-row pending-row" aria-busy="true" data-group={row.group} style={{ transform: `translateY(${r.start}px)` }}>
                  <span className="timeline-name muted">Loading…</span>
                </div>
              );
            }
            if (row.kind === "group") {
              return (
                <div key={r.key} className="timeline-group" style={{ transform: `translateY(${r.start}px)`, color: color(row.color) }}>
                  <span className="timeline-name">{row.name}</span>
                </div>
              );
            }
            const { item } = row;
            const span = spans.get(item.id);
            const bar = span ? barOf(axis, span) : null;
            const shift = drag?.item.id === item.id ? drag.dx : 0;
            return (
              <div key={r.key} className="timeline-row" data-item={item.name} style={{ transform: `translateY(${r.start}px)` }}>
                <span className="timeline-name" onClick={() => onOpen(item.id)}>{item.name}</span>
                {bar && (
                  <Bar item={item} className={`timeline-bar${bar.milestone ? " milestone" : ""}`} title={`${span!.from} – ${span!.to}`} onOpen={onOpen}
                    style={{ left: NAMES + bar.left + (drag?.end ? 0 : shift), width: bar.milestone ? undefined : bar.width + (drag?.end ? shift : 0), background: tint(item) }}>
                    {!bar.milestone && <span className="timeline-label">{item.name}</span>}
                    {!bar.milestone && col.type === "timeline" && <End item={item} />}
                  </Bar>
                )}
              </div>
            );
          })}
        </div>
      </div>
      </DndContext>
    </div>
  );
}

/** An item's bar: dragged to move it; a click opens the item. */
function Bar({ item, className, title, style, onOpen, children }: {
  item: Item; className: string; title: string; style: React.CSSProperties; onOpen: (item: string) => void; children: ReactNode;
}) {
  const { setNodeRef, attributes, listeners } = useDraggable({ id: `bar:${item.id}`, data: { item, end: false } satisfies Grip });
  return (
    <div ref={setNodeRef} {...attributes} {...listeners} aria-roledescription="timeline bar" aria-label={`${item.name}, ${title}`} className={className} data-bar={item.name} title={title} style={style} onClick={() => onOpen(item.id)}>
      {children}
    </div>
  );
}

/** A bar's right edge: dragged to change where the timeline ends. */
function End({ item }: { item: Item }) {
  const { setNodeRef, attributes, listeners } = useDraggable({ id: `end:${item.id}`, data: { item, end: true } satisfies Grip });
  return <span ref={setNodeRef} {...attributes} {...listeners} aria-roledescription="timeline end" className="timeline-end" aria-label={`End of ${item.name}`} onClick={(e) => e.stopPropagation()} />;
}
