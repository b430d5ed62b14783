import { describe, expect, it } from "vitest";
import type { Board, BoardEvent, Column, Group, Item } from "../api/types";
import { boardReducer, itemsOf, nextPage, restAfter, type BoardAction, type BoardState } from "./board";

const group = (id: string, position: string): Group => ({ id, title: id, color: "blue", position, collapsed: false });
const column = (id: string, position: string, title = id): Column => ({ id, position, title, type: "text", settings: {} });
const board: Board = {
  id: "b", org_id: "o", workspace_id: "w", name: "Board", description: "", kind: "public", default_permission: "edit_all",
  created_at: "", created_by: "u", updated_at: "", version: 1, last_seq: 3,
  columns: [column("c1", "a0"), column("c2", "a1")], groups: [group("g", "V")],
};
const item = (id: string, position: string, values: Record<string, unknown> = {}, group_id = "g"): Item =>
  ({ id, board_id: "b", group_id, name: id, position, values, version: 1, archived: false, auto_number: 1, created_at: "", created_by: "u", updated_at: "" });
const meta = (seq: number) => ({ board_id: "b", seq, actor: "u", created_at: "" });
const created = (seq: number, it: Item): BoardEvent => ({ ...meta(seq), kind: "item_created", payload: { item: it }, item_id: it.id });
/** An update as the server sends it: the item without its values, and the cells set. */
const changed = (seq: number, it: Item, kind: "item_updated" | "item_moved" = "item_updated"): BoardEvent => {
  const { values, ...head } = it;
  const changes = Object.entries(values).map(([column_id, v]) => ({ column_id, old: null, new: v }));
  return { ...meta(seq), kind, payload: { item: head, version: it.version, changes }, item_id: it.id };
};

/** Runs actions through the reducer from a freshly loaded board. */
function run(items: Item[], ...actions: BoardAction[]): BoardState {
  const s = [{ type: "loaded", board, items } as BoardAction, ...actions].reduce<BoardState | null>(boardReducer, null);
  if (!s) throw new Error("the board did not load");
  return s;
}
const ev = (event: BoardEvent, editing: ReadonlySet<string> = new Set()): BoardAction => ({ type: "event", event, editing });

describe("board reducer: live events", () => {
  it("applies events in order and ignores ones already applied", () => {
    const s = run([item("a", "V")], ev(created(4, item("b", "W"))), ev(created(4, item("c", "X"))));
    expect(s.seq).toBe(4);
    expect(s.stale).toBe(false);
    expect(s.items.map((i) => i.id)).toEqual(["a", "b"]);
  });

  it("marks the state stale on a gap instead of applying, and a reload clears it", () => {
    let s = run([], ev(created(6, item("b", "W"))));
    expect(s.stale).toBe(true);
    expect(s.seq).toBe(3);
    expect(s.items).toEqual([]);
    s = boardReducer(s, { type: "loaded", board: { ...board, last_seq: 6 }, items: [item("b", "W")] })!;
    expect(s).toMatchObject({ stale: false, seq: 6, loads: 2 });
  });

  it("keeps the cells being edited locally when a remote change arrives, even empty ones", () => {
    const remote = item("a", "V", { c1: "theirs", c2: "new", c3: "set remotely" });
    const s = run([item("a", "V", { c1: "mine", c2: "old" })], ev(changed(4, remote), new Set(["a:c1", "a:c3"])));
    expect(s.items[0].values).toEqual({ c1: "mine", c2: "new" });
  });

  it("applies computed values of many items in one event, keeping newer items and unloaded ones out", () => {
    const computed: BoardEvent = {
      ...meta(4),
      item_id: null,
      kind: "items_computed",
      payload: {
        items: [
          { item_id: "a", version: 2, changes: [{ column_id: "f", old: null, new: 4 }] },
          { item_id: "b", version: 2, changes: [{ column_id: "f", old: 1, new: null }] },
          { item_id: "not-loaded", version: 2, changes: [{ column_id: "f", old: null, new: 1 }] },
        ],
      },
    };
    const s = run([item("a", "V", { c1: "x" }), { ...item("b", "W", { f: 1 }), version: 3 }], ev(computed));
    expect(s.items.map((i) => [i.id, i.values, i.version])).toEqual([["a", { c1: "x", f: 4 }, 2], ["b", { f: 1 }, 3]]);
    expect(s.seq).toBe(4);
  });

  it("applies an update's changed cells to the item it has, keeping the others", () => {
    const before = item("a", "V", { c1: "one", c2: "two", c3: "three" });
    const { values: _values, ...head } = { ...before, name: "Renamed", version: 2 };
    const update: BoardEvent = {
      ...meta(4),
      kind: "item_updated",
      payload: { item: head, version: 2, changes: [{ column_id: "c2", old: "two", new: "deux" }, { column_id: "c3", old: "three", new: null }] },
      item_id: "a",
    };
    const s = run([before], ev(update));
    expect(s.items[0]).toMatchObject({ name: "Renamed", version: 2, values: { c1: "one", c2: "deux" } });
    // An update of an item this whole board does not have: refetch rather than guess.
    const { values: _v, ...stranger } = item("z", "W");
    const lost = boardReducer(s, ev({ ...update, seq: 5, payload: { ...update.payload, item: stranger } }))!;
    expect(lost.stale).toBe(true);
  });

  it("removes archived and deleted items, restores archived ones and orders a group's items by position", () => {
    const a = item("a", "X");
    const s = run(
      [a, item("b", "V"), item("c", "W")],
      ev({ ...meta(4), kind: "item_archived", payload: { item: { ...a, archived: true } }, item_id: "a" }),
      ev({ ...meta(5), kind: "item_deleted", payload: { item_id: "c", name: "c" }, item_id: "c" }),
      ev(created(6, item("d", "U"))),
    );
    expect(itemsOf(s.items, "g").map((i) => i.id)).toEqual(["d", "b"]);
    const back = boardReducer(s, ev({ ...meta(7), kind: "item_restored", payload: { item: a }, item_id: "a" }))!;
    expect(itemsOf(back.items, "g").map((i) => i.id)).toEqual(["d", "b", "a"]);
  });

  it("moves items between groups", () => {
    const s = run([item("a", "V"), item("b", "W")], ev(changed(4, item("a", "Z", {}, "g2"), "item_moved")));
    expect(itemsOf(s.items, "g").map((i) => i.id)).toEqual(["b"]);
    expect(itemsOf(s.items, "g2").map((i) => i.id)).toEqual(["a"]);
  });

  it("keeps groups in position order and the caller's collapsed setting", () => {
    const collapsed: Board = { ...board, groups: [{ ...group("g", "V"), collapsed: true }] };
    let s = boardReducer(null, { type: "loaded", board: collapsed, items: [] })!;
    s = boardReducer(s, ev({ ...meta(4), kind: "group_created", payload: { group: group("first", "A") } }))!;
    s = boardReducer(s, ev({ ...meta(5), kind: "group_updated", payload: { group: { ...group("g", "V"), title: "Renamed", collapsed: false } } }))!;
    expect(s.board.groups?.map((g) => [g.id, g.title, g.collapsed])).toEqual([["first", "first", false], ["g", "Renamed", true]]);
    s = boardReducer(s, ev({ ...meta(6), kind: "group_deleted", payload: { group_id: "first", moved_to: "g" } }))!;
    expect(s.board.groups?.map((g) => g.id)).toEqual(["g"]);
  });

  it("keeps columns in position order as they are created, moved and deleted", () => {
    const s = run(
      [],
      ev({ ...meta(4), kind: "column_created", payload: { column: column("c0", "Z") } }),
      ev({ ...meta(5), kind: "column_updated", payload: { column: column("c0", "0"), previous: column("c0", "Z") } }),
      ev({ ...meta(6), kind: "column_deleted", payload: { column: column("c2", "a1") } }),
    );
    expect(s.board.columns?.map((c) => c.id)).toEqual(["c0", "c1"]);
    expect(s.stale).toBe(false);
  });

  it("marks the state stale when a column change asks followers to reload", () => {
    const retyped = { ...column("c1", "a0"), type: "number" as const };
    const updated = run([], ev({ ...meta(4), kind: "column_updated", payload: { column: retyped, previous: column("c1", "a0"), reload: true } }));
    expect(updated).toMatchObject({ stale: true, seq: 4 });
    expect(updated.board.columns?.[0].type).toBe("number");
    const formula = { ...column("c3", "a2"), type: "formula" as const, settings: { expression: "1", result: "number" as const } };
    const created = run([], ev({ ...meta(4), kind: "column_created", payload: { column: formula, reload: true } }));
    expect(created).toMatchObject({ stale: true, seq: 4 });
    const deleted = run([], ev({ ...meta(4), kind: "column_deleted", payload: { column: column("c1", "a0"), reload: true } }));
    expect(deleted).toMatchObject({ stale: true, seq: 4 });
    expect(deleted.board.columns?.map((c) => c.id)).toEqual(["c2"]);
  });

  it("applies only the board settings an update names", () => {
    const s = run([], ev({ ...meta(4), kind: "board_updated", payload: { name: "Renamed" } }));
    expect(s.board).toMatchObject({ name: "Renamed", description: "", kind: "public" });
  });

  it("advances past events that do not change the table", () => {
    const s = run([item("a", "V")], ev({ ...meta(4), kind: "update_deleted", payload: { update_id: "x", item_id: "a" }, item_id: "a" }));
    expect(s.seq).toBe(4);
    expect(s.items).toHaveLength(1);
    // A button's click changes nothing by itself (a recipe's changes come as events of their own).
    const clicked = boardReducer(s, ev({ ...meta(5), kind: "button_clicked", payload: { item_id: "a", column_id: "c1" }, item_id: "a" }))!;
    expect(clicked.seq).toBe(5);
    expect(clicked.items).toBe(s.items);
    expect(clicked.stale).toBe(false);
  });
});

describe("board reducer: local edits", () => {
  it("sets and clears values optimistically", () => {
    const s = run([item("a", "V", { c1: 1 })], { type: "value_set", itemId: "a", columnId: "c2", value: "x" }, { type: "value_set", itemId: "a", columnId: "c1", value: null });
    expect(s.items[0].values).toEqual({ c2: "x" });
  });

  it("takes the server's item when a write answers, and drops it when archived", () => {
    const saved = { ...item("a", "V", { c1: "server" }), version: 2 };
    const s = run([item("a", "V", { c1: "local" })], { type: "item_saved", item: saved });
    expect(s.items).toEqual([saved]);
    expect(run([item("a", "V")], { type: "item_saved", item: { ...saved, archived: true } }).items).toEqual([]);
  });

  it("ignores a write's answer when a live event already brought a later version", () => {
    const live = { ...item("a", "V", { c1: "later" }), version: 3 };
    const s = run([item("a", "V")], ev(changed(4, live)), { type: "item_saved", item: { ...item("a", "V", { c1: "earlier" }), version: 2 } });
    expect(s.items[0].values).toEqual({ c1: "later" });
  });

  it("ignores everything but a load before the board is loaded", () => {
    expect(boardReducer(null, ev(created(4, item("b", "W"))))).toBeNull();
  });
});

describe("board reducer: a large board a page at a time, a group at a time", () => {
  const counts = new Map([["g", 4], ["h", 1], ["k", 0]]);
  const first = () => {
    const items = [item("a", "V"), item("b", "W"), item("z", "V", {}, "h")];
    return boardReducer(null, { type: "loaded", board, items, rest: restAfter(items, counts, true) })!;
  };

  it("starts with the groups the first page brought whole marked done", () => {
    const s = first();
    expect(s.rest?.next.get("h")).toBeNull();
    expect(s.rest?.next.has("g")).toBe(false);
    expect(restAfter([], counts, false)).toBeNull();
  });

  it("fetches the group asked for, else the first with more, and is whole after the last page", () => {
    let s = first();
    expect(nextPage(s.rest!, ["k", "h", "g"], "h")).toEqual({ group: "g", cursor: null });
    s = boardReducer(s, { type: "page", loads: 1, group: "g", from: null, items: [item("a", "V"), item("c", "X")], cursor: "c2" })!;
    expect(nextPage(s.rest!, ["h", "g"], "g")).toEqual({ group: "g", cursor: "c2" });
    expect([...s.fetched].sort()).toEqual(["a", "b", "c", "z"]);
    s = boardReducer(s, { type: "page", loads: 1, group: "g", from: "c2", items: [item("d", "Y")], cursor: null })!;
    expect(s.rest).toBeNull();
    expect(itemsOf(s.items, "g").map((i) => i.id)).toEqual(["a", "b", "c", "d"]);
  });

  it("drops a page of an earlier load, and a second copy of one that landed", () => {
    const page = { type: "page" as const, loads: 1, group: "g", from: null, items: [item("c", "X")], cursor: "c2" };
    let s = boardReducer(first(), page)!;
    // The same page again (asked for twice while on its way): the group is past it.
    expect(boardReducer(s, { ...page, items: [item("e", "X")] })).toBe(s);
    // A page asked for before the board was loaded again.
    const reloaded = boardReducer(s, { type: "loaded", board, items: [item("a", "V")], rest: restAfter([item("a", "V")], counts, true) })!;
    expect(boardReducer(reloaded, { ...page, items: [item("e", "X")] })).toBe(reloaded);
    // A group whose last page landed takes no more.
    s = boardReducer(s, { type: "page", loads: 1, group: "g", from: "c2", items: [item("d", "Y")], cursor: null })!;
    expect(boardReducer(s, { type: "page", loads: 1, group: "g", from: "c2", items: [item("f", "Y")], cursor: null })).toBe(s);
  });

  it("keeps the newer of a page's item and a live event's, whichever came first", () => {
    const newer = { ...item("c", "X", { c1: "live" }), version: 3 };
    let s = boardReducer(first(), ev(created(4, newer)))!;
    // The page was read before the change: its older copy does not win.
    s = boardReducer(s, { type: "page", loads: 1, group: "g", from: null, items: [item("c", "X", { c1: "old" })], cursor: "c2" })!;
    expect(s.items.find((i) => i.id === "c")?.values.c1).toBe("live");
    expect(s.items.filter((i) => i.id === "c")).toHaveLength(1);
    expect(s.fetched.has("c")).toBe(true);
    // And an event older than the page's copy changes nothing.
    const paged = { ...item("d", "Y", { c1: "paged" }), version: 5 };
    s = boardReducer(s, { type: "page", loads: 1, group: "g", from: "c2", items: [paged], cursor: null })!;
    s = boardReducer(s, ev(changed(5, { ...item("d", "Y", { c1: "stale" }), version: 4 })))!;
    expect(s.items.find((i) => i.id === "d")?.values.c1).toBe("paged");
    expect(s.seq).toBe(5);
  });
});

describe("board reducer: items that left", () => {
  it("are remembered until restored, even when not fetched", () => {
    let s = run([item("a", "V")]);
    s = boardReducer(s, ev({ ...meta(4), kind: "item_archived", payload: { item: { ...item("x", "W"), archived: true } }, item_id: "x" }))!;
    s = boardReducer(s, ev({ ...meta(5), kind: "item_deleted", payload: { item_id: "a", name: "a" }, item_id: "a" }))!;
    expect([...s.gone].sort()).toEqual(["a", "x"]);
    s = boardReducer(s, ev({ ...meta(6), kind: "item_restored", payload: { item: { ...item("x", "W"), version: 2 } }, item_id: "x" }))!;
    expect([...s.gone]).toEqual(["a"]);
    expect(s.items.map((i) => i.id)).toEqual(["x"]);
  });
});

describe("board reducer: items moved between boards", () => {
  const away = (seq: number, id: string, to: string): BoardEvent => ({ ...meta(seq), kind: "item_deleted", payload: { item_id: id, name: id, moved_to: to }, item_id: id });
  const here = (seq: number, it: Item, from: string): BoardEvent => ({ ...meta(seq), kind: "item_created", payload: { item: it, moved_from: from }, item_id: it.id });

  it("takes an item that moved to another board off the source board", () => {
    const s = run([item("a", "V"), item("b", "W")], ev(away(4, "a", "b2")));
    expect(s.items.map((i) => i.id)).toEqual(["b"]);
    // A search answer read before the move must not bring it back.
    expect([...s.gone]).toEqual(["a"]);
    expect(s.stale).toBe(false);
  });

  it("adds an item that arrived from another board to its group, and counts its updates again", () => {
    let s = run([item("b", "W")]);
    s = boardReducer(s, { type: "counted", updates: new Map([["b", 1]]) })!;
    s = boardReducer(s, ev(here(4, { ...item("a", "X", { c1: "kept" }), version: 3 }, "b1")))!;
    expect(itemsOf(s.items, "g").map((i) => i.id)).toEqual(["b", "a"]);
    expect(s.items.find((i) => i.id === "a")?.values).toEqual({ c1: "kept" });
    // Its updates came with it: the counts are fetched again.
    expect(s.recount).toBe(true);
    // A plain new item has no updates to count.
    const fresh = boardReducer(run([]), ev(created(4, item("n", "V"))))!;
    expect(fresh.recount).toBe(false);
  });

  it("keeps an item off the board when the answer creating it comes after a recipe moved it away", () => {
    const made = item("n", "Z");
    let s = run([], ev(created(4, made)), ev(away(5, "n", "b2")));
    s = boardReducer(s, { type: "item_saved", item: made })!;
    expect(s.items).toEqual([]);
    // An item read alone (a link to it) that is on another board now stays off this one.
    s = boardReducer(s, { type: "item_saved", item: { ...item("x", "V"), board_id: "b2" } })!;
    expect(s.items).toEqual([]);
  });

  it("takes back an item that moved away and then back", () => {
    let s = run([item("a", "V")], ev(away(4, "a", "b2")));
    s = boardReducer(s, ev(here(5, { ...item("a", "Z"), version: 3 }, "b2")))!;
    expect(s.items.map((i) => [i.id, i.position])).toEqual([["a", "Z"]]);
    expect(s.gone.size).toBe(0);
  });
});
