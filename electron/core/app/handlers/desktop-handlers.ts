import type { AppSettings } from "../../../../shared/api/index.js";
import type { AvailabilityController } from "../../serving/availability-controller.js";
import type { AlertCenter } from "../../runtime/alerts.js";
import type { HandlersFor } from "../../runtime/api-router.js";
import type { ConfigStore } from "../config.js";

/** The settings sections of config.json the API may read and replace. */
export function appSettingsOf(config: ReturnType<ConfigStore["get"]>): AppSettings {
  return { availability: config.availability, desktop: config.desktop, updates: config.updates, rig: config.rig };
}

export function createDesktopHandlers(deps: {
  config: ConfigStore;
  availability: AvailabilityController;
  alerts: AlertCenter;
  /** Told after every saved change (live settings, the desktop shell's login item and update channel). */
  onSettingsChanged: (settings: AppSettings) => void;
}): HandlersFor<
  "settings.get" | "settings.update" | "availability.status" | "availability.pause" | "availability.resume" | "alerts.recent"
> {
  const { config, availability, alerts } = deps;
  return {
    "settings.get": () => appSettingsOf(config.get()),
    "settings.update": (params) => {
      const saved = config.update((draft) => {
        if (params.availability) draft.availability = params.availability;
        if (params.desktop) draft.desktop = params.desktop;
        if (params.updates) draft.updates = params.updates;
        if (params.rig) draft.rig = params.rig;
      });
      const settings = appSettingsOf(saved);
      deps.onSettingsChanged(settings);
      return settings;
    },
    "availability.status": () => availability.status(),
    "availability.pause": () => availability.pauseByUser(),
    "availability.resume": () => availability.resumeByUser(),
    "alerts.recent": () => alerts.recent(),
  };
}
