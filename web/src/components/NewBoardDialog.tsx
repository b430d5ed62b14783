// "New board" from the sidebar: a name and what to start from (a template or blank).
import { useState } from "react";
import type { TemplateInfo } from "../api/types";
import { Dialog } from "./Dialog";

export function NewBoardDialog({ templates, onCreate, onClose }: { templates: TemplateInfo[]; onCreate: (name: string, template?: string) => void; onClose: () => void }) {
  const [name, setName] = useState("New board");
  const [template, setTemplate] = useState("");
  // Picking a template names the board after it, unless a name was typed.
  const [named, setNamed] = useState(false);
  return (
    <Dialog title="New board" onClose={onClose}>
      <form onSubmit={(e) => {
        e.preventDefault();
        if (!name.trim()) return;
        onClose();
        onCreate(name.trim(), template || undefined);
      }}>
        <label className="field">Board name<input aria-label="Board name" value={name} onChange={(e) => { setName(e.target.value); setNamed(true); }} required /></label>
        <label className="field">Start from
          <select aria-label="Start from" value={template} onChange={(e) => {
            setTemplate(e.target.value);
            if (!named) setName(templates.find((t) => t.id === e.target.value)?.name ?? "New board");
          }}>
            <option value="">Blank board</option>
            {templates.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
          </select>
        </label>
        {template && <p className="muted">{templates.find((t) => t.id === template)?.description}</p>}
        <div className="dialog-actions">
          <button type="button" className="link" onClick={onClose}>Cancel</button>
          <button className="primary" disabled={!name.trim()}>Create board</button>
        </div>
      </form>
    </Dialog>
  );
}
