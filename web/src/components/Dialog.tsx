// Modal dialogs, in place of the browser's own prompt and confirm boxes: they look like the app, can
// hold more than one field (a delete that asks where the items go), and tests drive them like
// any other element. A dialog is rendered into <body>, so no table cell or sticky header clips
// it; it takes focus when it opens; Escape or a press on the backdrop cancels it. Escape is
// stopped at the dialog, so an item panel under it stays open.
import { useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";

export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: React.ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>("input, select, textarea, .primary")?.focus();
  }, []);
  return createPortal(
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={ref} className="dialog" role="dialog" aria-modal="true" aria-label={title}
        onKeyDown={(e) => {
          if (e.key !== "Escape") return;
          e.stopPropagation();
          e.preventDefault();
          onClose();
        }}>
        <h3>{title}</h3>
        {children}
      </div>
    </div>,
    document.body,
  );
}

/** One line of text: a name, an email. `onSubmit` gets it trimmed, never empty unless `optional`
 * (a description may be cleared). */
export function AskDialog({ title, label, initial = "", type = "text", optional = false, submit, onSubmit, onClose }: {
  title: string; label: string; initial?: string; type?: "text" | "email"; optional?: boolean; submit: string; onSubmit: (value: string) => void; onClose: () => void;
}) {
  const [value, setValue] = useState(initial);
  const empty = !optional && !value.trim();
  return (
    <Dialog title={title} onClose={onClose}>
      <form onSubmit={(e) => {
        e.preventDefault();
        if (empty) return;
        onClose();
        onSubmit(value.trim());
      }}>
        <label className="field">{label}<input type={type} aria-label={label} value={value} onChange={(e) => setValue(e.target.value)} onFocus={(e) => e.target.select()} required={!optional} /></label>
        <div className="dialog-actions">
          <button type="button" className="link" onClick={onClose}>Cancel</button>
          <button className="primary" disabled={empty}>{submit}</button>
        </div>
      </form>
    </Dialog>
  );
}

/** A yes-or-no question about something that cannot be taken back. `children` add fields. */
export function ConfirmDialog({ title, message, confirm, onConfirm, onClose, children }: {
  title: string; message: string; confirm: string; onConfirm: () => void; onClose: () => void; children?: React.ReactNode;
}) {
  return (
    <Dialog title={title} onClose={onClose}>
      <p>{message}</p>
      {children}
      <div className="dialog-actions">
        <button type="button" className="link" onClick={onClose}>Cancel</button>
        <button className="primary danger" onClick={() => { onClose(); onConfirm(); }}>{confirm}</button>
      </div>
    </Dialog>
  );
}
