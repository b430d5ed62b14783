import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, createApi, ok, setCsrf } from "./client";

/** A fetch that records requests and answers with `status` and `body`. */
function server(status: number, body?: unknown) {
  const seen: Request[] = [];
  const fetch = async (req: Request) => {
    seen.push(req);
    return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: body === undefined ? {} : { "content-type": "application/json" } });
  };
  return { api: createApi({ baseUrl: "http://sunday.test", fetch: fetch as typeof globalThis.fetch }), seen };
}

beforeEach(() => {
  const store = new Map<string, string>();
  vi.stubGlobal("sessionStorage", { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v) });
  setCsrf("token-1");
});

describe("api client", () => {
  it("sends the CSRF header on writes only, with same-origin cookies", async () => {
    const { api, seen } = server(200, { data: [], next_cursor: null });
    await ok(api.GET("/api/v1/templates"));
    await ok(api.POST("/api/v1/me/notifications/read", { body: {} }));
    expect(seen.map((r) => [r.method, r.headers.get("x-csrf-token"), r.credentials])).toEqual([
      ["GET", null, "same-origin"],
      ["POST", "token-1", "same-origin"],
    ]);
  });

  it("raises the API's error body as an ApiError", async () => {
    const { api } = server(409, { code: "version_conflict", message: "Changed meanwhile.", kind: "conflict", details: { current: { name: "x" } } });
    const failure = await ok(api.PATCH("/api/v1/items/{id}", { params: { path: { id: "i" } }, body: { name: "y" } })).catch((e) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 409, code: "version_conflict", message: "Changed meanwhile.", details: { current: { name: "x" } } });
  });

  it("raises an ApiError with the status text when the error has no body", async () => {
    const { api } = server(502);
    await expect(ok(api.GET("/api/v1/me"))).rejects.toMatchObject({ status: 502, code: "error" });
  });

  it("answers undefined for 204 and fills the path", async () => {
    const { api, seen } = server(204);
    expect(await ok(api.DELETE("/api/v1/boards/{id}", { params: { path: { id: "b 1" } } }))).toBeUndefined();
    expect(seen[0].url).toBe("http://sunday.test/api/v1/boards/b%201");
  });

  it("fills the path and sends query parameters in the query string", async () => {
    const { api, seen } = server(200, { data: [], next_cursor: null });
    await ok(api.GET("/api/v1/orgs/{org_id}/members", { params: { path: { org_id: "o" }, query: { limit: 500 } } }));
    await ok(api.GET("/api/v1/column-types"));
    expect(seen.map((r) => r.url)).toEqual(["http://sunday.test/api/v1/orgs/o/members?limit=500", "http://sunday.test/api/v1/column-types"]);
  });
});
