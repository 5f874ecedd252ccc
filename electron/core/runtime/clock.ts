/**
 * Time as the engine's timing logic sees it: the real clock in production, a hand-driven one in tests (so tests
 * advance time instead of sleeping).
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `callback` once after `ms`; returns a function that cancels it. */
  setTimer(ms: number, callback: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, callback) {
    const timer = setTimeout(callback, Math.max(0, ms));
    // A pending pause or install must never keep a quitting process alive.
    timer.unref();
    return () => clearTimeout(timer);
  },
};
