// Floating panels: label palettes, column menus, the add-column form. A panel is fixed to the
// viewport, so the table's sideways scroller cannot clip it, and placed under the element that
// holds it (its anchor: a cell or a header), moved left or above when it would leave the screen.
// It closes on Escape, on a press outside its anchor, and when focus moves from the anchor to
// another element. The last two also keep panels to one at a time: opening another one, by
// click or by arrow keys and Enter, is such a press or move.
import { useEffectEvent, useLayoutEffect, useRef } from "react";

const MARGIN = 8;

/** Puts `panel` under `anchor`, inside the viewport. */
function place(panel: HTMLElement, anchor: HTMLElement) {
  const a = anchor.getBoundingClientRect();
  const width = document.documentElement.clientWidth;
  const height = window.innerHeight;
  const w = panel.offsetWidth;
  const h = panel.offsetHeight;
  const left = Math.max(MARGIN, Math.min(a.left, width - w - MARGIN));
  const below = a.bottom + 2;
  const top = below + h <= height - MARGIN || a.top - h - 2 < MARGIN ? below : a.top - h - 2;
  panel.style.left = `${left}px`;
  panel.style.top = `${top}px`;
}

export function Popup({ className, onClose, children }: { className: string; onClose: () => void; children: React.ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const close = useEffectEvent(onClose);
  // A layout effect: the panel is placed before the browser first paints it.
  useLayoutEffect(() => {
    const panel = ref.current;
    const anchor = panel?.parentElement;
    if (!panel || !anchor) return;
    const follow = () => {
      const a = anchor.getBoundingClientRect();
      // Its anchor scrolled out of sight: a panel pinned to the screen edge would mislead.
      if (a.bottom < 0 || a.top > window.innerHeight || a.right < 0 || a.left > document.documentElement.clientWidth) close();
      else place(panel, anchor);
    };
    place(panel, anchor);
    const key = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      // Escape closes this panel only, not what it sits in (an item panel, a dialog).
      e.stopPropagation();
      close();
    };
    const press = (e: PointerEvent) => anchor.contains(e.target as Node) || close();
    const leave = (e: FocusEvent) => {
      // Focus going nowhere (a press on the page's background) is handled by `press`.
      const to = e.relatedTarget as Node | null;
      if (to && !anchor.contains(to)) close();
    };
    document.addEventListener("keydown", key, true);
    document.addEventListener("pointerdown", press, true);
    anchor.addEventListener("focusout", leave);
    // Scroll events do not bubble; the capture phase sees every scroller's.
    window.addEventListener("scroll", follow, { capture: true, passive: true });
    window.addEventListener("resize", follow);
    return () => {
      document.removeEventListener("keydown", key, true);
      document.removeEventListener("pointerdown", press, true);
      anchor.removeEventListener("focusout", leave);
      window.removeEventListener("scroll", follow, { capture: true });
      window.removeEventListener("resize", follow);
    };
  }, []);
  return (
    <div ref={ref} className={className}>
      {children}
    </div>
  );
}
