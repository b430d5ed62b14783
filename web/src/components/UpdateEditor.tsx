// Writing an update or a reply: a formatting toolbar, the text with mentions shown as "@Name"
// (picked from the people whose names start with what follows "@"), and a preview of how it
// will read. `onSend` gets the wire format ("@[id]" for each mention) and resolves once sent.
import { useRef, useState } from "react";
import { insertMention, mentionQuery, toWire, type Mention } from "../state/mentions";
import { usePeople } from "../state/people";
import { Formatting, RichText } from "./RichText";

export function UpdateEditor({ label, placeholder, submit, nameOf, onSend }: {
  label: string; placeholder: string; submit: string; nameOf: (id: string) => string; onSend: (body: string) => Promise<boolean>;
}) {
  const people = usePeople();
  const [body, setBody] = useState("");
  const [picked, setPicked] = useState<Mention[]>([]);
  const editor = useRef<HTMLTextAreaElement>(null);
  const typing = mentionQuery(body);
  const suggestions = typing !== undefined ? people.filter((p) => p.name.toLowerCase().startsWith(typing.toLowerCase())).slice(0, 5) : [];
  const wire = toWire(body, picked);
  const send = async () => {
    if (!(await onSend(wire))) return;
    setBody("");
    setPicked([]);
  };
  return (
    <div className="editor">
      <Formatting value={body} onChange={setBody} target={() => editor.current} />
      <textarea ref={editor} aria-label={label} placeholder={placeholder} value={body} onChange={(e) => setBody(e.target.value)} />
      {suggestions.length > 0 && (
        <div className="mentions">
          {suggestions.map((p) => (
            <button key={p.id} onClick={() => { setBody(insertMention(body, p)); setPicked([...picked, p]); editor.current?.focus(); }}>@{p.name}</button>
          ))}
        </div>
      )}
      {/* As it will read: formatting as formatting, mentions as names. */}
      {wire !== body || /[*_]|^- /m.test(body) ? <div className="preview" aria-label="Preview"><RichText text={wire} nameOf={nameOf} /></div> : null}
      <button className="primary" disabled={!body.trim()} onClick={send}>{submit}</button>
    </div>
  );
}
