// Automations in words: a recipe read as its sentence ("When Status changes to Done, move to
// group Done and notify Owner", "Every Monday at 09:00, for each item, then email Owner"), the
// builder's choices, and the gallery of common recipes. Keyed by the API's enums (generated
// types), so a new trigger or action fails to compile here rather than showing raw.
import type { Action, Automation, Board, Column, Group, Period, Trigger } from "../api/types";

/** A board with its columns and groups loaded (the board page always has them). */
export type BoardShape = Board & { columns: Column[]; groups: Group[] };

export const shapeOf = (b: Board): BoardShape => ({ ...b, columns: b.columns ?? [], groups: b.groups ?? [] });

/** The user id the server gives the Automation actor (activity, notifications). */
export const AUTOMATION_ACTOR = "00000000-0000-7000-8000-0000a0700001";
/** The user id of changes made through a board's inbound webhook. */
export const WEBHOOK_ACTOR = "00000000-0000-7000-8000-0000a0700002";

/** The name of an actor that is Sunday itself rather than a person, if `id` is one. */
/** Formula values Sunday recomputes in the background. */
export const FORMULA_ACTOR = "00000000-0000-7000-8000-0000a0700003";
/** Links back, links to items that left, and mirror values Sunday keeps current. */
/** The actor of items a form's submissions create (shown as "Form"). */
export const FORM_ACTOR = "00000000-0000-7000-8000-0000a0700005";
export const LINKS_ACTOR = "00000000-0000-7000-8000-0000a0700004";
export const systemActorName = (id: string): string | undefined =>
  id === AUTOMATION_ACTOR ? "Automation" : id === WEBHOOK_ACTOR ? "Webhook" : id === FORMULA_ACTOR ? "Formula" : id === LINKS_ACTOR ? "Connected boards" : id === FORM_ACTOR ? "Form" : undefined;

export type TriggerType = Trigger["type"];
export type ActionType = Action["type"];

export const TRIGGER_WORDS: Record<TriggerType, string> = {
  item_created: "an item is created",
  column_changed: "a column changes",
  item_moved: "an item moves to a group",
  item_archived: "an item is archived",
  update_posted: "an update is posted",
  subitem_created: "a subitem is created",
  date_arrives: "a date arrives",
  every: "on a schedule",
  webhook_received: "a webhook is received",
  button_clicked: "a button is clicked",
};

export const ACTION_WORDS: Record<ActionType, string> = {
  set_column: "set a column",
  clear_column: "clear a column",
  increment_column: "increase a number",
  assign_person: "assign a person",
  unassign_person: "unassign a person",
  push_date: "push a date",
  move_to_group: "move to a group",
  move_to_board: "move to another board",
  archive: "archive the item",
  duplicate: "duplicate the item",
  create_item: "create an item",
  create_subitem: "create a subitem",
  post_update: "post an update",
  notify: "notify people",
  call_webhook: "call a webhook",
  send_email: "send an email",
};

export const TRIGGER_TYPES = Object.keys(TRIGGER_WORDS) as TriggerType[];
export const ACTION_TYPES = Object.keys(ACTION_WORDS) as ActionType[];

/** What a sentence needs to name things: the board's columns and groups, people, the board's
 * webhook subscriptions (a URL, or undefined for one deleted; without `webhook` they are "a
 * webhook"), other boards (likewise) and their groups (undefined while not read), and the
 * reader's time zone (a scheduled time in another zone says its zone). */
export type Names = {
  board: Pick<BoardShape, "columns" | "groups">;
  person: (id: string) => string;
  webhook?: (id: string) => string | undefined;
  boardName?: (id: string) => string | undefined;
  boardGroups?: (id: string) => Group[] | undefined;
  zone?: string;
};

/** The browser's time zone (IANA), the builder's default for scheduled triggers. */
export const browserZone = (): string => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
};

/** Weekdays as the API numbers them: 1 is Monday, 7 is Sunday. */
export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
export const PERIODS: Period[] = ["day", "week", "month"];
export const PERIOD_WORDS: Record<Period, string> = { day: "day", week: "week", month: "month" };
/** The time of day a date trigger fires when none is given. */
export const DEFAULT_AT = "09:00";

/** 1st, 2nd, 3rd, 4th… 21st, 22nd, 31st. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ["th", "st", "nd", "rd"][n % 10] ?? "th";
  return `${n}${suffix}`;
}

const plural = (n: number, word: string) => `${n} ${word}${Math.abs(n) === 1 ? "" : "s"}`;

/** " (Europe/Paris)" when a scheduled time is in another zone than the reader's (UTC when the
 * recipe names none, as the server reads it). */
function zoneWords(n: Names, tz: string | null | undefined): string {
  const zone = tz || "UTC";
  return zone === n.zone ? "" : ` (${zone})`;
}

const column = (n: Names, id: string | null | undefined) => n.board.columns.find((c) => c.id === id);
const columnTitle = (n: Names, id: string | null | undefined) => column(n, id)?.title ?? "a deleted column";
const groupTitle = (n: Names, id: string | null | undefined) => n.board.groups.find((g) => g.id === id)?.title ?? "a deleted group";

/** A cell value as people read it: a status label's name, a list of people, a date. */
export function valueWords(col: Column | undefined, value: unknown): string {
  if (value === null || value === undefined) return "empty";
  if (col?.type === "status" && typeof value === "string") {
    const labels = (col.settings as { labels?: { id: string; name: string }[] }).labels ?? [];
    return labels.find((l) => l.id === value)?.name ?? value;
  }
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function personWords(n: Names, p: string | null | undefined): string {
  if (!p || p === "triggering_user") return "the person who triggered it";
  return n.person(p);
}

export function triggerSentence(t: Trigger, n: Names): string {
  switch (t.type) {
    case "column_changed": {
      if (!t.column_id) return "When any column changes";
      const col = column(n, t.column_id);
      const from = t.from !== undefined && t.from !== null ? ` from ${valueWords(col, t.from)}` : "";
      const to = t.to !== undefined && t.to !== null ? ` to ${valueWords(col, t.to)}` : "";
      return `When ${columnTitle(n, t.column_id)} changes${from}${to}`;
    }
    case "item_moved":
      return t.group_id ? `When an item moves to group ${groupTitle(n, t.group_id)}` : "When an item moves to another group";
    case "date_arrives": {
      const offset = t.offset_days ?? 0;
      const shift = offset === 0 ? "" : ` ${plural(Math.abs(offset), "day")} ${offset < 0 ? "before" : "after"}`;
      return `When ${columnTitle(n, t.column_id)} arrives${shift}, at ${t.at || DEFAULT_AT}${zoneWords(n, t.tz)}`;
    }
    case "every": {
      const when =
        t.period === "week" ? `Every ${WEEKDAYS[(t.weekday ?? 1) - 1] ?? "week"}`
        : t.period === "month" ? `Every month on the ${ordinal(t.day ?? 1)}`
        : "Every day";
      return `${when} at ${t.at}${zoneWords(n, t.tz)}`;
    }
    case "button_clicked":
      return `When ${columnTitle(n, t.column_id)} is clicked`;
    default:
      return `When ${TRIGGER_WORDS[t.type]}`;
  }
}

export function actionSentence(a: Action, n: Names): string {
  switch (a.type) {
    case "set_column":
      return `set ${columnTitle(n, a.column_id)} to ${valueWords(column(n, a.column_id), a.value)}`;
    case "clear_column":
      return `clear ${columnTitle(n, a.column_id)}`;
    case "increment_column":
      return `${a.by < 0 ? "decrease" : "increase"} ${columnTitle(n, a.column_id)} by ${Math.abs(a.by)}`;
    case "assign_person":
      return `assign ${personWords(n, a.person as string | undefined)} in ${columnTitle(n, a.column_id)}`;
    case "unassign_person":
      return a.person ? `unassign ${personWords(n, a.person as string)} from ${columnTitle(n, a.column_id)}` : `clear ${columnTitle(n, a.column_id)}`;
    case "push_date":
      return `push ${columnTitle(n, a.column_id)} by ${a.days} day${Math.abs(a.days) === 1 ? "" : "s"}`;
    case "move_to_group":
      return `move to group ${groupTitle(n, a.group_id)}`;
    case "move_to_board": {
      if (!n.boardName) return "move to another board";
      const to = `move to board ${n.boardName(a.board_id) ?? "a board you cannot see"}`;
      if (!a.group_id) return to;
      const groups = n.boardGroups?.(a.board_id);
      return groups ? `${to}, group ${groups.find((g) => g.id === a.group_id)?.title ?? "a deleted group"}` : `${to}, into a chosen group`;
    }
    case "create_item":
      return `create item "${a.name}"${a.board_id ? " on another board" : ""}${a.copy_values ? ", copying its values" : ""}`;
    case "create_subitem":
      return `create subitem "${a.name}"`;
    case "post_update":
      return `post "${a.text}"`;
    case "notify": {
      const who = [...(a.users ?? []).map((p) => personWords(n, p as string)), ...(a.people_column_id ? [columnTitle(n, a.people_column_id)] : [])];
      return `notify ${who.join(" and ")}`;
    }
    case "call_webhook":
      return `call webhook ${n.webhook ? n.webhook(a.webhook_id) ?? "a deleted webhook" : "a webhook"}`;
    case "send_email": {
      const to = [...(a.to ?? []), ...(a.people_column_id ? [columnTitle(n, a.people_column_id)] : [])];
      return `email ${to.length > 1 ? `${to.slice(0, -1).join(", ")} and ${to[to.length - 1]}` : to[0] ?? "nobody yet"}`;
    }
    default:
      return ACTION_WORDS[a.type];
  }
}

/** The whole recipe as one sentence. A periodic recipe acts on each item (that matches the
 * conditions) rather than on the one a change happened to. */
export function sentence(r: Pick<Automation, "trigger" | "actions" | "conditions">, n: Names): string {
  const actions = r.actions.map((a) => actionSentence(a, n));
  const list = actions.length > 1 ? `${actions.slice(0, -1).join(", ")} and ${actions[actions.length - 1]}` : actions[0] ?? "do nothing";
  const scope = r.trigger.type === "every" ? `, for each item${r.conditions ? " that matches the conditions" : ""}` : r.conditions ? " (if the conditions hold)" : "";
  return `${triggerSentence(r.trigger, n)}${scope}, then ${list}`;
}

/** Whether the scheduler fires the trigger (at a time, in a time zone). */
export const isScheduled = (t: Trigger): t is Extract<Trigger, { type: "date_arrives" | "every" }> => t.type === "date_arrives" || t.type === "every";

/** A scheduled trigger without a time zone given the reader's (the server would read UTC). */
export function withZone(t: Trigger, zone: string): Trigger {
  return isScheduled(t) && !t.tz ? { ...t, tz: zone } : t;
}

/** Column types whose values Sunday writes (or that hold none): recipes cannot set them. */
const UNWRITTEN: Column["type"][] = ["auto_number", "item_id", "creation_log", "last_updated", "button"];
/** The columns a recipe can set or clear. */
export const writableColumns = (b: Pick<BoardShape, "columns">) => b.columns.filter((c) => !UNWRITTEN.includes(c.type));
/** The columns whose changes a "column changes" trigger can watch (a button has no value). */
export const watchableColumns = (b: Pick<BoardShape, "columns">) => b.columns.filter((c) => c.type !== "button");

/** A fresh trigger of `type` for the builder, pointing at the board's first fitting column or
 * group, with scheduled times at 09:00 in `zone`; `null` when the board lacks what it needs (a
 * date trigger on a board without dates). */
export function blankTrigger(type: TriggerType, b: BoardShape, zone: string): Trigger | null {
  const col = (types: Column["type"][]) => b.columns.find((c) => types.includes(c.type));
  switch (type) {
    case "column_changed": {
      const c = col(["status"]) ?? watchableColumns(b)[0];
      return { type, column_id: c?.id };
    }
    case "item_moved":
      return { type, group_id: b.groups[0]?.id };
    case "date_arrives": {
      const c = col(["date", "timeline"]);
      return c ? { type, column_id: c.id, offset_days: 0, at: DEFAULT_AT, tz: zone } : null;
    }
    case "every":
      return { type, period: "week", weekday: 1, at: DEFAULT_AT, tz: zone };
    case "button_clicked": {
      const c = col(["button"]);
      return c ? { type, column_id: c.id } : null;
    }
    case "item_created":
    case "item_archived":
    case "update_posted":
    case "subitem_created":
    case "webhook_received":
      return { type };
  }
}

/** A gallery entry: a name and a recipe for the board, or `null` when the board lacks what it
 * needs (a status column, a people column, a Done group…). */
export type GalleryEntry = { title: string; make: (b: BoardShape) => { trigger: Trigger; actions: Action[] } | null };

/** Text as a template's literal part: braces doubled. */
export const literal = (text: string) => text.replace(/[{}]/g, (b) => b + b);

const firstOf = (b: BoardShape, type: Column["type"]) => b.columns.find((c) => c.type === type);
const doneLabel = (c: Column | undefined) => {
  const labels = (c?.settings as { labels?: { id: string; name: string; done?: boolean }[] } | undefined)?.labels ?? [];
  return labels.find((l) => l.done) ?? labels.find((l) => /done/i.test(l.name));
};
const doneGroup = (b: BoardShape) => b.groups.find((g) => /done/i.test(g.title));

export const GALLERY: GalleryEntry[] = [
  {
    title: "When status changes to Done, move the item to Done and notify its owner",
    make: (b) => {
      const status = firstOf(b, "status");
      const label = doneLabel(status);
      const group = doneGroup(b);
      const people = firstOf(b, "people");
      if (!status || !label || !group) return null;
      const actions: Action[] = [{ type: "move_to_group", group_id: group.id }];
      if (people) actions.push({ type: "notify", people_column_id: people.id, text: "{item.name} is done" });
      return { trigger: { type: "column_changed", column_id: status.id, to: label.id }, actions };
    },
  },
  {
    title: "When an item is created, assign the person who created it",
    make: (b) => {
      const people = firstOf(b, "people");
      return people ? { trigger: { type: "item_created" }, actions: [{ type: "assign_person", column_id: people.id, person: "triggering_user" }] } : null;
    },
  },
  {
    title: "When status changes, notify the item's owner",
    make: (b) => {
      const status = firstOf(b, "status");
      const people = firstOf(b, "people");
      return status && people
        ? { trigger: { type: "column_changed", column_id: status.id }, actions: [{ type: "notify", people_column_id: people.id, text: "{item.name}: status changed" }] }
        : null;
    },
  },
  {
    title: "When an item moves to Done, archive it",
    make: (b) => {
      const group = doneGroup(b);
      return group ? { trigger: { type: "item_moved", group_id: group.id }, actions: [{ type: "archive" }] } : null;
    },
  },
  {
    title: "When a date column changes, post an update",
    make: (b) => {
      const date = firstOf(b, "date");
      return date ? { trigger: { type: "column_changed", column_id: date.id }, actions: [{ type: "post_update", text: `{item.name}: ${literal(date.title)} changed` }] } : null;
    },
  },
  {
    title: "When an update is posted, notify the item's owner",
    make: (b) => {
      const people = firstOf(b, "people");
      return people ? { trigger: { type: "update_posted" }, actions: [{ type: "notify", people_column_id: people.id, text: "New update on {item.name}" }] } : null;
    },
  },
  {
    title: "When status changes to Done, clear the owner",
    make: (b) => {
      const status = firstOf(b, "status");
      const label = doneLabel(status);
      const people = firstOf(b, "people");
      return status && label && people ? { trigger: { type: "column_changed", column_id: status.id, to: label.id }, actions: [{ type: "unassign_person", column_id: people.id }] } : null;
    },
  },
  {
    title: "When an item is created, create a checklist subitem",
    make: () => ({ trigger: { type: "item_created" }, actions: [{ type: "create_subitem", name: "Checklist for {item.name}" }] }),
  },
  {
    title: "When an item is archived, post an update",
    make: () => ({ trigger: { type: "item_archived" }, actions: [{ type: "post_update", text: "{item.name} was archived" }] }),
  },
  {
    title: "3 days before a due date, notify the item's owner",
    make: (b) => {
      const date = firstOf(b, "date") ?? firstOf(b, "timeline");
      const people = firstOf(b, "people");
      return date && people
        ? {
            trigger: { type: "date_arrives", column_id: date.id, offset_days: -3, at: DEFAULT_AT },
            actions: [{ type: "notify", people_column_id: people.id, text: `{item.name}: ${literal(date.title)} is in 3 days` }],
          }
        : null;
    },
  },
  {
    title: "When a subitem is created, notify the item's owner",
    make: (b) => {
      const people = firstOf(b, "people");
      return people ? { trigger: { type: "subitem_created" }, actions: [{ type: "notify", people_column_id: people.id, text: "New subitem on {item.name}" }] } : null;
    },
  },
];

/** What else an action can name: the board's webhook subscriptions, the boards one can move
 * items to. */
export type Targets = { webhooks?: { id: string }[]; boards?: { id: string }[] };

/** A fresh action of `type` for the builder, pointing at the board's first fitting column,
 * group, webhook subscription or other board (the user then picks); `null` when there is none. */
export function blankAction(type: ActionType, b: BoardShape, { webhooks = [], boards = [] }: Targets = {}): Action | null {
  const col = (types: Column["type"][]) => b.columns.find((c) => types.includes(c.type));
  const writable = writableColumns(b)[0];
  switch (type) {
    case "set_column":
      return writable ? { type, column_id: writable.id, value: "" } : null;
    case "clear_column":
      return writable ? { type, column_id: writable.id } : null;
    case "increment_column": {
      const c = col(["number"]);
      return c ? { type, column_id: c.id, by: 1 } : null;
    }
    case "assign_person":
    case "unassign_person": {
      const c = col(["people"]);
      return c ? (type === "assign_person" ? { type, column_id: c.id, person: "triggering_user" } : { type, column_id: c.id }) : null;
    }
    case "push_date": {
      const c = col(["date", "timeline"]);
      return c ? { type, column_id: c.id, days: 1 } : null;
    }
    case "move_to_group":
      return b.groups[0] ? { type, group_id: b.groups[0].id } : null;
    case "move_to_board": {
      const other = boards.find((x) => x.id !== b.id);
      return other ? { type, board_id: other.id } : null;
    }
    case "archive":
    case "duplicate":
      return { type };
    case "create_item":
    case "create_subitem":
      return { type, name: "{item.name}" };
    case "post_update":
      return { type, text: "" };
    case "notify": {
      const c = col(["people"]);
      return c ? { type, people_column_id: c.id, text: "{item.name}" } : { type, users: ["triggering_user"], text: "{item.name}" };
    }
    case "call_webhook":
      return webhooks[0] ? { type, webhook_id: webhooks[0].id } : null;
    case "send_email": {
      const c = col(["people"]);
      return { type, ...(c ? { people_column_id: c.id } : { to: [] }), subject: "{item.name}", text: "" };
    }
  }
}
