import { describe, expect, it } from "vitest";
import type { Column, Group } from "../api/types";
import {
  ACTION_TYPES,
  AUTOMATION_ACTOR,
  blankAction,
  blankTrigger,
  GALLERY,
  literal,
  ordinal,
  sentence,
  shapeOf,
  LINKS_ACTOR,
  systemActorName,
  FORM_ACTOR,
  TRIGGER_TYPES,
  WEBHOOK_ACTOR,
  withZone,
  writableColumns,
  type BoardShape,
  type Names,
} from "./automations";

const status: Column = {
  id: "st", title: "Status", type: "status", position: "a",
  settings: { labels: [{ id: "l1", name: "Working on it" }, { id: "l3", name: "Done", done: true }] },
};
const owner: Column = { id: "ow", title: "Owner", type: "people", position: "b", settings: {} };
const due: Column = { id: "du", title: "Due", type: "date", position: "c", settings: {} };
const escalate: Column = { id: "bt", title: "Escalate", type: "button", position: "d", settings: {} };
const groups: Group[] = [
  { id: "g1", title: "To do", color: "blue", position: "a", collapsed: false },
  { id: "g2", title: "Done", color: "green", position: "b", collapsed: false },
];
const board: BoardShape = shapeOf({
  id: "b", org_id: "o", workspace_id: "w", name: "Board", description: "", kind: "public", default_permission: "edit_all",
  created_at: "", created_by: "u", updated_at: "", version: 1, last_seq: 0, columns: [status, owner, due, escalate], groups,
});
const names: Names = {
  board, person: (id) => (id === "ada" ? "Ada" : "someone"), zone: "Europe/Paris",
  webhook: (id) => (id === "wh" ? "https://example.com/hook" : undefined),
};

describe("a recipe as a sentence", () => {
  it("names columns, labels, groups and people", () => {
    const text = sentence(
      {
        trigger: { type: "column_changed", column_id: "st", to: "l3" },
        actions: [
          { type: "move_to_group", group_id: "g2" },
          { type: "notify", people_column_id: "ow", text: "done" },
          { type: "assign_person", column_id: "ow", person: "ada" },
        ],
      },
      names,
    );
    expect(text).toBe("When Status changes to Done, then move to group Done, notify Owner and assign Ada in Owner");
  });

  it("says what was deleted rather than showing ids", () => {
    const text = sentence({ trigger: { type: "item_moved", group_id: "gone" }, actions: [{ type: "clear_column", column_id: "gone" }] }, names);
    expect(text).toBe("When an item moves to group a deleted group, then clear a deleted column");
  });

  it("says when a new item copies the item's values", () => {
    expect(sentence({ trigger: { type: "item_created" }, actions: [{ type: "create_item", name: "Copy", copy_values: true }] }, names))
      .toContain('create item "Copy", copying its values');
    expect(sentence({ trigger: { type: "item_created" }, actions: [{ type: "create_item", name: "Copy" }] }, names)).not.toContain("copying");
  });

  it("counts days and signs", () => {
    expect(sentence({ trigger: { type: "item_created" }, actions: [{ type: "push_date", column_id: "du", days: 1 }, { type: "increment_column", column_id: "du", by: -2 }] }, names))
      .toBe("When an item is created, then push Due by 1 day and decrease Due by 2");
  });
});

describe("scheduled, webhook and button triggers", () => {
  const then = [{ type: "post_update" as const, text: "x" }];
  it("says when a date arrives, before or after, at what time", () => {
    expect(sentence({ trigger: { type: "date_arrives", column_id: "du", offset_days: -3, at: "09:00", tz: "Europe/Paris" }, actions: then }, names))
      .toBe("When Due arrives 3 days before, at 09:00, then post \"x\"");
    expect(sentence({ trigger: { type: "date_arrives", column_id: "du" }, actions: then }, names))
      .toBe("When Due arrives, at 09:00 (UTC), then post \"x\"");
    expect(sentence({ trigger: { type: "date_arrives", column_id: "du", offset_days: 1, at: "17:30", tz: "America/New_York" }, actions: then }, names))
      .toBe("When Due arrives 1 day after, at 17:30 (America/New_York), then post \"x\"");
  });

  it("reads periods as every day, every Monday, every month on the 1st, for each item", () => {
    const every = (t: object, conditions?: Record<string, unknown>) => sentence({ trigger: { type: "every", at: "09:00", tz: "Europe/Paris", ...t } as never, actions: then, conditions }, names);
    expect(every({ period: "week", weekday: 1 })).toBe("Every Monday at 09:00, for each item, then post \"x\"");
    expect(every({ period: "week", weekday: 7 })).toBe("Every Sunday at 09:00, for each item, then post \"x\"");
    expect(every({ period: "day" })).toBe("Every day at 09:00, for each item, then post \"x\"");
    expect(every({ period: "month", day: 22 }, { rules: [] })).toBe("Every month on the 22nd at 09:00, for each item that matches the conditions, then post \"x\"");
    expect([1, 2, 3, 4, 11, 12, 13, 21, 23, 31].map(ordinal)).toEqual(["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "23rd", "31st"]);
  });

  it("names buttons and webhooks", () => {
    expect(sentence({ trigger: { type: "button_clicked", column_id: "bt" }, actions: [{ type: "call_webhook", webhook_id: "wh" }] }, names))
      .toBe("When Escalate is clicked, then call webhook https://example.com/hook");
    expect(sentence({ trigger: { type: "webhook_received" }, actions: [{ type: "call_webhook", webhook_id: "gone" }] }, names))
      .toBe("When a webhook is received, then call webhook a deleted webhook");
    expect(sentence({ trigger: { type: "webhook_received" }, actions: [{ type: "call_webhook", webhook_id: "wh" }] }, { ...names, webhook: undefined }))
      .toBe("When a webhook is received, then call webhook a webhook");
  });

  it("names the board an item moves to", () => {
    const move = { trigger: { type: "item_created" as const }, actions: [{ type: "move_to_board" as const, board_id: "b2" }] };
    expect(sentence(move, { ...names, boardName: (id) => (id === "b2" ? "Archive" : undefined) })).toBe("When an item is created, then move to board Archive");
    expect(sentence(move, names)).toBe("When an item is created, then move to another board");
  });

  it("names the group of the other board an item moves into", () => {
    const into = (group_id: string | null) => ({ trigger: { type: "item_created" as const }, actions: [{ type: "move_to_board" as const, board_id: "b2", group_id }] });
    const archive = { ...names, boardName: (id: string) => (id === "b2" ? "Archive" : undefined) };
    const read = { ...archive, boardGroups: (id: string) => (id === "b2" ? groups : undefined) };
    expect(sentence(into("g2"), read)).toBe("When an item is created, then move to board Archive, group Done");
    expect(sentence(into(null), read)).toBe("When an item is created, then move to board Archive");
    expect(sentence(into("gone"), read)).toBe("When an item is created, then move to board Archive, group a deleted group");
    // The other board's groups not read (yet, or one cannot read them).
    expect(sentence(into("g2"), archive)).toBe("When an item is created, then move to board Archive, into a chosen group");
    expect(sentence(into("g2"), names)).toBe("When an item is created, then move to another board");
  });

  it("says who an email goes to", () => {
    expect(sentence({ trigger: { type: "item_created" }, actions: [{ type: "send_email", to: ["pm@example.com"], subject: "s", text: "t" }] }, names))
      .toBe("When an item is created, then email pm@example.com");
    expect(sentence({ trigger: { type: "item_created" }, actions: [{ type: "send_email", to: ["pm@example.com"], people_column_id: "ow", subject: "s", text: "t" }] }, names))
      .toBe("When an item is created, then email pm@example.com and Owner");
    expect(sentence({ trigger: { type: "item_created" }, actions: [{ type: "send_email", to: ["a@example.com", "b@example.com"], people_column_id: "ow", subject: "s", text: "t" }] }, names))
      .toBe("When an item is created, then email a@example.com, b@example.com and Owner");
  });

  it("gives every trigger a blank the board can hold, with times in the reader's zone", () => {
    for (const t of TRIGGER_TYPES) expect(blankTrigger(t, board, "Europe/Paris")?.type).toBe(t);
    expect(blankTrigger("date_arrives", board, "Europe/Paris")).toEqual({ type: "date_arrives", column_id: "du", offset_days: 0, at: "09:00", tz: "Europe/Paris" });
    expect(blankTrigger("every", board, "Asia/Tokyo")).toEqual({ type: "every", period: "week", weekday: 1, at: "09:00", tz: "Asia/Tokyo" });
    expect(blankTrigger("button_clicked", board, "UTC")).toEqual({ type: "button_clicked", column_id: "bt" });
    const bare = shapeOf({ ...board, columns: [status] });
    expect(blankTrigger("date_arrives", bare, "UTC")).toBeNull();
    expect(blankTrigger("button_clicked", bare, "UTC")).toBeNull();
    // A button changes no value: "a column changes" never starts on it.
    expect(blankTrigger("column_changed", shapeOf({ ...board, columns: [escalate, due] }), "UTC")).toEqual({ type: "column_changed", column_id: "du" });
  });

  it("gives a scheduled trigger without a zone the reader's", () => {
    expect(withZone({ type: "date_arrives", column_id: "du" }, "Europe/Paris")).toEqual({ type: "date_arrives", column_id: "du", tz: "Europe/Paris" });
    expect(withZone({ type: "every", period: "day", at: "08:00", tz: "UTC" }, "Europe/Paris")).toEqual({ type: "every", period: "day", at: "08:00", tz: "UTC" });
    expect(withZone({ type: "item_created" }, "Europe/Paris")).toEqual({ type: "item_created" });
  });
});

describe("actors", () => {
  it("names Automation and Webhook, and nobody else", () => {
    expect(systemActorName(AUTOMATION_ACTOR)).toBe("Automation");
    expect(systemActorName(WEBHOOK_ACTOR)).toBe("Webhook");
    expect(systemActorName(LINKS_ACTOR)).toBe("Connected boards");
    expect(systemActorName(FORM_ACTOR)).toBe("Form");
    expect(systemActorName("ada")).toBeUndefined();
  });
});

describe("the gallery", () => {
  it("offers eleven recipes and fills them from the board", () => {
    expect(GALLERY).toHaveLength(11);
    const done = GALLERY[0].make(board);
    expect(done).toEqual({
      trigger: { type: "column_changed", column_id: "st", to: "l3" },
      actions: [{ type: "move_to_group", group_id: "g2" }, { type: "notify", people_column_id: "ow", text: "{item.name} is done" }],
    });
  });

  it("leaves out recipes the board cannot hold", () => {
    const bare = shapeOf({ ...board, columns: [], groups: [groups[0]] });
    expect(GALLERY[0].make(bare)).toBeNull();
    expect(GALLERY.filter((g) => g.make(bare)).length).toBe(2);
  });

  it("reminds the owner 3 days before a due date", () => {
    const entry = GALLERY.find((g) => g.title.startsWith("3 days before"))!;
    const recipe = entry.make(board)!;
    expect(recipe).toEqual({
      trigger: { type: "date_arrives", column_id: "du", offset_days: -3, at: "09:00" },
      actions: [{ type: "notify", people_column_id: "ow", text: "{item.name}: Due is in 3 days" }],
    });
    expect(sentence({ ...recipe, trigger: withZone(recipe.trigger, "Europe/Paris") }, names)).toBe("When Due arrives 3 days before, at 09:00, then notify Owner");
    expect(entry.make(shapeOf({ ...board, columns: [due] }))).toBeNull();
  });

  it("gives every action type a blank the board can hold, or none", () => {
    const needs = ["increment_column", "call_webhook", "move_to_board"];
    for (const t of ACTION_TYPES.filter((t) => !needs.includes(t))) {
      expect(blankAction(t, board)?.type).toBe(t);
    }
    expect(blankAction("increment_column", board)).toBeNull();
    expect(blankAction("call_webhook", board)).toBeNull();
    expect(blankAction("call_webhook", board, { webhooks: [{ id: "wh" }] })).toEqual({ type: "call_webhook", webhook_id: "wh" });
    expect(blankAction("move_to_board", board, { boards: [{ id: "b" }] })).toBeNull();
    expect(blankAction("move_to_board", board, { boards: [{ id: "b" }, { id: "b2" }] })).toEqual({ type: "move_to_board", board_id: "b2" });
    expect(blankAction("send_email", board)).toEqual({ type: "send_email", people_column_id: "ow", subject: "{item.name}", text: "" });
    expect(blankAction("send_email", shapeOf({ ...board, columns: [] }))).toEqual({ type: "send_email", to: [], subject: "{item.name}", text: "" });
  });

  it("never sets or clears a button or a value Sunday writes", () => {
    expect(writableColumns(board).map((c) => c.id)).toEqual(["st", "ow", "du"]);
    expect(blankAction("set_column", shapeOf({ ...board, columns: [escalate, due] }))).toEqual({ type: "set_column", column_id: "du", value: "" });
  });
});

describe("template literals", () => {
  it("double braces so a column title cannot make a placeholder", () => {
    expect(literal("Due {soon}")).toBe("Due {{soon}}");
  });
});
