// A person as the app shows them everywhere (the sidebar, presence, members, people cells,
// updates): initials on their own colour (state/avatar.ts), with their name on hover and for
// screen readers.
import { avatarColour, initialsOf } from "../state/avatar";

export function Avatar({ id, name, small = false, note }: { id: string; name: string; small?: boolean; note?: string }) {
  const label = note ? `${name}: ${note}` : name;
  return (
    <span className={"avatar" + (small ? " small" : "")} style={{ background: avatarColour(id) }} title={label} role="img" data-person={name}>
      {initialsOf(name)}
    </span>
  );
}
