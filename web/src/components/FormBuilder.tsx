// A form view's builder: the title and description, the questions (columns of the board a
// stranger can answer, each with its label, help text and whether it is required, in order),
// where new items go, and publishing: the public link, a new link, a password. Beside it, the
// form as the public will see it. Every change is saved as it is made.
import { useEffect, useState } from "react";
import { api, messageOf, ok } from "../api/client";
import type { Board, FormField, PublicForm, View } from "../api/types";
import { askable, formOf } from "../state/forms";
import { FormBody } from "./PublicForm";

/** A text setting saved when the input loses focus (not at each key). */
function TextSetting({ label, value, onSave, long }: { label: string; value: string; onSave: (v: string) => void; long?: boolean }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const save = () => text !== value && onSave(text);
  return (
    <label className="form-setting">
      <span>{label}</span>
      {long ? <textarea rows={2} value={text} onChange={(e) => setText(e.target.value)} onBlur={save} />
        : <input value={text} onChange={(e) => setText(e.target.value)} onBlur={save} onKeyDown={(e) => e.key === "Enter" && save()} />}
    </label>
  );
}

export function FormBuilder({ board, view, onView }: { board: Board; view: View; onView: (v: View) => void }) {
  // Shown as changed at once; the saved view replaces it when the server answers.
  const [form, setForm] = useState(() => formOf(view));
  useEffect(() => setForm(formOf(view)), [view]);
  const columns = board.columns ?? [];
  const [error, setError] = useState("");
  const [password, setPassword] = useState("");
  const [copied, setCopied] = useState(false);
  const editable = board.permission === "owner" || board.permission === "edit_all";
  const done = (p: Promise<View>) => p.then((v) => { setError(""); onView(v); }, (e) => setError(messageOf(e)));
  const save = (change: Partial<typeof form>) => {
    const next = { ...form, ...change };
    setForm(next);
    return done(ok(api.PATCH("/api/v1/views/{id}", { params: { path: { id: view.id } }, body: { settings: next } })));
  };
  const setFields = (fields: FormField[]) => save({ fields });
  const setField = (i: number, change: Partial<FormField>) => setFields(form.fields.map((f, j) => (j === i ? { ...f, ...change } : f)));
  const swap = (i: number, j: number) => {
    const next = [...form.fields];
    [next[i], next[j]] = [next[j], next[i]];
    setFields(next);
  };
  const unused = columns.filter((c) => askable(c) && !form.fields.some((f) => f.column_id === c.id));
  const link = form.link ? `${location.origin}${form.link}` : "";
  // The preview: the questions as the public page shows them.
  const preview: PublicForm = {
    title: form.title || view.name,
    description: form.description,
    name_label: form.name_label || "Name",
    needs_password: false,
    fields: form.fields.flatMap((f) => {
      const c = columns.find((x) => x.id === f.column_id);
      return c ? [{ column_id: c.id, label: f.label || c.title, help: f.help ?? "", required: f.required ?? false, type: c.type, settings: c.settings as Record<string, unknown> }] : [];
    }),
  };
  return (
    <div className="form-builder">
      <section className="form-settings" aria-label="Form settings">
        {!editable && <p className="muted">Only those who may change the board's columns change its form.</p>}
        <fieldset disabled={!editable}>
          <TextSetting label="Title" value={form.title} onSave={(title) => save({ title })} />
          <TextSetting label="Description" value={form.description} long onSave={(description) => save({ description })} />
          <TextSetting label="Name question" value={form.name_label} onSave={(name_label) => save({ name_label })} />
          <h3>Questions</h3>
          {form.fields.length === 0 && <p className="muted">Only the name is asked. Add the board's columns as questions.</p>}
          <ol className="form-fields">
            {form.fields.map((f, i) => {
              const c = columns.find((x) => x.id === f.column_id);
              return (
                <li key={f.column_id} className="form-field" data-column={c?.title}>
                  <strong>{c?.title ?? "(deleted column)"}</strong>
                  <TextSetting label="Question" value={f.label ?? ""} onSave={(label) => setField(i, { label })} />
                  <TextSetting label="Help text" value={f.help ?? ""} onSave={(help) => setField(i, { help })} />
                  <label><input type="checkbox" checked={f.required ?? false} onChange={(e) => setField(i, { required: e.target.checked })} /> Required</label>
                  <span className="form-field-actions">
                    <button className="link" aria-label={`Move ${c?.title} up`} disabled={i === 0} onClick={() => swap(i, i - 1)}>↑</button>
                    <button className="link" aria-label={`Move ${c?.title} down`} disabled={i === form.fields.length - 1} onClick={() => swap(i, i + 1)}>↓</button>
                    <button className="link" aria-label={`Remove ${c?.title}`} onClick={() => setFields(form.fields.filter((_, j) => j !== i))}>Remove</button>
                  </span>
                </li>
              );
            })}
          </ol>
          {unused.length > 0 && (
            <select aria-label="Add a question" value="" onChange={(e) => e.target.value && setFields([...form.fields, { column_id: e.target.value, label: "", help: "", required: false }])}>
              <option value="">+ Add a question…</option>
              {unused.map((c) => <option key={c.id} value={c.id}>{c.title}</option>)}
            </select>
          )}
          <label className="form-setting">
            <span>New items go to</span>
            <select value={form.group_id ?? ""} onChange={(e) => save({ group_id: e.target.value || null })}>
              <option value="">the first group</option>
              {(board.groups ?? []).map((g) => <option key={g.id} value={g.id}>{g.title}</option>)}
            </select>
          </label>
          <TextSetting label="Thank-you message" value={form.submit_message} onSave={(submit_message) => save({ submit_message })} />
          <h3>Sharing</h3>
          <label><input type="checkbox" checked={form.public} onChange={(e) => save({ public: e.target.checked })} /> Published: anyone with the link can fill it in</label>
          {form.public && link && (
            <div className="form-link">
              <input readOnly value={link} aria-label="Form link" onFocus={(e) => e.target.select()} />
              <button onClick={() => navigator.clipboard?.writeText(link).then(() => setCopied(true), () => undefined)}>{copied ? "Copied" : "Copy"}</button>
              <a href={link} target="_blank" rel="noreferrer">Open</a>
              <button className="link" onClick={() => done(ok(api.POST("/api/v1/views/{id}/form/link", { params: { path: { id: view.id } } })))}>New link (the old one stops working)</button>
            </div>
          )}
          <div className="form-password">
            {form.has_password ? (
              <>
                <span>Asks for a password.</span>
                <button className="link" onClick={() => done(ok(api.PUT("/api/v1/views/{id}/form/password", { params: { path: { id: view.id } }, body: { password: null } })))}>Remove the password</button>
              </>
            ) : (
              <form onSubmit={(e) => { e.preventDefault(); if (password) done(ok(api.PUT("/api/v1/views/{id}/form/password", { params: { path: { id: view.id } }, body: { password } }))).then(() => setPassword("")); }}>
                <input type="password" placeholder="Password (optional)" aria-label="Form password" value={password} onChange={(e) => setPassword(e.target.value)} />
                <button type="submit" disabled={!password}>Set password</button>
              </form>
            )}
          </div>
        </fieldset>
        {error && <div className="error banner" role="alert">{error}</div>}
      </section>
      <section className="form-preview" aria-label="Form preview">
        <div className="form-card">
          <h1>{preview.title}</h1>
          {preview.description && <p className="form-description">{preview.description}</p>}
          <FormBody key={JSON.stringify(preview.fields)} form={preview} />
        </div>
      </section>
    </div>
  );
}
