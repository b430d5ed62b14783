// The main table: coloured groups with counts, a sticky name column, a cell per column, an
// "add item" row per group, status battery footers, drag to move items between groups and
// columns among columns. Dragging is the app's (./drag): a row by its grip, a column by its
// title, with a mouse, a finger or the keyboard (an arrow takes it a row or a column on).
// All groups' rows (titles, headers, items, add rows, footers) are one list in one <table>,
// windowed by @tanstack/react-virtual against the table's own scroller (the page does not
// scroll): only rows near the viewport are in the DOM and spacer rows stand for the rest, so
// the scroller is exactly as tall as the board and any scroll position shows rows. Being the
// scroller for both directions is what lets the group at the top keep its title and column
// headers stuck there while its rows scroll (they stay rendered for that), and the name column
// stick to the left while the columns scroll sideways.
import { DndContext, MeasuringStrategy, useDraggable, useDroppable, type DragEndEvent, type DragStartEvent, type KeyboardCoordinateGetter } from "@dnd-kit/core";
import { defaultRangeExtractor, useVirtualizer, type Range } from "@tanstack/react-virtual";
import { memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Board, Column, Item } from "../api/types";
import { format, parseISO } from "date-fns";
import { daySpan, formatNumber, isDone } from "../state/format";
import { labelsOf, laneValue } from "../state/lanes";
import { usePeople } from "../state/people";
import type { CellEditor, CellEditors } from "../state/presence";
import { subitemsIn, useSubitemCounts } from "../state/subitemCounts";
import type { UpdateCounts } from "../state/updateCounts";
import { addTarget, gapsOf, tableEntries, tableGroups, titleIndexes, withSticky, type Entry, type EntryKind, type Paging, type TableGroup } from "../state/tableRows";
import { Cell, color } from "./Cell";
import { AddColumn, ColumnHeader, type ColumnActions } from "./ColumnHeader";
import { ConfirmDialog } from "./Dialog";
import { Follower, toMiddleOf, toNeighbour, underPointer, useDragSensors } from "./drag";
import { Subitems } from "./Subitems";
import { GroupTitle, type GroupActions } from "./GroupTitle";

type Props = {
  board: Board;
  items: Item[];
  meId: string;
  /** Updates per item, shown on each row's bubble. */
  updates: UpdateCounts;
  /** Cells others are editing, by item id then column id. */
  editors: CellEditors;
  onSave: (item: Item, column: string, value: unknown) => void;
  onRename: (item: Item, name: string) => void;
  onAdd: (group: string, name: string, values?: Record<string, unknown>) => void;
  onOpen: (item: string) => void;
  /** Moves items to a group: to its bottom, or right after the item `after`. */
  onMove: (items: Item[], group: string, after?: string) => void;
  onEditing: (item: Item, column: string, on: boolean) => void;
  onArchive: (items: Item[]) => void;
  /** Clicks a button column's button on an item; absent for people who may not edit content. */
  onButton?: (item: Item, column: Column) => Promise<unknown> | void;
  /** One value for several items at once (the bulk bar), which can be undone. */
  onSetAll: (items: Item[], column: Column, value: unknown) => void;
  /** Group rows by a column's values (labels, people) instead of the board's groups. */
  groupBy?: Column;
  /** Order of rows within a group (default: board order). */
  sort?: (a: Item, b: Item) => number;
  hidden: Set<string>;
  columnActions: ColumnActions;
  groupActions: GroupActions;
  /** A filter's matches still being fetched: the table keeps places for the rest. */
  paging?: Paging | null;
  /** Asked for when kept places of `group` come into view: fetch the next page of its rows. */
  onMore?: (group: string) => void;
};

/** First guesses of row heights (px); rendered rows are measured and replace them. */
const ESTIMATE: Record<EntryKind, number> = { title: 42, head: 35, item: 37, subitems: 120, pending: 37, add: 37, foot: 37, gap: 24 };
/** Rows rendered beyond each edge of the viewport, so fast scrolling rarely shows a gap. */
const OVERSCAN = 12;
const COLUMN_WIDTH = 130;

/** Arrow keys move between cells; Enter edits (handled by the cell). */
function navigate(e: React.KeyboardEvent) {
  const td = (e.target as HTMLElement).closest("td[data-r]") as HTMLElement | null;
  if (!td || !e.key.startsWith("Arrow") || (e.target as HTMLElement).tagName === "INPUT") return;
  const r = Number(td.dataset.r) + (e.key === "ArrowDown" ? 1 : e.key === "ArrowUp" ? -1 : 0);
  const c = Number(td.dataset.c) + (e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0);
  const next = td.closest(".table-wrap")?.querySelector<HTMLElement>(`td[data-r="${r}"][data-c="${c}"]`);
  if (next) {
    e.preventDefault();
    next.focus();
  }
}

/** A status column's footer: each label's share of the group's `total` items. */
function Battery({ col, count, total }: { col: Column; count: (label: string) => number; total: number }) {
  const labels = labelsOf(col);
  const counts = labels.map((l) => count(l.id));
  total = total || 1;
  return (
    <div className="battery" title={labels.map((l, i) => `${l.name}: ${counts[i]}`).join(", ")}>
      {labels.map((l, i) => counts[i] > 0 && <span key={l.id} style={{ width: `${(100 * counts[i]) / total}%`, background: color(l.color) }} />)}
    </div>
  );
}

function Sum({ col, sum, values }: { col: Column; sum: number; values: number }) {
  const { unit, decimals } = col.settings as { unit?: string | null; decimals?: number | null };
  return <span className="sum">{values ? `Σ ${formatNumber(sum, unit, decimals)}` : ""}</span>;
}

/** A date or timeline column's footer: its earliest and latest day. */
function Span({ span }: { span: { earliest?: string | null; latest?: string | null } | null }) {
  if (!span?.earliest || !span.latest) return null;
  const day = (d: string) => format(parseISO(d), "MMM d");
  return <span className="day-span">{span.earliest === span.latest ? day(span.earliest) : `${day(span.earliest)} – ${day(span.latest)}`}</span>;
}

/** A group's footer under `col`: added up from its rows when all are here, else the server's
 * (over every row of the group, fetched or not); nothing until that is read. */
function Footer({ col, group }: { col: Column; group: TableGroup }) {
  if (group.pending) {
    const f = group.footers?.find((x) => x.column_id === col.id);
    if (f?.kind === "labels") return <Battery col={col} count={(l) => f.labels[l] ?? 0} total={group.total ?? 0} />;
    if (f?.kind === "sum") return <Sum col={col} sum={f.sum} values={f.values} />;
    if (f?.kind === "dates") return <Span span={f} />;
    return null;
  }
  const items = group.items;
  if (col.type === "status") return <Battery col={col} count={(l) => items.filter((i) => i.values[col.id] === l).length} total={items.length} />;
  if (col.type === "number") {
    const nums = items.map((i) => i.values[col.id]).filter((v): v is number => typeof v === "number");
    return <Sum col={col} sum={nums.reduce((a, b) => a + b, 0)} values={nums.length} />;
  }
  if (col.type === "date" || col.type === "timeline") return <Span span={daySpan(items.map((i) => i.values[col.id]))} />;
  return null;
}

export function Table(p: Props) {
  const people = usePeople();
  // Board groups start as this user last left them (the server keeps that per user).
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set((p.board.groups ?? []).filter((g) => g.collapsed).map((g) => g.id)));
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  /** Items whose subitems are shown under them. */
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  /** What is being dragged, shown in the overlay: an item, or a column's title. */
  const [lifted, setLifted] = useState<{ item: Item } | { title: string } | null>(null);
  /** Where the keyboard can take a row, in order (see `byRow`), kept current for the sensor. */
  const stops = useRef<Stops>({ keys: [], toIndex: () => -1, scroller: null, at: "" });
  const sensors = useDragSensors(useCallback<KeyboardCoordinateGetter>((event, args) => byRow(stops.current, event, args), []));
  /** Deleting several items asks first. */
  const [confirming, setConfirming] = useState(false);
  const scroller = useRef<HTMLDivElement>(null);

  // Scrolling re-renders this component; none of these depend on the scroll position.
  const columns = useMemo(() => (p.board.columns ?? []).filter((c) => !p.hidden.has(c.id)), [p.board.columns, p.hidden]);
  const groups = useMemo(() => tableGroups(p.board, p.items, people, p.groupBy, p.sort, p.paging), [p.board, p.items, people, p.groupBy, p.sort, p.paging]);
  const entries = useMemo(() => tableEntries(groups, collapsed, expanded), [groups, collapsed, expanded]);
  const chosen = useMemo(() => p.items.filter((i) => selected.has(i.id)), [p.items, selected]);
  const status = columns.find((c) => c.type === "status") ?? (p.board.columns ?? []).find((c) => c.type === "status");

  const subitems = useSubitemCounts(p.board.id, p.board.subitem_board_id);
  const titles = useMemo(() => titleIndexes(entries), [entries]);
  const v = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scroller.current,
    estimateSize: useCallback((i: number) => ESTIMATE[entries[i].kind], [entries]),
    getItemKey: useCallback((i: number) => entries[i].key, [entries]),
    rangeExtractor: useCallback((r: Range) => withSticky(defaultRangeExtractor(r), entries, titles, r.startIndex), [entries, titles]),
    overscan: OVERSCAN,
    // Render the first screen at once rather than after the first measurement of the scroller.
    initialRect: { width: window.innerWidth, height: window.innerHeight },
  });
  useEffect(() => {
    // A row lands after an item or at a group's bottom (its add row, or a folded group's title).
    const keys = entries.filter((e) => e.kind === "item" || e.kind === "add" || (e.kind === "title" && e.collapsed)).map((e) => e.key);
    const index = new Map(entries.map((e, i) => [e.key, i]));
    stops.current = { ...stops.current, keys, toIndex: (k) => index.get(k) ?? -1, scroller: scroller.current };
  }, [entries]);
  const shown = v.getVirtualItems();
  const gaps = gapsOf(shown, v.getTotalSize());
  const span = columns.length + 2;
  // Kept places in view: fetch on. A page that leaves some in view changes `onMore` (its cursor
  // moved), which asks again.
  const wanted = shown.find((s) => entries[s.index]?.kind === "pending");
  const wantedGroup = wanted ? entries[wanted.index].group.id : null;
  const onMore = p.onMore;
  useEffect(() => {
    if (wantedGroup !== null) onMore?.(wantedGroup);
  }, [wantedGroup, onMore]);

  const expand = useCallback((id: string) => setExpanded((s) => {
    const n = new Set(s);
    if (n.has(id)) n.delete(id);
    else n.add(id);
    return n;
  }), []);
  const toggle = useCallback((id: string, on: boolean) => setSelected((s) => {
    const n = new Set(s);
    if (on) n.add(id);
    else n.delete(id);
    return n;
  }), []);
  const lift = (e: DragStartEvent) => {
    const what = e.active.data.current as Lifted | undefined;
    if (what?.kind === "row") stops.current.at = `item:${what.item.id}`;
    setLifted(what?.kind === "row" ? { item: what.item } : what?.kind === "column" ? { title: columns.find((c) => c.id === what.column)?.title ?? "" } : null);
  };
  const drop = (e: DragEndEvent) => {
    setLifted(null);
    const what = e.active.data.current as Lifted | undefined;
    const to = e.over?.data.current as Target | undefined;
    if (!what || !to) return;
    if (what.kind === "column" && to.kind === "column") {
      // It takes the place of the column it is dropped on: rightwards after it, leftwards before.
      const [from, at] = [columns.findIndex((c) => c.id === what.column), columns.findIndex((c) => c.id === to.column)];
      if (from >= 0 && at >= 0 && from !== at) p.columnActions.onMove(what.column, at > from ? { after: to.column } : { before: to.column });
      return;
    }
    if (what.kind !== "row" || to.kind !== "row") return;
    const { item } = what;
    if (to.after?.id === item.id) return;
    if (p.groupBy) p.onSave(item, p.groupBy.id, laneValue(p.groupBy, to.group.id));
    // Dropped on a row: right after it, in its group.
    else if (to.after) p.onMove([item], to.after.group_id, to.after.id);
    // Elsewhere in a group: right after its last row, or at its bottom while its last rows are not fetched yet.
    else p.onMove([item], to.group.id, to.group.pending ? undefined : to.group.items[to.group.items.length - 1]?.id);
  };
  const add = (g: TableGroup) => {
    const name = (drafts[g.id] ?? "").trim();
    const to = addTarget(p.board, g, p.groupBy);
    if (!name || !to) return;
    p.onAdd(to.group, name, to.values);
    setDrafts({ ...drafts, [g.id]: "" });
  };

  const remove = () => {
    p.onArchive(chosen);
    setSelected(new Set());
  };

  const render = (e: Entry, index: number) => {
    const g = e.group;
    // Every row is measured (`index` tells the virtualizer which entry it is) and is a drop
    // target for its group. Keys are passed separately: React wants them out of spreads.
    const common = { index, measure: v.measureElement, group: g, id: e.key };
    switch (e.kind) {
      case "title": {
        const flip = () => {
          const n = new Set(collapsed);
          if (e.collapsed) n.delete(g.id);
          else n.add(g.id);
          setCollapsed(n);
          if (!p.groupBy) p.groupActions.collapse(g.id, !e.collapsed);
        };
        return (
          <GroupRow key={e.key} {...common} className="title-row">
            <td colSpan={span}>
              <GroupTitle group={g} collapsed={e.collapsed} onFlip={flip} groups={p.board.groups ?? []} actions={p.groupBy ? undefined : p.groupActions} />
            </td>
          </GroupRow>
        );
      }
      case "head":
        return (
          <GroupRow key={e.key} {...common} className="head-row">
            <th className="name-col">Item</th>
            {columns.map((c) => <ColumnHeader key={c.id} col={c} at={e.key} actions={p.columnActions} />)}
            <AddColumn actions={p.columnActions} />
          </GroupRow>
        );
      case "item":
        return (
          <ItemRow key={e.key} index={index} measure={v.measureElement} item={e.item} group={g} row={e.row} columns={columns} props={p}
            selected={selected.has(e.item.id)} remoteEditors={p.editors.get(e.item.id)} updates={p.updates.get(e.item.id) ?? 0} subitems={subitems.get(e.item.id) ?? 0} onToggle={toggle}
            expanded={expanded.has(e.item.id)} onExpand={expand} />
        );
      case "subitems":
        return (
          <GroupRow key={e.key} {...common} className="subitems-row">
            <td colSpan={span}><Subitems parent={e.item} board={p.board.id} depth={1} meId={p.meId} /></td>
          </GroupRow>
        );
      case "pending":
        return (
          <GroupRow key={e.key} {...common} className="pending-row" aria-busy="true">
            <td className="name-col"><div className="name-cell"><span className="skeleton" /></div></td>
            <td colSpan={columns.length} />
          </GroupRow>
        );
      case "add":
        return (
          <GroupRow key={e.key} {...common} className="add-row">
            <td className="name-col">
              <input placeholder="+ Add item" value={drafts[g.id] ?? ""} aria-label={`Add item to ${g.title}`}
                onChange={(ev) => setDrafts({ ...drafts, [g.id]: ev.target.value })}
                onKeyDown={(ev) => ev.key === "Enter" && add(g)} />
            </td>
            {columns.map((c) => <td key={c.id} />)}
          </GroupRow>
        );
      case "foot":
        return (
          <GroupRow key={e.key} {...common} className="foot-row">
            <td className="name-col">
              {/* Subitems count with their parents' group (monday's footer does the same). */}
              {!g.pending && subitemsIn(subitems, g.items) > 0 && <span className="sub-count" data-testid="group-subitems">{plural(subitemsIn(subitems, g.items), "subitem")}</span>}
            </td>
            {/* A group not all fetched shows the server's footer: the rows here are only part of it. */}
            {columns.map((c) => <td key={c.id}><Footer col={c} group={g} /></td>)}
          </GroupRow>
        );
      case "gap":
        return <GroupRow key={e.key} {...common} className="gap-row" aria-hidden="true"><td colSpan={span} /></GroupRow>;
    }
  };

  const spacer = (key: string, height: number) => height > 0 && <tr key={key} className="spacer" aria-hidden="true"><td colSpan={span} style={{ height }} /></tr>;
  return (
    <>
      {chosen.length > 0 && (
        <div className="bulk" role="toolbar" aria-label="Selected items">
          <strong>{chosen.length} selected</strong>
          <select aria-label="Move selected to group" value="" onChange={(e) => { p.onMove(chosen, e.target.value); setSelected(new Set()); }}>
            <option value="">Move to…</option>
            {(p.board.groups ?? []).map((g) => <option key={g.id} value={g.id}>{g.title}</option>)}
          </select>
          {status && (
            <select aria-label="Set status of selected" value="" onChange={(e) => p.onSetAll(chosen, status, e.target.value || null)}>
              <option value="">Set {status.title}…</option>
              {labelsOf(status).map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
            </select>
          )}
          <button className="link danger" onClick={() => (chosen.length > 1 ? setConfirming(true) : remove())}>Delete</button>
          <button className="link" onClick={() => setSelected(new Set())}>Clear</button>
        </div>
      )}
      {confirming && <ConfirmDialog title="Delete items" message={`Delete ${chosen.length} items? You can undo right after.`} confirm={`Delete ${chosen.length} items`} onConfirm={remove} onClose={() => setConfirming(false)} />}
      {/* Focusable, so Home, End and the page keys scroll it. */}
      {/* Rows come and go as the table scrolls: drop targets are measured all along. */}
      <DndContext sensors={sensors} collisionDetection={underPointer} measuring={{ droppable: { strategy: MeasuringStrategy.Always } }}
        onDragStart={lift} onDragEnd={drop} onDragCancel={() => setLifted(null)}>
      <div className="table-wrap" ref={scroller} tabIndex={0} aria-label="Board table" role="region" onKeyDown={navigate}>
      <table className="board-table">
        <colgroup>
          <col className="name-width" />
          {columns.map((c) => <col key={c.id} data-col={c.id} style={{ width: c.width ?? COLUMN_WIDTH }} />)}
          <col className="add-width" />
        </colgroup>
        <tbody>
          {shown.flatMap((s, k) => [spacer(`gap-before:${s.key}`, gaps.before[k]), render(entries[s.index], s.index)])}
          {spacer("gap-end", gaps.after)}
        </tbody>
      </table>
      </div>
      <Follower>
        {lifted && <div className="row-dragging">{"item" in lifted ? lifted.item.name : lifted.title}</div>}
      </Follower>
      </DndContext>
    </>
  );
}

type RowProps = {
  item: Item; group: TableGroup; row: number; columns: Column[]; props: Props; selected: boolean; remoteEditors?: ReadonlyMap<string, CellEditor>; updates: number;
  /** How many subitems it has (shown on its expand button). */
  subitems: number;
  onToggle: (id: string, on: boolean) => void;
  /** The virtualizer's index of this row, and its measuring ref. */
  index: number; measure: (el: HTMLTableRowElement | null) => void;
  /** Whether its subitems show under it, and the switch. */
  expanded: boolean; onExpand: (id: string) => void;
};

/** One item's row. Memoized: while scrolling, only rows entering the window render. */
const ItemRow = memo(function ItemRow({ item, group, row, columns, props: p, selected, remoteEditors, updates, subitems, onToggle, index, measure, expanded, onExpand }: RowProps) {
  const done = isDone(p.board.columns, item);
  // The row is picked up by its grip (so selecting text in a cell never drags it), and is a
  // drop target: what is dropped on it goes right after it.
  const drag = useDraggable({ id: `row:${item.id}`, data: { kind: "row", item } satisfies Lifted });
  const drop = useDroppable({ id: `item:${item.id}`, data: { kind: "row", group, after: item } satisfies Target });
  const ref = useCallback((el: HTMLTableRowElement | null) => {
    measure(el);
    drag.setNodeRef(el);
    drop.setNodeRef(el);
  }, [measure, drag.setNodeRef, drop.setNodeRef]);
  return (
    <tr ref={ref} data-index={index} style={{ "--group": color(group.color) } as React.CSSProperties} data-item={item.name} data-group={group.title}
      className={(selected ? "selected" : "") + (drag.isDragging ? " lifted" : "") + (drop.isOver && !drag.isDragging ? " drop-after" : "")}>
      <td className="name-col">
        <div className="name-cell">
          <button ref={drag.setActivatorNodeRef} {...drag.attributes} {...drag.listeners} className="grip" aria-roledescription="row" aria-label={`Move ${item.name}`} title="Drag to move">⠿</button>
          <input type="checkbox" className="select" aria-label={`Select ${item.name}`} checked={selected} onChange={(e) => onToggle(item.id, e.target.checked)} />
          <button className="expand" aria-expanded={expanded} aria-label={`Subitems of ${item.name}`} onClick={() => onExpand(item.id)}>{expanded ? "▾" : "▸"}{subitems > 0 && <span className="sub-count" data-testid="subitem-count">{subitems}</span>}</button>
          <input className="name-input" defaultValue={item.name} key={item.name} onBlur={(e) => e.target.value !== item.name && e.target.value.trim() && p.onRename(item, e.target.value)}
            onKeyDown={(e) => e.key === "Enter" && (e.target as HTMLInputElement).blur()} aria-label="Item name" />
          <button className={"open" + (updates ? " has-updates" : "")} title="Open updates" aria-label={updates ? `Open updates (${updates})` : "Open updates"} onClick={() => p.onOpen(item.id)}>
            <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true"><path d="M2 3h12v8H6l-3 3v-3H2z" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinejoin="round" /></svg>
            {updates > 0 && <span className="bubble-count" data-testid="update-count">{updates}</span>}
          </button>
        </div>
      </td>
      {columns.map((c, ci) => (
        <Cell key={c.id} col={c} item={item} meId={p.meId} done={done} row={row} index={ci} remoteEditor={remoteEditors?.get(c.id)} onSave={(v) => p.onSave(item, c.id, v)} onEditing={(on) => p.onEditing(item, c.id, on)}
          onButton={p.onButton && (() => p.onButton!(item, c))} />
      ))}
    </tr>
  );
});

/** The keyboard takes a lifted row through the places it can land, in the table's order: after
 * each item, and each group's bottom. That place is scrolled to the middle of the table (never
 * under the headers stuck at its top) and the row moved onto it. Columns go left and right to
 * the nearest header. */
type Stops = {
  /** The entries' keys of the places a row can land, in order. */
  keys: string[];
  toIndex: (key: string) => number;
  scroller: HTMLElement | null;
  /** The place the keyboard took the lifted row to last (its own row when lifted): kept here
   * rather than read from dnd-kit's `over`, which trails a fast run of key presses. */
  at: string;
};

function byRow(stops: Stops, event: KeyboardEvent, args: Parameters<KeyboardCoordinateGetter>[1]) {
  const { active, collisionRect } = args.context;
  if ((active?.data.current as Lifted | undefined)?.kind !== "row") return toNeighbour(event, args);
  const step = event.code === "ArrowDown" ? 1 : event.code === "ArrowUp" ? -1 : 0;
  if (!step || !collisionRect) return undefined;
  event.preventDefault();
  const next = stops.keys[stops.keys.indexOf(stops.at) + step];
  const row = next && stops.scroller?.querySelector<HTMLElement>(`tr[data-index="${stops.toIndex(next)}"]`);
  if (!next || !row) return args.currentCoordinates;
  stops.at = next;
  row.scrollIntoView({ block: "center" });
  return toMiddleOf(row.getBoundingClientRect(), collisionRect, args.currentCoordinates);
}

/** What the table drags: an item's row, or a column by its header. */
export type Lifted = { kind: "row"; item: Item } | { kind: "column"; column: string };
/** Where it lands: a group's rows (right after `after` when dropped on an item's row), or a
 * column's header (the column takes its place). */
export type Target = { kind: "row"; group: TableGroup; after?: Item } | { kind: "column"; column: string };

/** A row of a group that is not an item's (its title, headers, footer…): measured like the
 * rest, and a drop target that puts an item at the group's bottom. */
function GroupRow({ id, index, measure, group, className, children, ...rest }: {
  id: string; index: number; measure: (el: HTMLTableRowElement | null) => void; group: TableGroup; className: string; children: React.ReactNode; "aria-busy"?: "true"; "aria-hidden"?: "true";
}) {
  const { setNodeRef, isOver } = useDroppable({ id, data: { kind: "row", group } satisfies Target });
  const ref = useCallback((el: HTMLTableRowElement | null) => {
    measure(el);
    setNodeRef(el);
  }, [measure, setNodeRef]);
  return (
    <tr ref={ref} data-index={index} data-group={group.title} style={{ "--group": color(group.color) } as React.CSSProperties} className={className + (isOver ? " drop-after" : "")} {...rest}>
      {children}
    </tr>
  );
}

const plural = (n: number, word: string) => `${n.toLocaleString("en")} ${word}${n === 1 ? "" : "s"}`;
