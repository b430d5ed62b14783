// Files in the web app: previews in cells and galleries, a viewer for images and PDFs, uploads
// by picking or dropping files with a progress bar each, and the file cell's editor.
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { messageOf } from "../api/client";
import { carriesFiles, fileIdsOf, filesValue, formatSize, rememberFile, uploadFile, useFileInfos, useUploadOrg, viewerKind, type FileInfo } from "../state/files";
import { Dialog } from "./Dialog";
import { Popup } from "./Popup";

type Upload = { key: number; name: string; sent: number; error?: string };

let nextKey = 0;

/** Uploads with their progress; `start` resolves with the files that arrived. */
export function useUploads() {
  const org = useUploadOrg();
  const client = useQueryClient();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const start = async (files: File[]): Promise<FileInfo[]> => {
    const done = await Promise.all(files.map(async (file) => {
      const key = nextKey++;
      setUploads((u) => [...u, { key, name: file.name, sent: 0 }]);
      try {
        const info = await uploadFile(file, org, (sent) => setUploads((u) => u.map((x) => (x.key === key ? { ...x, sent } : x))));
        setUploads((u) => u.filter((x) => x.key !== key));
        rememberFile(client, info);
        return info;
      } catch (e) {
        setUploads((u) => u.map((x) => (x.key === key ? { ...x, error: messageOf(e) } : x)));
        setTimeout(() => setUploads((u) => u.filter((x) => x.key !== key)), 6000);
        return null;
      }
    }));
    return done.filter((f): f is FileInfo => f !== null);
  };
  return { uploads, start };
}

/** A progress bar per upload under way, and why one failed. */
export function UploadProgress({ uploads }: { uploads: Upload[] }) {
  if (!uploads.length) return null;
  return (
    <div className="uploads">
      {uploads.map((u) => (
        <div key={u.key} className={"upload" + (u.error ? " failed" : "")}>
          <span className="name">{u.name}</span>
          {u.error ? <span className="error" role="alert">{u.error}</span> : <progress aria-label={`Uploading ${u.name}`} max={1} value={u.sent} />}
        </div>
      ))}
    </div>
  );
}

/** Takes files dropped on its children (highlighted while a drag with files is over them). */
export function DropZone({ className, onFiles, children }: { className?: string; onFiles: (files: File[]) => void; children: React.ReactNode }) {
  const [over, setOver] = useState(false);
  return (
    <div className={(className ?? "") + (over ? " drop-over" : "")}
      onDragOver={(e) => { if (!carriesFiles(e)) return; e.preventDefault(); e.stopPropagation(); setOver(true); }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        e.stopPropagation();
        setOver(false);
        onFiles([...e.dataTransfer.files]);
      }}>
      {children}
    </div>
  );
}

/** A button that opens the browser's file picker. */
export function PickFiles({ label, onFiles }: { label: string; onFiles: (files: File[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="link" onClick={() => input.current?.click()}>{label}</button>
      <input ref={input} type="file" multiple hidden aria-label={label}
        onChange={(e) => { const files = [...(e.target.files ?? [])]; e.target.value = ""; if (files.length) onFiles(files); }} />
    </>
  );
}

const thumbnail = (id: string) => `/api/v1/files/${id}/thumbnail`;

/** Small previews of a cell's files. */
export function FileChips({ ids }: { ids: string[] }) {
  const infos = useFileInfos(ids);
  return (
    <span className="file-chips">
      {ids.map((id) => (
        <img key={id} className="file-thumb small" src={thumbnail(id)} alt={infos.get(id)?.name ?? "file"} title={infos.get(id)?.name} loading="lazy" />
      ))}
    </span>
  );
}

/** Previews with names; a click opens the viewer. */
export function FileGallery({ ids, label = "Files", onRemove }: { ids: string[]; label?: string; onRemove?: (id: string) => void }) {
  const infos = useFileInfos(ids);
  const [open, setOpen] = useState<FileInfo | null>(null);
  if (!ids.length) return null;
  return (
    <div className="file-gallery" role="list" aria-label={label}>
      {ids.map((id) => {
        const f = infos.get(id);
        return (
          <div key={id} className="file-card" role="listitem">
            <button type="button" className="file-open" onClick={() => f && setOpen(f)} aria-label={`Open ${f?.name ?? "file"}`}>
              <img className="file-thumb" src={thumbnail(id)} alt="" loading="lazy" />
              <span className="file-name">{f?.name ?? "…"}</span>
            </button>
            {f && <span className="file-size">{formatSize(f.size)}</span>}
            {onRemove && <button type="button" className="link remove" aria-label={`Remove ${f?.name ?? "file"}`} onClick={() => onRemove(id)}>✕</button>}
          </div>
        );
      })}
      {open && <FileViewer file={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

/** An image or a PDF shown in place; anything else offered as a download. */
export function FileViewer({ file, onClose }: { file: FileInfo; onClose: () => void }) {
  const url = `/api/v1/files/${file.id}`;
  const kind = viewerKind(file.content_type);
  return (
    <Dialog title={file.name} onClose={onClose}>
      <div className="file-viewer">
        {kind === "image" && <img src={url} alt={file.name} />}
        {kind === "pdf" && <iframe src={url} title={file.name} />}
        {!kind && <img className="file-thumb" src={thumbnail(file.id)} alt="" />}
      </div>
      <div className="actions">
        <span>{file.content_type} · {formatSize(file.size)}</span>
        <a className="primary" href={url} download={file.name}>Download</a>
        <button type="button" onClick={onClose}>Close</button>
      </div>
    </Dialog>
  );
}

/** A file cell's editor: its files (each can be removed), and more added by picking or dropping. */
export function FileCellEditor({ value, onSave, onCancel }: { value: unknown; onSave: (v: unknown) => void; onCancel: () => void }) {
  const [ids, setIds] = useState(() => fileIdsOf(value));
  const { uploads, start } = useUploads();
  const add = async (files: File[]) => {
    const added = await start(files);
    if (!added.length) return;
    const next = [...ids, ...added.map((f) => f.id)];
    setIds(next);
    onSave(filesValue(next));
  };
  const remove = (id: string) => {
    const next = ids.filter((x) => x !== id);
    setIds(next);
    onSave(filesValue(next));
  };
  return (
    <Popup className="palette files" onClose={onCancel}>
      <DropZone className="file-drop" onFiles={add}>
        <FileGallery ids={ids} onRemove={remove} />
        <UploadProgress uploads={uploads} />
        <p className="hint">Drop files here or <PickFiles label="choose files" onFiles={add} /></p>
      </DropZone>
    </Popup>
  );
}
