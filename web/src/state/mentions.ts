// Mentions while writing an update: the editor shows "@Ada Lovelace" as typed and picked; the
// update is sent in the wire format "@[<user id>]" (which RichText shows as the name again).
export type Mention = { id: string; name: string };

/** What is being typed after an "@" at the end of the text, if anything ("@Li" → "Li"). */
export const mentionQuery = (text: string): string | undefined => /(?:^|\s)@(\w*)$/.exec(text)?.[1];

/** The text with the "@query" being typed replaced by the picked person's name. */
export function insertMention(text: string, person: Mention): string {
  return text.replace(/@\w*$/, `@${person.name} `);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The text to send: each picked person's "@Name" becomes "@[id]". Longer names go first, so
 * "@Ada Lovelace" is not taken for "@Ada". A name edited since it was picked stays text. */
export function toWire(text: string, picked: Mention[]): string {
  const byLength = [...picked].sort((a, b) => b.name.length - a.name.length);
  let out = text;
  for (const p of byLength) out = out.replace(new RegExp(`@${escape(p.name)}(?![\\w])`, "g"), `@[${p.id}]`);
  return out;
}
