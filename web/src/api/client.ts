// The REST client: same-origin JSON calls with the session cookie, the CSRF header on writes,
// and errors raised with the API's message and code.
import type { ErrorBody } from "./types";

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public details?: unknown,
  ) {
    super(message);
  }
}

let csrf = sessionStorage.getItem("sunday_csrf") ?? "";
export function setCsrf(token: string | null | undefined) {
  csrf = token ?? "";
  sessionStorage.setItem("sunday_csrf", csrf);
}

export async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const h: Record<string, string> = { ...headers };
  if (body !== undefined) h["content-type"] = "application/json";
  if (method !== "GET" && csrf) h["x-csrf-token"] = csrf;
  const res = await fetch(`/api/v1${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const e = (data ?? {}) as Partial<ErrorBody>;
    throw new ApiError(res.status, e.code ?? "error", e.message ?? res.statusText, e.details);
  }
  return data as T;
}

export const get = <T>(path: string) => api<T>("GET", path);
export const post = <T>(path: string, body: unknown = {}) => api<T>("POST", path, body);
export const patch = <T>(path: string, body: unknown, headers?: Record<string, string>) => api<T>("PATCH", path, body, headers);
export const del = (path: string) => api<void>("DELETE", path);
