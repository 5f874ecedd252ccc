import type { AppSettings } from "../../../../shared/api/index.js";
import type { AlertCenter } from "../../runtime/alerts.js";
import type { HandlersFor } from "../../runtime/api-router.js";
import type { ConfigStore } from "../config.js";

/** The settings sections of config.json the API may read and replace. */
export function appSettingsOf(config: ReturnType<ConfigStore["get"]>): AppSettings {
  // The update feed stays out of the API (config.json only): the renderer neither sees nor replaces it here.
  const { channel, automatic } = config.updates;
  return { availability: config.availability, desktop: config.desktop, updates: { channel, automatic }, rig: config.rig };
}

/** The settings sections of config.json, and the alerts the engine raised (both belong to the app as a whole). */
export function createSettingsHandlers(deps: {
  config: ConfigStore;
  alerts: AlertCenter;
  /** Told after every saved change (live settings, the desktop shell's login item and update channel). */
  onSettingsChanged: (settings: AppSettings) => void;
}): HandlersFor<"settings.get" | "settings.update" | "alerts.recent"> {
  const { config, alerts } = deps;
  return {
    "settings.get": () => appSettingsOf(config.get()),
    "settings.update": (params) => {
      const saved = config.update((draft) => {
        if (params.availability) draft.availability = params.availability;
        if (params.desktop) draft.desktop = params.desktop;
        if (params.updates) draft.updates = { ...params.updates, feedUrl: draft.updates.feedUrl };
        if (params.rig) draft.rig = params.rig;
      });
      const settings = appSettingsOf(saved);
      deps.onSettingsChanged(settings);
      return settings;
    },
    "alerts.recent": () => alerts.recent(),
  };
}
