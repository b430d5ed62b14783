// A person as the app shows them everywhere (the sidebar, presence, members, people cells,
// updates): initials on their own colour (state/avatar.ts), with their name on hover and for
// screen readers.
import { avatarColour, initialsOf } from "../state/avatar";

/** `decorative`: next to the name already (a picker's button, an activity entry), so screen
 * readers skip it. */
export function Avatar({ id, name, small = false, note, decorative = false }: { id: string; name: string; small?: boolean; note?: string; decorative?: boolean }) {
  const label = note ? `${name}: ${note}` : name;
  const a11y = decorative ? { "aria-hidden": true } : { role: "img", title: label };
  return (
    <span className={"avatar" + (small ? " small" : "")} style={{ background: avatarColour(id) }} {...a11y} data-person={name}>
      {initialsOf(name)}
    </span>
  );
}
