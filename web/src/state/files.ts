// Files: uploads with progress, a file cell's value, and what files are (name, type, preview) by
// id, asked once (`GET /files?ids=`) and kept for the session (state/lookup.ts). An upload goes
// through XMLHttpRequest because fetch cannot report how much of a request body was sent.
import type { QueryClient } from "@tanstack/react-query";
import { createContext, useContext } from "react";
import { api, ApiError, csrfHeader, ok } from "../api/client";
import type { components } from "../api/schema";
import { lookup, remember, useLookup } from "./lookup";

export type FileInfo = components["schemas"]["FileInfo"];

/** The organization uploads go to: the open board's. */
export const UploadOrgContext = createContext<string | undefined>(undefined);
export const useUploadOrg = () => useContext(UploadOrgContext);

/** The file ids in a file cell's value (`{files: [{file_id}]}`). */
export function fileIdsOf(value: unknown): string[] {
  const files = (value as { files?: { file_id?: unknown }[] } | null | undefined)?.files;
  return Array.isArray(files) ? files.map((f) => f?.file_id).filter((id): id is string => typeof id === "string") : [];
}

/** A file cell's value holding `ids` (each once, in order), or null for none. */
export function filesValue(ids: string[]): { files: { file_id: string }[] } | null {
  const unique = [...new Set(ids)];
  return unique.length ? { files: unique.map((file_id) => ({ file_id })) } : null;
}

/** Whether a drag carries files (not text or a row being moved). */
export const carriesFiles = (e: { dataTransfer: DataTransfer | null }) => !!e.dataTransfer && [...e.dataTransfer.types].includes("Files");

/** Whether the browser shows this type itself (the viewer's image and PDF panes). */
export function viewerKind(contentType: string): "image" | "pdf" | null {
  if (contentType === "application/pdf") return "pdf";
  if (contentType.startsWith("image/") && contentType !== "image/svg+xml") return "image";
  return null;
}

/** Bytes for people: "532 B", "1.2 MB". */
export function formatSize(bytes: number): string {
  const units = ["B", "KB", "MB", "GB"];
  let n = bytes;
  let u = 0;
  while (n >= 1000 && u < units.length - 1) {
    n /= 1000;
    u++;
  }
  return u === 0 ? `${n} B` : `${n.toFixed(n < 10 ? 1 : 0)} ${units[u]}`;
}

/** Uploads `file`, reporting the share sent so far; resolves with what was stored. */
export function uploadFile(file: File, org: string | undefined, onProgress: (sent: number) => void): Promise<FileInfo> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const query = new URLSearchParams({ filename: file.name });
    if (org) query.set("org_id", org);
    xhr.open("POST", `/api/v1/files?${query}`);
    xhr.withCredentials = true;
    if (csrfHeader()) xhr.setRequestHeader("x-csrf-token", csrfHeader());
    xhr.setRequestHeader("content-type", file.type || "application/octet-stream");
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON: the status says enough */
      }
      if (xhr.status === 201) {
        resolve(body as unknown as FileInfo);
      } else {
        reject(new ApiError(xhr.status, String(body.code ?? "error"), String(body.message ?? xhr.statusText), body.details));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, "network", `${file.name} did not reach the server`));
    xhr.send(file);
  });
}

const files = lookup<FileInfo>("file", async (ids) => (await ok(api.GET("/api/v1/files", { params: { query: { ids: ids.join(",") } } }))).data);

/** Keeps what an upload answered, so its cell need not ask. */
export function rememberFile(client: QueryClient, info: FileInfo) {
  remember(client, files, [info]);
}

/** What `ids` are, as far as known; unknown ones are asked for and fill in when they come (files
 * the viewer may not read never do). */
export function useFileInfos(ids: string[]): ReadonlyMap<string, FileInfo> {
  return useLookup(files, ids);
}
