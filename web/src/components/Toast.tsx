// A short message at the bottom of the screen, with Undo for changes that can be taken back
// (items deleted or archived: the API restores them; items moved: they move back), or another
// action it offers (an item moved to another board: open that board). It goes away by itself
// after a while; Ctrl/⌘-Z (a shortcut of the board page) undoes the same change, even after the
// toast has gone.
import { useEffect } from "react";

export type ToastMessage = { text: string; undo?: () => void; action?: { label: string; run: () => void } };

const SHOWN_MS = 8000;

export function Toast({ toast, onUndo, onDone }: { toast: ToastMessage; onUndo: () => void; onDone: () => void }) {
  useEffect(() => {
    const timer = setTimeout(onDone, SHOWN_MS);
    return () => clearTimeout(timer);
  }, [toast, onDone]);
  return (
    <div className="toast" role="status">
      <span>{toast.text}</span>
      {toast.undo && <button className="link" onClick={onUndo}>Undo</button>}
      {toast.action && <button className="link" onClick={() => { onDone(); toast.action?.run(); }}>{toast.action.label}</button>}
      <button className="link" aria-label="Dismiss" onClick={onDone}>✕</button>
    </div>
  );
}
