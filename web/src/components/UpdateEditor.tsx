// Writing an update or a reply: a formatting toolbar, the text with mentions shown as "@Name"
// (picked from the people whose names start with what follows "@"), and a preview of how it
// will read. Files are attached by picking or dropping them on the editor (uploaded at once, with
// progress). `onSend` gets the wire format ("@[id]" for each mention) and the attached files'
// ids, and resolves once sent.
import { useRef, useState } from "react";
import { DropZone, FileGallery, PickFiles, UploadProgress, useUploads } from "./Files";
import { insertMention, mentionQuery, toWire, type Mention } from "../state/mentions";
import { usePeople } from "../state/people";
import { Formatting, RichText } from "./RichText";

export function UpdateEditor({ label, placeholder, submit, nameOf, onSend }: {
  label: string; placeholder: string; submit: string; nameOf: (id: string) => string; onSend: (body: string, files: string[]) => Promise<boolean>;
}) {
  const people = usePeople();
  const [body, setBody] = useState("");
  const [files, setFiles] = useState<string[]>([]);
  const { uploads, start } = useUploads();
  const attach = async (picked: File[]) => {
    const added = await start(picked);
    setFiles((f) => [...f, ...added.map((x) => x.id)]);
  };
  const [picked, setPicked] = useState<Mention[]>([]);
  const editor = useRef<HTMLTextAreaElement>(null);
  const typing = mentionQuery(body);
  const suggestions = typing !== undefined ? people.filter((p) => p.name.toLowerCase().startsWith(typing.toLowerCase())).slice(0, 5) : [];
  const wire = toWire(body, picked);
  const send = async () => {
    if (!(await onSend(wire, files))) return;
    setBody("");
    setPicked([]);
    setFiles([]);
  };
  return (
    <DropZone className="editor" onFiles={attach}>
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
      <FileGallery ids={files} label="Attached files" onRemove={(id) => setFiles((f) => f.filter((x) => x !== id))} />
      <UploadProgress uploads={uploads} />
      <div className="editor-actions">
        <PickFiles label="Attach files" onFiles={attach} />
        <button className="primary" disabled={!body.trim() || uploads.some((u) => !u.error)} onClick={send}>{submit}</button>
      </div>
    </DropZone>
  );
}
