// What the kanban's and the gallery's cards share: the chooser of the fields a card shows, and
// the fields themselves.
import type { Column, Item } from "../api/types";
import { CellValue } from "./Cell";

/** "Card fields (n)": a checkbox per column a card may show (`except` is shown otherwise). */
export function CardFieldsChooser({ columns, except, cardColumns, onCardColumns }: {
  columns: Column[]; except?: string; cardColumns: string[]; onCardColumns: (ids: string[]) => void;
}) {
  const choices = columns.filter((c) => c.id !== except && c.type !== "button");
  return (
    <details className="card-fields">
      <summary>Card fields ({choices.filter((c) => cardColumns.includes(c.id)).length})</summary>
      {choices.map((c) => (
        <label key={c.id}>
          <input type="checkbox" checked={cardColumns.includes(c.id)} onChange={(e) => onCardColumns(e.target.checked ? [...cardColumns, c.id] : cardColumns.filter((x) => x !== c.id))} /> {c.title}
        </label>
      ))}
    </details>
  );
}

/** A card's fields: each chosen column the item has a value in, with its title. */
export function CardFields({ fields, item, meId }: { fields: Column[]; item: Item; meId: string }) {
  return (
    <>
      {fields.map((col) => item.values[col.id] !== undefined || col.type === "auto_number" ? (
        <div key={col.id} className="card-field"><span className="muted">{col.title}</span> <CellValue col={col} item={item} meId={meId} /></div>
      ) : null)}
    </>
  );
}
