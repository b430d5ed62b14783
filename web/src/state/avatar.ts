// How a person looks wherever they appear: their initials on a colour that comes from their
// user id, so the same person has the same colour on every screen and for everyone.

/** Colours that white initials read on (at least 3:1). */
export const AVATAR_COLOURS = ["#0073ea", "#a25ddc", "#e2445c", "#037f4c", "#bb3354", "#225091", "#7f5347", "#d6336c", "#5559df", "#1f76c2", "#ab5c00", "#007a87"];

/** The colour of a user id: a stable hash (FNV-1a) of the id picks one. */
export function avatarColour(id: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return AVATAR_COLOURS[h % AVATAR_COLOURS.length];
}

/** The first letters of the first and last words of a name ("Ada Lovelace" → "AL"), one for a
 * one-word name, "?" for none. */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return "?";
  const first = [...words[0]][0];
  const last = words.length > 1 ? [...words[words.length - 1]][0] : "";
  return (first + last).toUpperCase();
}
