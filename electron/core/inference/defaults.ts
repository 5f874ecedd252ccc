import { availableParallelism } from "node:os";

/** CPU threads for a model whose every layer runs on a GPU: the CPU only feeds it, and rigs run one worker per GPU. */
export const OFFLOADED_THREADS = 2;

/**
 * Evaluation threads when the caller does not choose (before the model benchmark has measured the best count): all
 * logical CPUs but one. llama.cpp's threads meet at a barrier after every step, so one thread descheduled by the
 * app's own work (HTTP, relay mining, UI) stalls them all; on a 2-core machine two threads run dozens of times slower
 * than one under such load. A model that runs wholly on a GPU gets few CPU threads (OFFLOADED_THREADS): a rig's
 * workers, one per GPU, would otherwise each claim every core.
 */
export function defaultThreads(options: { offloaded?: boolean } = {}): number {
  const cpu = Math.max(1, availableParallelism() - 1);
  return options.offloaded ? Math.min(OFFLOADED_THREADS, cpu) : cpu;
}
