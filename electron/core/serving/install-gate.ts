import type { Logger } from "../runtime/logger.js";
import { systemClock, type Clock } from "../runtime/clock.js";
import { whenServing, type ServingControl } from "./serving-control.js";

export interface SafeMoment {
  /** True when the gate paused serving itself (a failed install should resume it). */
  pausedServing: boolean;
}

/**
 * Decides when restarting the app (to install an update) interrupts nobody: when serving is paused or stopped with
 * no relay in flight, or else at the end of the current session, after pausing and draining the relays in flight.
 */
export class InstallGate {
  private readonly clock: Clock;

  constructor(
    private readonly serving: ServingControl | null,
    private readonly logger: Logger,
    clock?: Clock,
  ) {
    this.clock = clock ?? systemClock;
  }

  async waitForSafeMoment(signal?: AbortSignal): Promise<SafeMoment> {
    const serving = this.serving;
    if (!serving) return { pausedServing: false };
    for (;;) {
      signal?.throwIfAborted();
      const state = serving.state();
      if (state !== "serving") {
        if ((state === "paused" || state === "stopped") && serving.inFlight() === 0) return { pausedServing: false };
        // Draining (someone else's pause), or paused with answers still going out: wait for that to settle.
        await whenServing(serving, (s) => s.state() !== state || s.inFlight() === 0, signal);
        continue;
      }
      const boundary = serving.nextSessionBoundary();
      const now = this.clock.now();
      if (boundary !== null && boundary > now) {
        this.logger.info("update waits for the end of the session", { inMs: boundary - now });
        await this.until(boundary, serving, signal);
        // Serving was paused or stopped meanwhile (idle mode, the user): that is a safe moment too, look again.
        if (serving.state() !== "serving") continue;
        if (this.clock.now() < boundary) continue;
      }
      this.logger.info("pausing serving to install an update", { inFlight: serving.inFlight() });
      await serving.pause({ drain: true });
      await whenServing(serving, (s) => s.inFlight() === 0, signal);
      return { pausedServing: true };
    }
  }

  /** Resolves at `at`, or earlier when serving stops being "serving". */
  private until(at: number, serving: ServingControl, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (error?: unknown) => {
        cancel();
        unsubscribe();
        signal?.removeEventListener("abort", onAbort);
        if (error) reject(error);
        else resolve();
      };
      const onAbort = () => done(signal!.reason ?? new Error("aborted"));
      const cancel = this.clock.setTimer(at - this.clock.now(), () => done());
      const unsubscribe = serving.onChange(() => {
        if (serving.state() !== "serving") done();
      });
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}
