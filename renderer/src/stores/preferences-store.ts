import { create } from "zustand";
import type { PocketForgeApi } from "../../../shared/api/index.js";
import type { PoktPrice, Preferences } from "../../../shared/api/preferences.js";
import { applyTheme } from "./theme-store.js";

/** Mirror of the person's preferences (kept by the engine) and the POKT price it converts with. */
export interface PreferencesStoreState {
  preferences: Preferences | null;
  price: PoktPrice | null;
  error: string | null;
}

export const usePreferences = create<PreferencesStoreState>(() => ({ preferences: null, price: null, error: null }));

export function applyPreferences(preferences: Preferences): void {
  usePreferences.setState({ preferences, error: null });
  applyTheme(preferences.theme);
}

export function bindPreferences(api: PocketForgeApi): () => void {
  const offs = [api.on("preferences.changed", applyPreferences), api.on("price.changed", (price) => usePreferences.setState({ price }))];
  return () => offs.forEach((off) => off());
}

export async function refreshPreferences(api: PocketForgeApi): Promise<void> {
  try {
    const [preferences, price] = await Promise.all([api.invoke("preferences.get", {}), api.invoke("price.current", {})]);
    applyPreferences(preferences);
    usePreferences.setState({ price });
  } catch (error) {
    usePreferences.setState({ error: (error as Error).message });
  }
}
