import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { createElement } from "react";
import { RichText } from "./RichText";

const html = (text: string) => renderToStaticMarkup(createElement(RichText, { text, nameOf: () => "Ada" }));

describe("update bodies", () => {
  it("formats bold, lists, links and mentions", () => {
    const out = html("**Ship** it\n- one\n- two\nsee https://example.com @[01a21c62-396b-76e9-bd75-7b6ac595a8cc]");
    expect(out).toContain("<strong>Ship</strong>");
    expect(out).toContain("<ul><li>one</li><li>two</li></ul>");
    expect(out).toContain('<a href="https://example.com"');
    expect(out).toContain("@Ada");
  });
  it("never renders what users type as markup", () => {
    const out = html('<img src=x onerror="alert(1)"> <script>alert(2)</script>');
    expect(out).not.toContain("<img");
    expect(out).not.toContain("<script");
    expect(out).toContain("&lt;img");
  });
  it("does not turn javascript: into links", () => {
    expect(html("javascript:alert(1)")).not.toContain("<a");
  });
});
