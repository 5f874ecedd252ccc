import type { AvailabilityReason, AvailabilitySettings, TelemetrySample } from "../../../shared/api/index.js";
import { isScheduled } from "./schedule.js";

/** What the desktop knows about the person at the machine; headless engines have none. */
export interface Presence {
  /** Seconds since the last keyboard or mouse input (Electron's powerMonitor.getSystemIdleTime). */
  idleSeconds: number;
  /** The session is locked: away, whatever the idle time says. */
  locked: boolean;
}

export interface AvailabilityInputs {
  now: Date;
  /** Null when no presence sampler runs (headless rigs). */
  presence: Presence | null;
  /** Another program has been using the GPU recently (see ForeignGpuTracker). */
  gpuInUse: boolean;
}

export interface AvailabilityVerdict {
  serve: boolean;
  reason: AvailabilityReason;
}

/** The availability policy: whether the machine should be serving right now, and the reason to show. */
export function availabilityVerdict(settings: AvailabilitySettings, inputs: AvailabilityInputs): AvailabilityVerdict {
  switch (settings.mode) {
    case "always":
      return { serve: true, reason: "always" };
    case "schedule":
      return isScheduled(settings.schedule, inputs.now)
        ? { serve: true, reason: "in_schedule" }
        : { serve: false, reason: "outside_schedule" };
    case "idle": {
      // A game with a controller, or a render left running, keeps the GPU busy without any keyboard input.
      if (inputs.gpuInUse) return { serve: false, reason: "gpu_in_use" };
      const { presence } = inputs;
      if (!presence) return { serve: true, reason: "no_user_session" };
      if (presence.locked || presence.idleSeconds >= settings.idleAfterSeconds) return { serve: true, reason: "user_away" };
      return { serve: false, reason: "user_active" };
    }
  }
}

/**
 * Tells whether another program is using the GPU. Telemetry reports total utilisation, ours included, so only
 * samples taken while this engine generates nothing can be attributed; a busy reading is then remembered for
 * `quietMs` so that pausing (which makes our own share zero) does not immediately look like "free again".
 */
export class ForeignGpuTracker {
  private lastBusyAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly quietMs = 120_000) {}

  observe(sample: TelemetrySample, ownActiveRequests: number, thresholdPercent: number): void {
    if (ownActiveRequests > 0) return;
    const busy = sample.gpus.some((gpu) => (gpu.utilizationPercent ?? 0) >= thresholdPercent);
    if (busy) this.lastBusyAt = sample.time;
  }

  inUse(now: number): boolean {
    return now - this.lastBusyAt < this.quietMs;
  }
}
