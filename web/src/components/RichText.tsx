// Update bodies: a small, safe rich-text format. **bold**, *italic*, lines starting with "- "
// as bullet lists, bare http(s) links, and @mentions as names. Rendered as React elements
// from parsed text — never as HTML — so nothing a user types can inject markup.
import type { ReactNode } from "react";

const INLINE = /(\*\*[^*]+\*\*|\*[^*]+\*|https?:\/\/[^\s)]+|@\[[0-9a-f-]{36}\])/g;

function inline(text: string, nameOf: (id: string) => string): ReactNode[] {
  return text.split(INLINE).map((part, i) => {
    if (part.startsWith("**") && part.endsWith("**") && part.length > 4) return <strong key={i}>{part.slice(2, -2)}</strong>;
    if (part.startsWith("*") && part.endsWith("*") && part.length > 2) return <em key={i}>{part.slice(1, -1)}</em>;
    if (/^https?:\/\//.test(part)) return <a key={i} href={part} target="_blank" rel="noreferrer noopener">{part}</a>;
    const m = /^@\[([0-9a-f-]{36})\]$/.exec(part);
    if (m) return <span key={i} className="mention">@{nameOf(m[1])}</span>;
    return part;
  });
}

export function RichText({ text, nameOf }: { text: string; nameOf: (id: string) => string }) {
  const blocks: ReactNode[] = [];
  let list: ReactNode[] = [];
  const flush = () => {
    if (list.length) blocks.push(<ul key={`l${blocks.length}`}>{list}</ul>);
    list = [];
  };
  text.split("\n").forEach((line, i) => {
    if (line.startsWith("- ")) list.push(<li key={i}>{inline(line.slice(2), nameOf)}</li>);
    else {
      flush();
      blocks.push(<p key={i}>{inline(line, nameOf)}</p>);
    }
  });
  flush();
  return <div className="rich">{blocks}</div>;
}

/** Toolbar buttons that wrap the selection (or insert) markup in a textarea's value. */
export function Formatting({ value, onChange, target }: { value: string; onChange: (v: string) => void; target: () => HTMLTextAreaElement | null }) {
  const wrap = (before: string, after = before) => {
    const el = target();
    const [s, e] = el ? [el.selectionStart, el.selectionEnd] : [value.length, value.length];
    onChange(value.slice(0, s) + before + value.slice(s, e) + after + value.slice(e));
  };
  return (
    <div className="formatting" role="toolbar" aria-label="Formatting">
      <button type="button" aria-label="Bold" onClick={() => wrap("**")}><strong>B</strong></button>
      <button type="button" aria-label="Italic" onClick={() => wrap("*")}><em>I</em></button>
      <button type="button" aria-label="Bullet list" onClick={() => wrap(value && !value.endsWith("\n") ? "\n- " : "- ", "")}>• List</button>
      <button type="button" aria-label="Link" onClick={() => wrap("https://", "")}>Link</button>
    </div>
  );
}
