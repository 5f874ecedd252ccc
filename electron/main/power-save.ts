import type * as Electron from "electron";
import type { ServingControl } from "../core/serving/serving-control.js";

export type PowerSaveModule = Pick<typeof Electron, "powerSaveBlocker">;

/**
 * Keeps the system from sleeping while relays are served (or still being answered); the display may sleep.
 * Released as soon as serving pauses or stops, so an idle PC can still go to sleep.
 */
export function keepAwakeWhileServing(electron: PowerSaveModule, serving: ServingControl): () => void {
  const { powerSaveBlocker } = electron;
  let blocker: number | null = null;
  const apply = () => {
    const state = serving.state();
    const needed = state === "serving" || state === "draining";
    if (needed && blocker === null) blocker = powerSaveBlocker.start("prevent-app-suspension");
    else if (!needed && blocker !== null) {
      powerSaveBlocker.stop(blocker);
      blocker = null;
    }
  };
  const unsubscribe = serving.onChange(apply);
  apply();
  return () => {
    unsubscribe();
    if (blocker !== null) powerSaveBlocker.stop(blocker);
    blocker = null;
  };
}
