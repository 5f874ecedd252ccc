import type { ServingState } from "../../../shared/api/index.js";

export type { ServingState };

/**
 * What the desktop shell, idle mode and the updater need from whatever accepts relays (the relay miner): pause and
 * resume it, and know when pausing costs nothing (no relay in flight, a session just ended). Kept this small so
 * each of them can be tested against a fake and the relay miner needs only a thin adapter.
 */
export interface ServingControl {
  state(): ServingState;
  /** Relays accepted and not yet answered. */
  inFlight(): number;
  /** When the current session ends (epoch ms): the moment a pause loses nothing. Null when not serving or unknown. */
  nextSessionBoundary(): number | null;
  /**
   * Stops accepting relays. With `drain`, resolves once every relay in flight is answered ("draining" until then);
   * without it, relays in flight are abandoned.
   */
  pause(options: { drain: boolean }): Promise<void>;
  /** Accepts relays again after a pause; does nothing unless paused. */
  resume(): Promise<void>;
  /** Called after any change of state, in-flight count or session boundary; returns an unsubscribe. */
  onChange(listener: () => void): () => void;
}

/** Resolves the first time `predicate` holds (checked now and after every change); rejects when `signal` aborts. */
export function whenServing(
  serving: ServingControl,
  predicate: (serving: ServingControl) => boolean,
  signal?: AbortSignal,
): Promise<void> {
  if (predicate(serving)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const finish = (error?: unknown) => {
      unsubscribe();
      signal?.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => finish(signal!.reason ?? new Error("aborted"));
    const unsubscribe = serving.onChange(() => {
      if (predicate(serving)) finish();
    });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
}
