// The organization's people, for people pickers, avatars and names. React state shared by
// context, so everything that shows a name re-renders when the directory (re)loads.
import { createContext, useCallback, useContext, useEffect, useRef, useState } from "react";
import { api, ok } from "../api/client";

export type Person = { id: string; name: string };

export const PeopleContext = createContext<Person[]>([]);
export const usePeople = () => useContext(PeopleContext);

/** Loads the organization's members; `ensure(ids)` reloads when someone is not known yet
 * (a person just invited shows up in presence before the directory has them). */
export function useDirectory(orgId: string | undefined) {
  const [people, setPeople] = useState<Person[]>([]);
  // Read by `ensure`, which must stay stable for the subscriptions that call it.
  const known = useRef<Person[]>([]);
  const refresh = useCallback(async () => {
    if (!orgId) return;
    const members = await ok(api.GET("/api/v1/orgs/{org_id}/members", { params: { path: { org_id: orgId }, query: { limit: 500 } } })).catch(() => null);
    if (!members) return;
    known.current = members.data.map((m) => ({ id: m.user.id, name: m.user.name }));
    setPeople(known.current);
  }, [orgId]);
  useEffect(() => {
    refresh();
  }, [refresh]);
  const ensure = useCallback(
    (ids: string[]) => {
      if (ids.some((id) => !known.current.some((p) => p.id === id))) refresh();
    },
    [refresh],
  );
  return { people, ensure };
}
