// Searching everything the user may read (Ctrl/⌘-K): results as you type, grouped by board and
// item with the matched words marked, walked with the arrow keys; Enter or a click opens the
// item (or the board) it was found in.
import { useEffect, useRef, useState } from "react";
import { api, messageOf, ok } from "../api/client";
import { groupHits, inListOrder, segments, type SearchHit } from "../state/search";
import { Dialog } from "./Dialog";

/** `text` with its highlighted runs in <mark>. */
export function Marked({ text, highlights }: { text: string; highlights: { start: number; end: number }[] }) {
  return <>{segments(text, highlights).map((s, i) => (s.mark ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}</>;
}

const KIND: Record<string, string> = { board: "Board", item: "Item", update: "Update", file: "File" };

export function SearchDialog({ onOpen, onClose }: { onOpen: (hit: SearchHit) => void; onClose: () => void }) {
  const [q, setQ] = useState("");
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [active, setActive] = useState(0);
  const [error, setError] = useState("");
  const asked = useRef(0);
  useEffect(() => {
    if (!q.trim()) {
      setHits([]);
      return;
    }
    // Answers to earlier keystrokes that arrive late are dropped.
    const n = ++asked.current;
    const t = setTimeout(() => {
      ok(api.GET("/api/v1/search", { params: { query: { q, limit: 30 } } })).then(
        (page) => { if (n === asked.current) { setHits(page.data); setActive(0); setError(""); } },
        (e) => { if (n === asked.current) setError(messageOf(e)); },
      );
    }, 120);
    return () => clearTimeout(t);
  }, [q]);
  const groups = groupHits(hits);
  const order = inListOrder(groups);
  const key = (e: React.KeyboardEvent) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((a) => (order.length ? (a + step + order.length) % order.length : 0));
    } else if (e.key === "Enter" && order[active]) {
      e.preventDefault();
      onOpen(order[active]);
    }
  };
  return (
    <Dialog title="Search" onClose={onClose}>
      <input className="search-everything" aria-label="Search everything" placeholder="Items, updates, files, boards…" value={q}
        onChange={(e) => setQ(e.target.value)} onKeyDown={key} role="combobox" aria-expanded={hits.length > 0} aria-controls="search-results"
        aria-activedescendant={order[active] ? `hit-${active}` : undefined} />
      {error && <div className="error" role="alert">{error}</div>}
      <div id="search-results" className="search-results" role="listbox" aria-label="Results">
        {q.trim() && !hits.length && !error && <p className="muted">Nothing found.</p>}
        {groups.map((g) => (
          <section key={g.boardId} aria-label={g.boardName}>
            <h4>{g.boardName}</h4>
            {g.items.map((it) => (
              <div key={it.key} className="search-item">
                {it.title && <div className="search-item-title">{it.title}</div>}
                {it.hits.map((h) => {
                  const i = order.indexOf(h);
                  return (
                    <div key={`${h.kind}-${h.update_id ?? h.file_id ?? h.item_id ?? h.board_id}`} id={`hit-${i}`} role="option" aria-selected={i === active}
                      className={"search-hit" + (i === active ? " active" : "")} onMouseEnter={() => setActive(i)} onClick={() => onOpen(h)}>
                      <span className="search-kind">{KIND[h.kind] ?? h.kind}</span>
                      <span className="search-text">
                        {h.kind === "update" ? <Marked text={h.snippet} highlights={h.snippet_highlights} /> : <Marked text={h.title} highlights={h.title_highlights} />}
                        {h.kind !== "update" && h.snippet && <span className="muted"> — <Marked text={h.snippet} highlights={h.snippet_highlights} /></span>}
                      </span>
                    </div>
                  );
                })}
              </div>
            ))}
          </section>
        ))}
      </div>
    </Dialog>
  );
}
