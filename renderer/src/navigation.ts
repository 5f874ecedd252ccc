export const PAGES = [
  { id: "setup", label: "Setup" },
  { id: "dashboard", label: "Dashboard" },
  { id: "models", label: "Models" },
  { id: "wallet", label: "Wallet" },
  { id: "staking", label: "Staking" },
  { id: "fleet", label: "Fleet" },
  { id: "settings", label: "Settings" },
  { id: "logs", label: "Logs" },
] as const;

export type PageId = (typeof PAGES)[number]["id"];

export interface Route {
  page: PageId;
  /** The part after the page, e.g. the wizard step in #/setup/wallet; null when absent. */
  sub: string | null;
}

/** #/page or #/page/sub; anything unknown lands on the dashboard. */
export function routeFromHash(hash: string): Route {
  const [id = "", sub] = hash.replace(/^#\/?/, "").split("/");
  const page = PAGES.some((p) => p.id === id) ? (id as PageId) : "dashboard";
  return { page, sub: page === id && sub ? sub : null };
}

export function pageFromHash(hash: string): PageId {
  return routeFromHash(hash).page;
}

export function hrefFor(page: PageId, sub?: string | null): string {
  return sub ? `#/${page}/${sub}` : `#/${page}`;
}

/** Navigates by hash so the browser's back button and reloads keep their place. */
export function navigate(page: PageId, sub?: string | null): void {
  window.location.hash = hrefFor(page, sub);
}
