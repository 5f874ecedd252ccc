export const PAGES = [
  { id: "setup", label: "Setup" },
  { id: "dashboard", label: "Dashboard" },
  { id: "models", label: "Models" },
  { id: "wallet", label: "Wallet" },
  { id: "staking", label: "Staking" },
  { id: "settings", label: "Settings" },
  { id: "logs", label: "Logs" },
] as const;

export type PageId = (typeof PAGES)[number]["id"];

export function pageFromHash(hash: string): PageId {
  const id = hash.replace(/^#\/?/, "");
  return PAGES.some((p) => p.id === id) ? (id as PageId) : "dashboard";
}
