import { create } from "zustand";
import type { Alert, AppSettings, AvailabilityStatus, PocketForgeApi } from "../../../shared/api/index.js";

/** Mirror of the desktop domain: saved settings, whether the machine should serve now, and alerts. */
export interface SettingsStoreState {
  settings: AppSettings | null;
  availability: AvailabilityStatus | null;
  alerts: Alert[];
  error: string | null;
}

const ALERTS_KEEP = 50;

export const useSettings = create<SettingsStoreState>(() => ({ settings: null, availability: null, alerts: [], error: null }));

export function bindSettings(api: PocketForgeApi): () => void {
  const offs = [
    api.on("settings.changed", (settings) => useSettings.setState({ settings })),
    api.on("availability.status", (availability) => useSettings.setState({ availability })),
    api.on("alerts.raised", (alert) => useSettings.setState((s) => ({ alerts: [...s.alerts, alert].slice(-ALERTS_KEEP) }))),
  ];
  return () => offs.forEach((off) => off());
}

export async function refreshSettings(api: PocketForgeApi): Promise<void> {
  try {
    const [settings, availability, alerts] = await Promise.all([
      api.invoke("settings.get", {}),
      api.invoke("availability.status", {}),
      api.invoke("alerts.recent", {}),
    ]);
    useSettings.setState({ settings, availability, alerts: alerts.slice(-ALERTS_KEEP), error: null });
  } catch (error) {
    useSettings.setState({ error: (error as Error).message });
  }
}
