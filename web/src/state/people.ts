// The organization's people, for people pickers, avatars and names: one directory per
// organization kept by TanStack Query (a board and a dashboard of the same organization share
// it) and handed down by context, so everything that shows a name re-renders when it (re)loads.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useRef } from "react";
import { api, ok } from "../api/client";

export type Person = { id: string; name: string };

export const PeopleContext = createContext<Person[]>([]);
export const usePeople = () => useContext(PeopleContext);

const NOBODY: Person[] = [];

/** Loads the organization's members; `ensure(ids)` reloads when someone is not known yet
 * (a person just invited shows up in presence before the directory has them). */
export function useDirectory(orgId: string | undefined) {
  const client = useQueryClient();
  const q = useQuery({
    queryKey: ["members", orgId],
    queryFn: async () => {
      const members = await ok(api.GET("/api/v1/orgs/{org_id}/members", { params: { path: { org_id: orgId ?? "" }, query: { limit: 500 } } }));
      return members.data.map((m): Person => ({ id: m.user.id, name: m.user.name }));
    },
    enabled: !!orgId,
    // Asked again whenever a board or dashboard opens (people join), shown from the cache meanwhile.
  });
  const people = q.data ?? NOBODY;
  // Read by `ensure`, which must stay stable for the subscriptions that call it.
  const known = useRef(people);
  useEffect(() => {
    known.current = people;
  }, [people]);
  const ensure = useCallback(
    (ids: string[]) => {
      if (orgId && ids.some((id) => !known.current.some((p) => p.id === id))) client.invalidateQueries({ queryKey: ["members", orgId] });
    },
    [client, orgId],
  );
  return { people, ensure };
}
