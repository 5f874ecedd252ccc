import { PageRoute } from "../../shared/api/index.js";

/** The app's URL scheme: pocketforge://wallet opens the wallet page (links from docs, notifications, scripts). */
export const DEEP_LINK_SCHEME = "pocketforge";

/**
 * The page a pocketforge:// link opens, or null for anything else. Both `pocketforge://wallet` and
 * `pocketforge:///wallet` (what some launchers produce) name the wallet page; unknown pages are refused rather than
 * guessed.
 */
export function routeFromDeepLink(url: string): PageRoute | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${DEEP_LINK_SCHEME}:`) return null;
  const name = (parsed.host || parsed.pathname.replace(/^\/+/, "")).replace(/\/+$/, "").toLowerCase();
  const route = PageRoute.safeParse(name);
  return route.success ? route.data : null;
}

/** Windows and Linux hand a deep link to the app as a command-line argument (first or second instance). */
export function deepLinkInArgv(argv: readonly string[]): PageRoute | null {
  for (const arg of argv) {
    if (!arg.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`)) continue;
    const route = routeFromDeepLink(arg);
    if (route) return route;
  }
  return null;
}
