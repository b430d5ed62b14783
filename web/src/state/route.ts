// Where the app is, as a URL a person can share: `/boards/{id}` opens a board and
// `/boards/{id}/items/{item_id}` also opens that item's panel. Links from before paths
// (`/#/{board_id}`) still open their board. The server answers every non-API path with the app.

/** `page`: a page of its own instead of a board (My Work, the inbox). */
export type Route = { board: string | null; item: string | null; page?: Page; dashboard?: string };
export type Page = "work" | "inbox";
const PAGES: Record<Page, string> = { work: "/my-work", inbox: "/inbox" };

export const HOME: Route = { board: null, item: null };

const PATH = /^\/boards\/([^/]+)(?:\/items\/([^/]+))?\/?$/;

/** The route of a location (its path, else a legacy `#/{board}` hash). */
export function parseRoute(pathname: string, hash: string): Route {
  const page = (Object.keys(PAGES) as Page[]).find((p) => PAGES[p] === pathname.replace(/\/$/, ""));
  if (page) return { board: null, item: null, page };
  const d = /^\/dashboards\/([^/]+)\/?$/.exec(pathname);
  if (d) return { board: null, item: null, dashboard: decodeURIComponent(d[1]) };
  const m = PATH.exec(pathname);
  if (m) return { board: decodeURIComponent(m[1]), item: m[2] ? decodeURIComponent(m[2]) : null };
  const legacy = hash.startsWith("#/") ? hash.slice(2) : "";
  return legacy ? { board: legacy, item: null } : HOME;
}

/** The path of a route; an item without a board has no page of its own. */
export function routePath(r: Route): string {
  if (r.dashboard) return `/dashboards/${encodeURIComponent(r.dashboard)}`;
  if (!r.board) return r.page ? PAGES[r.page] : "/";
  const board = `/boards/${encodeURIComponent(r.board)}`;
  return r.item ? `${board}/items/${encodeURIComponent(r.item)}` : board;
}

/** The invitation token of an invitation link (`/?invite=…`), if this is one. */
export const inviteOf = (search: string) => new URLSearchParams(search).get("invite");

/** Forgets the invitation in the address bar once it has been used (accepted, or joined by
 * signing up with it), so a reload or the next login does not use it again. */
export function dropInvite() {
  const params = new URLSearchParams(location.search);
  params.delete("invite");
  const rest = params.toString();
  history.replaceState(history.state, "", location.pathname + (rest ? `?${rest}` : "") + location.hash);
}
