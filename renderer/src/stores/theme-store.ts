import { create } from "zustand";

export type ThemePreference = "system" | "light" | "dark";

/** The theme the person chose (saved by the engine with the other preferences) and what it resolves to now. */
export interface ThemeState {
  preference: ThemePreference;
  resolved: "light" | "dark";
}

export const useTheme = create<ThemeState>(() => ({ preference: "system", resolved: "light" }));

/** "system" follows the OS; a chosen theme wins over it. */
export function resolveTheme(preference: ThemePreference, systemDark: boolean): "light" | "dark" {
  return preference === "system" ? (systemDark ? "dark" : "light") : preference;
}

let media: MediaQueryList | null = null;

/** Applies the preference to the document (data-theme drives the CSS variables) and keeps following the OS. */
export function applyTheme(preference: ThemePreference): void {
  if (typeof window === "undefined") return;
  media ??= window.matchMedia("(prefers-color-scheme: dark)");
  const root = document.documentElement;
  if (preference === "system") root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", preference);
  useTheme.setState({ preference, resolved: resolveTheme(preference, media.matches) });
}

/** Re-resolves when the OS switches between light and dark while the preference is "system". */
export function followSystemTheme(): () => void {
  if (typeof window === "undefined") return () => {};
  media ??= window.matchMedia("(prefers-color-scheme: dark)");
  const onChange = () => applyTheme(useTheme.getState().preference);
  media.addEventListener("change", onChange);
  onChange();
  return () => media?.removeEventListener("change", onChange);
}
