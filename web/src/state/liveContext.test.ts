import { describe, expect, it } from "vitest";
import type { Live } from "../api/live";
import { follow } from "./liveContext";

describe("following a board from several tables", () => {
  it("subscribes once and unsubscribes when the last one closes", () => {
    const calls: string[] = [];
    const live = { subscribe: (b: string) => calls.push(`sub ${b}`), unsubscribe: (b: string) => calls.push(`unsub ${b}`) } as unknown as Live;
    const first = follow(live, "s1", 3);
    const second = follow(live, "s1", 3);
    expect(calls).toEqual(["sub s1"]);
    first();
    expect(calls).toEqual(["sub s1"]);
    second();
    expect(calls).toEqual(["sub s1", "unsub s1"]);
  });
});
