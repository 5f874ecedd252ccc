import type { AvailabilitySettings, AvailabilityStatus, TelemetrySample } from "../../../shared/api/index.js";
import type { Logger } from "../runtime/logger.js";
import type { Service } from "../runtime/service.js";
import { systemClock, type Clock } from "../runtime/clock.js";
import { availabilityVerdict, ForeignGpuTracker, type AvailabilityVerdict, type Presence } from "./availability-policy.js";
import { nextScheduleChange } from "./schedule.js";
import type { ServingControl } from "./serving-control.js";

export interface AvailabilityControllerOptions {
  /** Null until a relay miner is connected: the verdict is still computed and shown, nothing is paused. */
  serving: ServingControl | null;
  settings: () => AvailabilitySettings;
  logger: Logger;
  clock?: Clock;
  /** Re-evaluates at least this often (the GPU-in-use memory expiring, a presence sampler that went quiet). */
  tickMs?: number;
  foreignGpu?: ForeignGpuTracker;
}

/**
 * Applies the availability policy to the relay miner: pauses it when the machine should not serve (the user came
 * back, a game holds the GPU, the schedule ended) and resumes it when it should. A pause waits for the end of the
 * current session when that is near, and always drains relays in flight. It only ever resumes what it paused
 * itself, so a relay miner stopped by the user or by an update stays stopped.
 */
export class AvailabilityController implements Service {
  private readonly serving: ServingControl | null;
  private readonly clock: Clock;
  private readonly foreignGpu: ForeignGpuTracker;
  private readonly listeners = new Set<(status: AvailabilityStatus) => void>();
  private presence: Presence | null = null;
  private pausedByUser = false;
  /** True while the current pause is ours to lift. */
  private pausedHere = false;
  private pauseAt: number | null = null;
  private verdict: AvailabilityVerdict = { serve: true, reason: "always" };
  private cancelTimer: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;
  private lastPublished = "";
  private running = false;

  constructor(private readonly options: AvailabilityControllerOptions) {
    this.serving = options.serving;
    this.clock = options.clock ?? systemClock;
    this.foreignGpu = options.foreignGpu ?? new ForeignGpuTracker();
  }

  async start(): Promise<void> {
    this.running = true;
    this.unsubscribe = this.serving?.onChange(() => this.evaluate()) ?? null;
    this.evaluate();
  }

  async dispose(): Promise<void> {
    this.running = false;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.listeners.clear();
  }

  /** The desktop's sampler reports the person at the machine (idle seconds, locked). */
  reportPresence(presence: Presence): void {
    this.presence = presence;
    this.evaluate();
  }

  /** Every telemetry sample, with how many requests this engine was running (its own share of the GPU). */
  observeTelemetry(sample: TelemetrySample, ownActiveRequests: number): void {
    this.foreignGpu.observe(sample, ownActiveRequests, this.options.settings().foreignGpuBusyPercent);
    this.evaluate();
  }

  /** The user's pause (tray, dashboard): immediate, whatever the mode says, until resumeByUser. */
  pauseByUser(): AvailabilityStatus {
    this.pausedByUser = true;
    this.evaluate();
    return this.status();
  }

  resumeByUser(): AvailabilityStatus {
    this.pausedByUser = false;
    this.evaluate();
    return this.status();
  }

  /** Settings changed: decide again now. */
  settingsChanged(): void {
    this.evaluate();
  }

  status(): AvailabilityStatus {
    return {
      mode: this.options.settings().mode,
      wanted: this.verdict.serve,
      reason: this.verdict.reason,
      pausedByUser: this.pausedByUser,
      pauseAt: this.pauseAt,
      serving: this.serving?.state() ?? null,
      relaysInFlight: this.serving?.inFlight() ?? 0,
    };
  }

  onStatus(listener: (status: AvailabilityStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private evaluate(): void {
    if (!this.running) return;
    const now = this.clock.now();
    const settings = this.options.settings();
    this.verdict = this.pausedByUser
      ? { serve: false, reason: "paused_by_user" }
      : availabilityVerdict(settings, { now: new Date(now), presence: this.presence, gpuInUse: this.foreignGpu.inUse(now) });
    if (this.serving) this.apply(now, settings);
    this.armTimer(now, settings);
    this.publish();
  }

  private apply(now: number, settings: AvailabilitySettings): void {
    const serving = this.serving!;
    const state = serving.state();
    if (state === "stopped") {
      // Stopped by someone else (setup not done, the user, the miner itself): not ours to resume later.
      this.pausedHere = false;
      this.pauseAt = null;
      return;
    }
    if (this.verdict.serve) {
      this.pauseAt = null;
      if (state === "paused" && this.pausedHere) {
        this.pausedHere = false;
        this.logger.info("serving resumed", { reason: this.verdict.reason });
        serving.resume().catch((error) => this.logger.warn("could not resume serving", { error }));
      }
      return;
    }
    if (state !== "serving") return;
    if (!this.pausedByUser) {
      if (this.pauseAt === null) {
        const boundary = serving.nextSessionBoundary();
        const waitMs = settings.maxWaitForSessionEndSeconds * 1000;
        if (boundary !== null && boundary > now && boundary - now <= waitMs) this.pauseAt = boundary;
      }
      if (this.pauseAt !== null && now < this.pauseAt) return;
    }
    this.pauseAt = null;
    this.pausedHere = true;
    this.logger.info("pausing serving after relays in flight finish", { reason: this.verdict.reason, inFlight: serving.inFlight() });
    serving.pause({ drain: true }).catch((error) => this.logger.warn("could not pause serving", { error }));
  }

  /** One timer: the pending pause, the next schedule change, or the regular tick, whichever comes first. */
  private armTimer(now: number, settings: AvailabilitySettings): void {
    this.cancelTimer?.();
    let at = now + (this.options.tickMs ?? 30_000);
    if (this.pauseAt !== null) at = Math.min(at, this.pauseAt);
    if (settings.mode === "schedule") {
      const change = nextScheduleChange(settings.schedule, new Date(now));
      if (change !== null) at = Math.min(at, change);
    }
    this.cancelTimer = this.clock.setTimer(at - now, () => {
      this.cancelTimer = null;
      this.evaluate();
    });
  }

  private publish(): void {
    const status = this.status();
    // Relays start and finish many times a second on a busy rig: their count alone is news only while draining.
    const serialized = JSON.stringify({ ...status, relaysInFlight: status.serving === "draining" ? status.relaysInFlight : null });
    if (serialized === this.lastPublished) return;
    this.lastPublished = serialized;
    for (const listener of this.listeners) {
      try {
        listener(status);
      } catch (error) {
        this.logger.warn("availability listener failed", { error });
      }
    }
  }

  private get logger(): Logger {
    return this.options.logger;
  }
}
