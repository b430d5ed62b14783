// The REST client, typed by openapi.json's `paths`: same-origin calls with the session cookie,
// the CSRF header on writes, and errors raised as ApiError with the API's code and message.
import createClient from "openapi-fetch";
import type { paths } from "./schema";
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

const CSRF_KEY = "sunday_csrf";
// Read lazily: the module is imported by unit tests that run without a browser.
let csrf: string | undefined;
const csrfToken = () => (csrf ??= sessionStorage.getItem(CSRF_KEY) ?? "");
/** The CSRF header value for writes made outside the typed client (uploads with progress). */
export const csrfHeader = () => csrfToken();
export function setCsrf(token: string | null | undefined) {
  csrf = token ?? "";
  sessionStorage.setItem(CSRF_KEY, csrf);
}

export function createApi(options: { baseUrl?: string; fetch?: typeof fetch } = {}) {
  const client = createClient<paths>({ ...options, credentials: "same-origin" });
  client.use({
    onRequest({ request }) {
      if (request.method !== "GET" && csrfToken()) request.headers.set("x-csrf-token", csrfToken());
      return request;
    },
  });
  return client;
}

/** The client the app uses. Calls answer `{ data, error, response }`; wrap them in `ok()`. */
export const api = createApi();

type Answer = { data?: unknown; error?: unknown; response: Response };
/** The data of the success branch of an openapi-fetch answer (the error branch has none). */
type DataOf<A> = A extends { data?: infer D; error?: never } ? D : never;

/** The answer's data, or an ApiError built from the API's error body. */
export async function ok<A extends Answer>(answer: Promise<A>): Promise<DataOf<A>> {
  const { data, error, response } = await answer;
  if (!response.ok) {
    const e = (error && typeof error === "object" ? error : {}) as Partial<ErrorBody>;
    throw new ApiError(response.status, e.code ?? "error", e.message ?? response.statusText, e.details);
  }
  return data as DataOf<A>;
}

/** The message to show for a failed call. */
export const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
