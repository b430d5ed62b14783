// A short message at the bottom of the screen, with Undo for changes that can be taken back
// (items deleted: the API restores archived items). Ctrl/⌘-Z does the same while it shows, unless
// the key is meant for a text field. It goes away by itself after a while.
import { useEffect } from "react";

export type ToastMessage = { text: string; undo?: () => void };

const SHOWN_MS = 8000;

export function Toast({ toast, onDone }: { toast: ToastMessage; onDone: () => void }) {
  useEffect(() => {
    const timer = setTimeout(onDone, SHOWN_MS);
    const key = (e: KeyboardEvent) => {
      if (!toast.undo || e.key.toLowerCase() !== "z" || !(e.ctrlKey || e.metaKey) || e.shiftKey) return;
      if (e.target instanceof HTMLElement && e.target.closest("input, textarea, select, [contenteditable]")) return;
      e.preventDefault();
      toast.undo();
      onDone();
    };
    document.addEventListener("keydown", key);
    return () => {
      clearTimeout(timer);
      document.removeEventListener("keydown", key);
    };
  }, [toast, onDone]);
  return (
    <div className="toast" role="status">
      <span>{toast.text}</span>
      {toast.undo && <button className="link" onClick={() => { toast.undo?.(); onDone(); }}>Undo</button>}
      <button className="link" aria-label="Dismiss" onClick={onDone}>✕</button>
    </div>
  );
}
