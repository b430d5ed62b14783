// Keyboard shortcuts: `useShortcuts` binds handlers to the registry's shortcuts (keys typed into
// text fields are left alone, as are keys while a dialog is open and keys another handler
// already took), and the sheet that
// "?" opens lists the registry.
import { useEffect, useRef } from "react";
import { SHORTCUTS, shortcutOf, type ShortcutId } from "../state/shortcuts";
import { Dialog } from "./Dialog";

export function useShortcuts(handlers: Partial<Record<ShortcutId, () => void>>) {
  // The latest handlers, without re-binding the listener on every render.
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      // Keys belong to an open dialog (and a key typed into a field is text).
      if (e.defaultPrevented || document.querySelector('[aria-modal="true"]')) return;
      const inField = e.target instanceof HTMLElement && !!e.target.closest("input, textarea, select, [contenteditable]");
      const id = shortcutOf(e, inField);
      const run = id && latest.current[id];
      if (!run) return;
      e.preventDefault();
      run();
    };
    document.addEventListener("keydown", key);
    return () => document.removeEventListener("keydown", key);
  }, []);
}

export function ShortcutSheet({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <td><kbd>{s.keys}</kbd></td>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dialog-actions">
        <button className="primary" onClick={onClose}>Close</button>
      </div>
    </Dialog>
  );
}
