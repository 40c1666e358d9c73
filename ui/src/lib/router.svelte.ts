// The current page, from the address bar; navigate() changes it without a
// reload. Links are ordinary <a href> elements: App intercepts clicks on
// same-origin links (so they also work opened in a new tab).
import { matchRoute, type RouteMatch } from "./routes";

class Router {
  path = $state(window.location.pathname);
  search = $state(window.location.search);
  match: RouteMatch = $derived(matchRoute(this.path));
  query: URLSearchParams = $derived(new URLSearchParams(this.search));

  constructor() {
    window.addEventListener("popstate", () => this.sync());
  }

  private sync() {
    this.path = window.location.pathname;
    this.search = window.location.search;
  }

  navigate(to: string, options: { replace?: boolean } = {}) {
    if (options.replace) window.history.replaceState(null, "", to);
    else window.history.pushState(null, "", to);
    this.sync();
    window.scrollTo(0, 0);
  }
}

export const router = new Router();

/** interceptLinks makes clicks on this app's links navigate without a reload. */
export function interceptLinks(event: MouseEvent) {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = (event.target as Element | null)?.closest?.("a");
  if (!anchor || anchor.target || anchor.hasAttribute("download")) return;
  const url = new URL(anchor.href, window.location.href);
  if (url.origin !== window.location.origin || url.pathname.startsWith("/api/"))
    return;
  event.preventDefault();
  router.navigate(url.pathname + url.search);
}
