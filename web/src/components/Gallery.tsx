// The gallery: a card per item with a cover (the first file of a file column: its thumbnail)
// and the chosen fields, in rows as wide as the page allows. Rows are windowed by
// @tanstack/react-virtual within the gallery's own scroller, so a board of thousands of items
// keeps only the rows near the viewport in the DOM (and loads only their covers); the cards come
// from the server in the view's order, more as the last rows come into view
// (state/lanePages.ts).
import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { Board, Item } from "../api/types";
import { CardFields, CardFieldsChooser } from "./Cards";
/** A card's width and the gap between cards (px); rows are measured once rendered. */
const CARD = 220;
const GAP = 16;
const COVER = 140;
const FIELD = 20;

/** The first file of an item's cell, if it holds any. */
function coverOf(item: Item, column: string | undefined): string | undefined {
  const value = column ? (item.values[column] as { files?: { file_id: string }[] } | undefined) : undefined;
  return value?.files?.[0]?.file_id;
}

export function Gallery({ board, cards: fetched, meId, coverColumn, onCoverColumn, cardColumns, onCardColumns, onOpen }: {
  board: Board; cards: { cards: Item[]; count: number | undefined; more: boolean; loadMore: () => void }; meId: string;
  coverColumn?: string; onCoverColumn: (id: string | undefined) => void;
  cardColumns: string[]; onCardColumns: (ids: string[]) => void; onOpen: (item: string) => void;
}) {
  const columns = board.columns ?? [];
  const files = columns.filter((c) => c.type === "file");
  // The chosen file column, else the first one.
  const cover = files.find((c) => c.id === coverColumn) ?? files[0];
  const shown = columns.filter((c) => cardColumns.includes(c.id) && c.id !== cover?.id);
  const { cards, more, loadMore } = fetched;
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(1000);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const seen = new ResizeObserver(() => setWidth(el.clientWidth));
    seen.observe(el);
    setWidth(el.clientWidth);
    return () => seen.disconnect();
  }, []);
  const perRow = Math.max(1, Math.floor((width + GAP) / (CARD + GAP)));
  const rows = Math.ceil(cards.length / perRow);
  const v = useVirtualizer({
    count: rows,
    getScrollElement: () => scroller.current,
    estimateSize: useCallback(() => (cover ? COVER : 0) + 48 + FIELD * shown.length + GAP, [cover, shown.length]),
    overscan: 3,
    initialRect: { width: 1000, height: window.innerHeight },
  });
  const last = v.getVirtualItems().at(-1)?.index ?? -1;
  const near = more && last >= rows - 3;
  // Asked again when the fetching changes (`loadMore` is new then) while still near the end.
  useEffect(() => {
    if (near) loadMore();
  }, [near, rows, loadMore]);
  return (
    <>
      <div className="gallery-settings">
        {files.length > 0 ? (
          <select aria-label="Cover" value={cover?.id ?? ""} onChange={(e) => onCoverColumn(e.target.value || undefined)}>
            {files.map((c) => <option key={c.id} value={c.id}>Cover: {c.title}</option>)}
          </select>
        ) : <span className="muted">Add a file column to show covers.</span>}
        <CardFieldsChooser columns={columns} except={cover?.id} cardColumns={cardColumns} onCardColumns={onCardColumns} />
      </div>
      <div className="gallery" ref={scroller} data-testid="gallery">
        {cards.length === 0 && <div className="muted">{fetched.count === undefined || fetched.count > 0 ? "Loading…" : "No items to show."}</div>}
        <div className="gallery-list" style={{ height: v.getTotalSize() }}>
          {v.getVirtualItems().map((row) => (
            <div key={row.key} data-index={row.index} ref={v.measureElement} className="gallery-row" style={{ transform: `translateY(${row.start}px)` }}>
              {cards.slice(row.index * perRow, row.index * perRow + perRow).map((c) => {
                const file = coverOf(c, cover?.id);
                return (
                  <div key={c.id} className="gallery-card" data-card={c.name} onClick={() => onOpen(c.id)}>
                    {cover && (file
                      ? <img className="gallery-cover" src={`/api/v1/files/${file}/thumbnail`} alt="" loading="lazy" />
                      : <div className="gallery-cover empty" />)}
                    <div className="card-name">{c.name}</div>
                    <CardFields fields={shown} item={c} meId={meId} />
                  </div>
                );
              })}
            </div>
          ))}
        </div>
      </div>
    </>
  );
}
