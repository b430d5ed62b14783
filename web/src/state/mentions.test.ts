import { describe, expect, it } from "vitest";
import { insertMention, mentionQuery, toWire } from "./mentions";

const ada = { id: "01a21c62-396b-76e9-bd75-7b6ac595a8cc", name: "Ada" };
const adaL = { id: "01a21c62-396b-76e9-bd75-7b6ac595a8cd", name: "Ada Lovelace" };

describe("mentions in the update editor", () => {
  it("notices an @ being typed", () => {
    expect(mentionQuery("hi @Li")).toBe("Li");
    expect(mentionQuery("@")).toBe("");
    expect(mentionQuery("mail me@home")).toBeUndefined();
    expect(mentionQuery("hi @Linus done")).toBeUndefined();
  });
  it("shows the picked person's name, not an id", () => {
    expect(insertMention("thanks @Ad", adaL)).toBe("thanks @Ada Lovelace ");
  });
  it("sends the wire format for picked people only", () => {
    expect(toWire("@Ada Lovelace and @Ada, not @Adam", [ada, adaL])).toBe(`@[${adaL.id}] and @[${ada.id}], not @Adam`);
    expect(toWire("@Bob hi", [ada])).toBe("@Bob hi");
    expect(toWire("**bold** @Ada", [ada])).toBe(`**bold** @[${ada.id}]`);
  });
});
