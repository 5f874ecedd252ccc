import type { Preferences } from "../../../../shared/api/preferences.js";
import type { HandlersFor } from "../../runtime/api-router.js";
import type { PreferencesStore, PriceFeed } from "../preferences.js";

export function createPreferencesHandlers(deps: {
  store: PreferencesStore;
  price: PriceFeed;
  /** Told after every saved change (the event to every window, the price feed's new source or currency). */
  onChanged: (preferences: Preferences) => void;
}): HandlersFor<"preferences.get" | "preferences.update" | "price.current"> {
  return {
    "preferences.get": () => deps.store.get(),
    "preferences.update": async (patch) => {
      const saved = deps.store.update(patch);
      deps.onChanged(saved);
      await deps.price.refresh();
      return saved;
    },
    "price.current": () => deps.price.current(),
  };
}
