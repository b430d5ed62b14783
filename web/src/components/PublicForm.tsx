// A form as the public sees it at its link (`/forms/{token}`, no login): the questions, a
// password first when the form has one, each refused answer's message under its question, and
// the thank-you message. The form builder shows the same questions as its preview.
import { useEffect, useId, useState } from "react";
import { api, ApiError, messageOf, ok } from "../api/client";
import type { PublicField, PublicForm } from "../api/types";
import { answersOf, choicesOf, emptyRaw, fieldError, type Raw } from "../state/forms";

/** One question's input, by its column's type. */
function Question({ field, raw, onRaw, error }: { field: PublicField; raw: Raw; onRaw: (r: Raw) => void; error?: string }) {
  const id = useId();
  const label = <label htmlFor={id}>{field.label}{field.required && <span className="required" aria-hidden="true"> *</span>}</label>;
  const common = { id, "aria-invalid": error ? true : undefined, "aria-describedby": error ? `${id}-error` : undefined };
  const text = typeof raw === "string" ? raw : "";
  let input;
  switch (field.type) {
    case "long_text":
      input = <textarea {...common} rows={4} required={field.required} value={text} onChange={(e) => onRaw(e.target.value)} />;
      break;
    case "status":
      input = (
        <select {...common} required={field.required} value={text} onChange={(e) => onRaw(e.target.value)}>
          <option value="">Choose…</option>
          {choicesOf(field).map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </select>
      );
      break;
    case "dropdown": {
      const picked = Array.isArray(raw) ? raw : [];
      input = (
        <div {...common} role="group" aria-label={field.label} className="form-choices">
          {choicesOf(field).map((c) => (
            <label key={c.id}><input type="checkbox" checked={picked.includes(c.id)} onChange={(e) => onRaw(e.target.checked ? [...picked, c.id] : picked.filter((p) => p !== c.id))} /> {c.name}</label>
          ))}
        </div>
      );
      break;
    }
    case "checkbox":
      return (
        <div className="form-question">
          <label><input {...common} type="checkbox" required={field.required} checked={raw === true} onChange={(e) => onRaw(e.target.checked)} /> {field.label}{field.required && <span className="required" aria-hidden="true"> *</span>}</label>
          {field.help && <div className="muted">{field.help}</div>}
          {error && <div className="field-error" id={`${id}-error`} role="alert">{error}</div>}
        </div>
      );
    case "timeline": {
      const span = typeof raw === "object" && !Array.isArray(raw) ? raw : { from: "", to: "" };
      input = (
        <span className="form-span">
          <input {...common} type="date" aria-label={`${field.label} from`} required={field.required} value={span.from} onChange={(e) => onRaw({ ...span, from: e.target.value })} />
          {" to "}
          <input type="date" aria-label={`${field.label} to`} value={span.to} onChange={(e) => onRaw({ ...span, to: e.target.value })} />
        </span>
      );
      break;
    }
    case "rating": {
      const max = Number((field.settings as { max?: number }).max ?? 5);
      input = (
        <select {...common} required={field.required} value={text} onChange={(e) => onRaw(e.target.value)}>
          <option value="">Choose…</option>
          {Array.from({ length: max }, (_, i) => i + 1).map((n) => <option key={n} value={String(n)}>{"★".repeat(n)}</option>)}
        </select>
      );
      break;
    }
    default: {
      const kind = field.type === "number" ? "number" : field.type === "date" ? "date" : field.type === "email" ? "email" : field.type === "phone" ? "tel" : field.type === "link" ? "url" : "text";
      input = <input {...common} type={kind} step={kind === "number" ? "any" : undefined} required={field.required} value={text}
        placeholder={field.type === "tags" ? "tags, separated by commas" : field.type === "phone" ? "+1 555 0100" : undefined} onChange={(e) => onRaw(e.target.value)} />;
    }
  }
  return (
    <div className="form-question">
      {label}
      {field.help && <div className="muted">{field.help}</div>}
      {input}
      {error && <div className="field-error" id={`${id}-error`} role="alert">{error}</div>}
    </div>
  );
}

/** The questions and the submit button; `onSubmit` answers the thank-you message. */
export function FormBody({ form, onSubmit }: { form: PublicForm; onSubmit?: (name: string, values: Record<string, unknown>, website: string) => Promise<string> }) {
  const [name, setName] = useState("");
  const [raws, setRaws] = useState<Record<string, Raw>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [website, setWebsite] = useState("");
  const nameId = useId();
  if (done !== null) {
    return (
      <div className="form-done" role="status">
        <p>{done}</p>
        <button className="link" onClick={() => { setDone(null); setName(""); setRaws({}); }}>Submit another response</button>
      </div>
    );
  }
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!onSubmit) return;
    setBusy(true);
    setErrors({});
    setProblem("");
    try {
      setDone(await onSubmit(name, answersOf(form.fields, raws), website));
    } catch (err) {
      const f = fieldError(err);
      if (f) setErrors({ [f.field]: f.message });
      else if (err instanceof ApiError && err.code === "rate_limited") setProblem("Too many responses from here just now; wait a minute and send again.");
      else setProblem(messageOf(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="public-form" onSubmit={submit} noValidate={false}>
      <div className="form-question">
        <label htmlFor={nameId}>{form.name_label}<span className="required" aria-hidden="true"> *</span></label>
        <input id={nameId} required value={name} onChange={(e) => setName(e.target.value)} aria-invalid={errors.name ? true : undefined} />
        {errors.name && <div className="field-error" role="alert">{errors.name}</div>}
      </div>
      {form.fields.map((f) => (
        <Question key={f.column_id} field={f} raw={raws[f.column_id] ?? emptyRaw(f.type)} error={errors[f.column_id]} onRaw={(r) => setRaws({ ...raws, [f.column_id]: r })} />
      ))}
      {/* The honeypot: off screen and skipped by keyboards and screen readers; bots fill it. */}
      <div className="honeypot" aria-hidden="true">
        <label>Website <input tabIndex={-1} autoComplete="off" name="website" value={website} onChange={(e) => setWebsite(e.target.value)} /></label>
      </div>
      {problem && <div className="error banner" role="alert">{problem}</div>}
      <button className="primary" type="submit" disabled={busy || !onSubmit}>{busy ? "Sending…" : "Submit"}</button>
    </form>
  );
}

/** The page at `/forms/{token}`. */
export function PublicFormPage({ token }: { token: string }) {
  const [form, setForm] = useState<PublicForm | null>(null);
  const [password, setPassword] = useState("");
  const [tried, setTried] = useState("");
  const [error, setError] = useState("");
  useEffect(() => {
    ok(api.GET("/api/v1/forms/{token}", { params: { path: { token }, header: tried ? { "X-Form-Password": tried } : undefined } }))
      .then((f) => { setForm(f); setError(f.needs_password && tried ? "That password is not right." : ""); })
      .catch((e) => setError(e instanceof ApiError && e.status === 404 ? "This form does not exist or is closed." : messageOf(e)));
  }, [token, tried]);
  useEffect(() => { if (form) document.title = form.title; }, [form]);
  const submit = async (name: string, values: Record<string, unknown>, website: string) => {
    const body = { name, values, website: website || undefined, password: tried || undefined };
    return (await ok(api.POST("/api/v1/forms/{token}", { params: { path: { token } }, body }))).message;
  };
  return (
    <main className="form-page">
      <div className="form-card">
        {!form && !error && <div className="muted">Loading…</div>}
        {!form && error && <p role="alert">{error}</p>}
        {form && <h1>{form.title}</h1>}
        {form?.description && <p className="form-description">{form.description}</p>}
        {form?.needs_password ? (
          <form className="public-form" onSubmit={(e) => { e.preventDefault(); setTried(password); }}>
            <div className="form-question">
              <label htmlFor="form-password">This form asks for a password</label>
              <input id="form-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoFocus />
            </div>
            {error && <div className="field-error" role="alert">{error}</div>}
            <button className="primary" type="submit">Open the form</button>
          </form>
        ) : form && <FormBody form={form} onSubmit={submit} />}
      </div>
      <p className="muted form-footer">Made with Sunday</p>
    </main>
  );
}
