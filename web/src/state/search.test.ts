import { describe, expect, it } from "vitest";
import { groupHits, inListOrder, segments, type SearchHit } from "./search";

const hit = (over: Partial<SearchHit>): SearchHit => ({
  kind: "item", board_id: "b1", board_name: "Launch", item_id: "i1", update_id: null, file_id: null,
  title: "Plan", snippet: "", title_highlights: [], snippet_highlights: [], score: 1, ...over,
});

describe("search results", () => {
  it("group by board, then by item, in the order of their best hit", () => {
    const groups = groupHits([
      hit({ kind: "update", title: "Plan", update_id: "u1" }),
      hit({ board_id: "b2", board_name: "Hiring", item_id: "i9", title: "Designer" }),
      hit({ kind: "item", title: "Plan" }),
      hit({ kind: "board", item_id: null, title: "Launch" }),
    ]);
    expect(groups.map((g) => g.boardName)).toEqual(["Launch", "Hiring"]);
    expect(groups[0].items.map((i) => [i.key, i.title, i.hits.length])).toEqual([["i1", "Plan", 2], ["board:b1", "Launch", 1]]);
    expect(inListOrder(groups).map((h) => h.kind)).toEqual(["update", "item", "board", "item"]);
  });

  it("mark the highlighted runs, by characters", () => {
    expect(segments("Launch plan", [{ start: 7, end: 11 }])).toEqual([{ text: "Launch ", mark: false }, { text: "plan", mark: true }]);
    expect(segments("été prêt", [{ start: 0, end: 3 }, { start: 4, end: 8 }])).toEqual([
      { text: "été", mark: true }, { text: " ", mark: false }, { text: "prêt", mark: true },
    ]);
    expect(segments("abc", [{ start: 2, end: 99 }, { start: 0, end: 1 }])).toEqual([
      { text: "a", mark: true }, { text: "b", mark: false }, { text: "c", mark: true },
    ]);
    expect(segments("", [])).toEqual([]);
  });
});
