// The app's pages and their paths. The API serves index.html for every
// non-/api path it has no file for, so these are ordinary URLs (bookmarks and
// reloads work).

export type RouteName =
  | "signin"
  | "home"
  | "new-request"
  | "request"
  | "authorize"
  | "decision"
  | "inbox"
  | "stacks"
  | "stack"
  | "audit"
  | "not-found";

export interface RouteMatch {
  name: RouteName;
  params: Record<string, string>;
}

const table: Array<[RouteName, RegExp, string[]]> = [
  ["signin", /^\/signin$/, []],
  ["home", /^\/$/, []],
  ["new-request", /^\/requests\/new$/, []],
  ["authorize", /^\/requests\/([^/]+)\/authorize$/, ["id"]],
  ["decision", /^\/requests\/([^/]+)\/decision$/, ["id"]],
  ["request", /^\/requests\/([^/]+)$/, ["id"]],
  ["inbox", /^\/inbox$/, []],
  ["stacks", /^\/stacks$/, []],
  ["stack", /^\/stacks\/([^/]+)$/, ["name"]],
  ["audit", /^\/audit$/, []],
];

/** matchRoute finds the page for a path (without query); unknown paths are "not-found". */
export function matchRoute(path: string): RouteMatch {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
  for (const [name, pattern, keys] of table) {
    const found = pattern.exec(trimmed);
    if (!found) continue;
    const params: Record<string, string> = {};
    keys.forEach((key, index) => {
      params[key] = decodeURIComponent(found[index + 1]);
    });
    return { name, params };
  }
  return { name: "not-found", params: {} };
}

export const paths = {
  signin: (next?: string) =>
    "/signin" + (next ? "?next=" + encodeURIComponent(next) : ""),
  home: () => "/",
  newRequest: () => "/requests/new",
  request: (id: string) => "/requests/" + encodeURIComponent(id),
  authorize: (id: string) =>
    "/requests/" + encodeURIComponent(id) + "/authorize",
  decision: (id: string, outcome: string) =>
    "/requests/" +
    encodeURIComponent(id) +
    "/decision?outcome=" +
    encodeURIComponent(outcome),
  inbox: () => "/inbox",
  stacks: () => "/stacks",
  stack: (name: string) => "/stacks/" + encodeURIComponent(name),
  audit: () => "/audit",
};

/** safeNext keeps a sign-in's "next" to this app's own paths (no open redirect). */
export function safeNext(next: string | null): string {
  if (
    !next ||
    !next.startsWith("/") ||
    next.startsWith("//") ||
    next.startsWith("/api/")
  ) {
    return "/";
  }
  return next;
}
