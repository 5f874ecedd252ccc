import type { ComputeBackend } from "../../../shared/api/index.js";

/**
 * Which backend node-llama-cpp uses on this machine and what it sees. The hardware room never loads node-llama-cpp
 * itself (a GPU driver that crashes would take the process with it): the composition root passes a probe that asks
 * a worker process (inference/compute-probe.ts), and tests and rig mode may pass their own.
 */
export interface ComputeFacts {
  backend: ComputeBackend;
  deviceNames: string[];
  vramTotalBytes: number | null;
}

/** What the engine assumes when the probe crashed, hung or failed: models run on the CPU. */
export function cpuOnly(): ComputeFacts {
  return { backend: "cpu", deviceNames: [], vramTotalBytes: null };
}
