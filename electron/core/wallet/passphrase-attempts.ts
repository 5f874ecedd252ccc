import { ApiError } from "../../../shared/api/index.js";
import type { Logger } from "../runtime/logger.js";

/** Waits imposed after consecutive wrong passphrases: none for the first typo, then doubling up to a minute. */
export const DEFAULT_PASSPHRASE_DELAYS_MS = [0, 0, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000] as const;

/**
 * Slows passphrase guessing down and makes it visible: after consecutive failures the next attempt is refused until a
 * growing delay has passed (without spending a key derivation on it), and every failure is logged, never with what
 * was typed. A right passphrase clears the count.
 */
export class PassphraseAttempts {
  private failures = 0;
  private lastFailureAt = 0;
  /** Attempts run one after another: sent in parallel, they would all pass the wait before any had failed. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly delaysMs: readonly number[] = DEFAULT_PASSPHRASE_DELAYS_MS,
  ) {}

  /** Milliseconds until the next attempt is allowed (0: now). */
  waitMs(): number {
    const delay = this.delaysMs[Math.min(this.failures, this.delaysMs.length - 1)] ?? 0;
    return Math.max(0, this.lastFailureAt + delay - this.now());
  }

  /** Runs `check` unless attempts are held back; counts a wrong passphrase (ApiError "wrong_passphrase"). */
  attempt<T>(purpose: string, check: () => Promise<T>): Promise<T> {
    const turn = this.queue.then(() => this.attemptNow(purpose, check));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async attemptNow<T>(purpose: string, check: () => Promise<T>): Promise<T> {
    const wait = this.waitMs();
    if (wait > 0) {
      throw new ApiError("wrong_passphrase", `Too many wrong passphrases: try again in ${Math.ceil(wait / 1000)} s`, {
        reason: "throttled",
        retryAfterMs: wait,
      });
    }
    try {
      const result = await check();
      this.failures = 0;
      return result;
    } catch (error) {
      if (error instanceof ApiError && error.code === "wrong_passphrase") {
        this.failures++;
        this.lastFailureAt = this.now();
        this.logger.warn("wrong wallet passphrase", { purpose, consecutiveFailures: this.failures, nextAttemptInMs: this.waitMs() });
      }
      throw error;
    }
  }
}
