import type * as Electron from "electron";
import type { AvailabilityController } from "../core/serving/availability-controller.js";
import type { Clock } from "../core/runtime/clock.js";

export type PowerMonitorModule = Pick<typeof Electron, "powerMonitor">;

export interface PresenceSamplerOptions {
  electron: PowerMonitorModule;
  availability: AvailabilityController;
  clock: Clock;
  /** Only idle mode looks at presence; sampling is skipped in the other modes. */
  idleModeOn: () => boolean;
  idleAfterSeconds: () => number;
  intervalMs?: number;
}

/**
 * Reports the person at the machine to the availability controller: seconds since the last input, and whether
 * the session is locked. Samples on a timer, and at once when the screen locks or unlocks or the system resumes.
 */
export function startPresenceSampler(options: PresenceSamplerOptions): () => void {
  const { powerMonitor } = options.electron;
  let cancel: (() => void) | null = null;
  let stopped = false;
  const sample = () => {
    if (!options.idleModeOn()) return;
    const idleSeconds = powerMonitor.getSystemIdleTime();
    const locked = powerMonitor.getSystemIdleState(options.idleAfterSeconds()) === "locked";
    options.availability.reportPresence({ idleSeconds, locked });
  };
  const tick = () => {
    sample();
    if (!stopped) cancel = options.clock.setTimer(options.intervalMs ?? 5_000, tick);
  };
  const events = ["lock-screen", "unlock-screen", "resume", "user-did-become-active", "user-did-resign-active"] as const;
  for (const event of events) powerMonitor.on(event as "lock-screen", sample);
  tick();
  return () => {
    stopped = true;
    cancel?.();
    for (const event of events) powerMonitor.removeListener(event as "lock-screen", sample);
  };
}
