// Keyboard shortcuts: one registry that both the key handlers and the "?" sheet read, so the
// sheet cannot list a shortcut that does nothing or miss one that does something.

/** Shortcuts the app acts on. */
export type ShortcutId = "help" | "search" | "find" | "newItem" | "sidebar" | "undo";

export type Shortcut = { keys: string; what: string; id?: ShortcutId };

/** Every shortcut, as the sheet lists them; those with an `id` are dispatched by `shortcutOf`,
 * the others are handled where they apply (table cells, dialogs, panels). */
export const SHORTCUTS: Shortcut[] = [
  { id: "help", keys: "?", what: "Show these shortcuts" },
  { id: "find", keys: "Ctrl K / ⌘ K", what: "Search everything you can read" },
  { id: "search", keys: "/", what: "Search this board" },
  { id: "newItem", keys: "N", what: "New item in the first group" },
  { id: "sidebar", keys: "[", what: "Show or hide the sidebar" },
  { id: "undo", keys: "Ctrl Z / ⌘ Z", what: "Undo your last delete, archive or move" },
  { keys: "← ↑ → ↓", what: "Move between table cells" },
  { keys: "Enter", what: "Edit the cell" },
  { keys: "Esc", what: "Close a dialog, menu or the item panel" },
];

type Keys = { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean };

/** The shortcut a key press means, if any. `inField`: the press is typed into a text field,
 * where keys are text (and Ctrl/⌘-Z is the field's own undo). */
export function shortcutOf(e: Keys, inField: boolean): ShortcutId | null {
  if (e.altKey) return null;
  // Searching everything works from anywhere, a text field included.
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") return "find";
  if (inField) return null;
  const mod = e.ctrlKey || e.metaKey;
  if (mod) return e.key.toLowerCase() === "z" ? "undo" : null;
  switch (e.key) {
    case "?":
      return "help";
    case "/":
      return "search";
    case "n":
    case "N":
      return "newItem";
    case "[":
      return "sidebar";
    default:
      return null;
  }
}
