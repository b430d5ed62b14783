import { describe, expect, it } from "vitest";
import { HOME, inviteOf, parseRoute, routePath } from "./route";

describe("routes", () => {
  it("reads boards and items from the path", () => {
    expect(parseRoute("/boards/b1", "")).toEqual({ board: "b1", item: null });
    expect(parseRoute("/boards/b1/items/i2", "")).toEqual({ board: "b1", item: "i2" });
    expect(parseRoute("/boards/b1/", "")).toEqual({ board: "b1", item: null });
    expect(parseRoute("/", "")).toEqual(HOME);
    expect(parseRoute("/elsewhere", "")).toEqual(HOME);
    expect(parseRoute("/my-work/", "")).toEqual({ board: null, item: null, page: "work" });
  });
  it("still opens the board of an old hash link", () => {
    expect(parseRoute("/", "#/b9")).toEqual({ board: "b9", item: null });
  });
  it("writes paths that read back as the same route", () => {
    for (const r of [HOME, { board: "b1", item: null }, { board: "b1", item: "i2" }, { board: null, item: null, page: "work" as const }, { board: null, item: null, page: "inbox" as const }, { board: null, item: null, dashboard: "d1" }]) {
      expect(parseRoute(routePath(r), "")).toEqual(r);
    }
    expect(routePath({ board: null, item: "i2" })).toBe("/");
  });
  it("finds an invitation token", () => {
    expect(inviteOf("?invite=abc")).toBe("abc");
    expect(inviteOf("")).toBeNull();
  });
});
