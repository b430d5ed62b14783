import { describe, expect, it } from "vitest";
import type { Column, Group } from "../api/types";
import { blankDraft, draftProblem, exampleBody, mappingOf, mappingWords, pointerNames } from "./links";

const status: Column = { id: "st", title: "Status", type: "status", position: "a", settings: { labels: [{ id: "l1", name: "Working on it" }] } };
const email: Column = { id: "em", title: "Email", type: "email", position: "b", settings: {} };
const groups: Group[] = [{ id: "g1", title: "Leads", color: "blue", position: "a", collapsed: false }];

describe("inbound mappings", () => {
  it("turn the editor's rows into the API's mapping, leaving out empty rows", () => {
    const draft = { ...blankDraft(), group: "g1", rows: [{ column: "st", pointer: " /state " }, { column: "em", pointer: "" }], match: { column: "em", pointer: "/customer/email" } };
    expect(mappingOf(draft)).toEqual({ name: "/name", group_id: "g1", values: { st: "/state" }, match: { column_id: "em", pointer: "/customer/email" } });
    expect(mappingOf(blankDraft())).toEqual({ name: "/name" });
  });

  it("want JSON pointers", () => {
    expect(draftProblem(blankDraft())).toBeNull();
    expect(draftProblem({ ...blankDraft(), name: "name" })).toMatch(/pointer/);
    expect(draftProblem({ ...blankDraft(), rows: [{ column: "st", pointer: "state" }] })).toMatch(/pointer/);
    expect(draftProblem({ ...blankDraft(), match: { column: "em", pointer: "" } })).toMatch(/Matching/);
  });

  it("read as words", () => {
    const m = { name: "/title", group_id: "g1", values: { st: "/state" }, match: { column_id: "em", pointer: "/email" } };
    expect(mappingWords(m, [status, email], groups)).toBe("name from /title, Status from /state, into Leads, updating the item whose Email matches /email");
    expect(mappingWords({ name: "/title", values: { gone: "/x" } }, [], [])).toBe("name from /title, a deleted column from /x");
  });

  it("make an example body from their pointers", () => {
    expect(pointerNames("/a~1b/c~0d")).toEqual(["a/b", "c~d"]);
    const m = { name: "/title", values: { st: "/state" }, match: { column_id: "em", pointer: "/customer/email" } };
    expect(exampleBody(m, [status, email])).toEqual({ title: "New item", state: "Working on it", customer: { email: "someone@example.com" } });
  });
});
