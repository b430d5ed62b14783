// Forms: which columns a form may ask for, a form view's settings with their defaults, the
// answers of the public page turned into the columns' value formats, and an API error turned
// into the field it names.
import { ApiError } from "../api/client";
import type { Column, ColumnType, FormSettings, PublicField, View } from "../api/types";

/** As the server's `FORM_COLUMN_TYPES`: what a stranger can answer by typing or picking. */
export const FORM_COLUMN_TYPES: ColumnType[] = ["text", "long_text", "number", "status", "dropdown", "date", "timeline", "checkbox", "rating", "link", "email", "phone", "tags"];

export const askable = (c: Column) => FORM_COLUMN_TYPES.includes(c.type);

/** A form view's settings, every field present. */
export function formOf(v: View): Required<Pick<FormSettings, "title" | "description" | "name_label" | "fields" | "public" | "submit_message" | "has_password">> & FormSettings {
  const s = (v.settings ?? {}) as FormSettings;
  return {
    ...s,
    title: s.title ?? "",
    description: s.description ?? "",
    name_label: s.name_label ?? "",
    fields: s.fields ?? [],
    public: s.public ?? false,
    submit_message: s.submit_message ?? "",
    has_password: s.has_password ?? false,
  };
}

/** What a question's input holds before it becomes a value. */
export type Raw = string | boolean | string[] | { from: string; to: string };

/** The empty input of a question of `type`. */
export function emptyRaw(type: ColumnType): Raw {
  if (type === "checkbox") return false;
  if (type === "dropdown") return [];
  if (type === "timeline") return { from: "", to: "" };
  return "";
}

/** The choices of a status (its labels) or a dropdown (its options). */
export function choicesOf(f: Pick<PublicField, "settings">): { id: string; name: string }[] {
  const s = f.settings as { labels?: { id: string; name: string }[]; options?: { id: string; name: string }[] };
  return (s.labels ?? s.options ?? []).map(({ id, name }) => ({ id, name }));
}

/** An input as its column's value, or `undefined` when left empty (an unchecked box is not
 * an answer: a required checkbox must be ticked). What the server refuses it says so, by field. */
export function valueOf(type: ColumnType, raw: Raw): unknown {
  if (typeof raw === "boolean") return raw ? true : undefined;
  if (Array.isArray(raw)) return raw.length ? raw : undefined;
  if (typeof raw === "object") return raw.from && raw.to ? { from: raw.from, to: raw.to } : raw.from || raw.to ? { from: raw.from || raw.to, to: raw.to || raw.from } : undefined;
  const text = raw.trim();
  if (!text) return undefined;
  switch (type) {
    case "number":
    case "rating":
      return Number.isFinite(Number(text)) ? Number(text) : text;
    case "link":
      return { url: text, text };
    case "tags":
      return text.split(",").map((t) => t.trim()).filter(Boolean);
    default:
      return text;
  }
}

/** The answers of the filled inputs, by column id. */
export function answersOf(fields: PublicField[], raws: Record<string, Raw>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = valueOf(f.type, raws[f.column_id] ?? emptyRaw(f.type));
    if (v !== undefined) out[f.column_id] = v;
  }
  return out;
}

/** The question an error is about (`name`, or a column id), with its message. */
export function fieldError(e: unknown): { field: string; message: string } | null {
  if (!(e instanceof ApiError) || e.code !== "validation_failed") return null;
  const field = (e.details as { field?: string } | undefined)?.field ?? "";
  if (field === "name") return { field, message: e.message };
  return field.startsWith("values.") ? { field: field.slice("values.".length), message: e.message } : null;
}
