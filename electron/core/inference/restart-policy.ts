/** How the service brings a crashed worker back, and when it stops trying. */
export interface RestartPolicy {
  /** Wait before the first restart after a quiet period; doubled for each further crash in the window. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** More crashes than this within `windowMs` means the model or machine is broken: stop and report an error. */
  maxCrashes: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  maxCrashes: 5,
  windowMs: 60_000,
};

export type CrashVerdict = { giveUp: true; recentCrashes: number } | { giveUp: false; recentCrashes: number; delayMs: number };

/** Counts crashes in a sliding window and turns them into a backoff delay or a verdict to give up. */
export class CrashTracker {
  private crashes: number[] = [];

  constructor(
    private readonly policy: RestartPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  record(): CrashVerdict {
    const now = this.now();
    this.crashes = this.crashes.filter((at) => now - at < this.policy.windowMs);
    this.crashes.push(now);
    const recentCrashes = this.crashes.length;
    if (recentCrashes > this.policy.maxCrashes) return { giveUp: true, recentCrashes };
    const delayMs = Math.min(this.policy.maxDelayMs, this.policy.initialDelayMs * 2 ** (recentCrashes - 1));
    return { giveUp: false, recentCrashes, delayMs };
  }

  reset(): void {
    this.crashes = [];
  }
}
