import { availableParallelism } from "node:os";

/**
 * Evaluation threads when the caller does not choose: all logical CPUs but one. llama.cpp's threads meet at a
 * barrier after every step, so one thread descheduled by the app's own work (HTTP, relay mining, UI) stalls them
 * all; on a 2-core machine two threads run dozens of times slower than one under such load.
 */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

export const DEFAULT_PARALLEL_SEQUENCES = 4;

/** Per-sequence context bounds used when the caller gives none; the engine fits within them by free memory. */
export const DEFAULT_CONTEXT_MIN = 1024;
export const DEFAULT_CONTEXT_MAX = 4096;
