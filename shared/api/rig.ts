import { z } from "zod";
import { method } from "./define.js";
import { ComputeBackend } from "./hardware.js";
import { InferenceState } from "./inference.js";

/** Rig mode: one inference worker per GPU, each with its own figures. */

export const WorkerDevice = z.object({
  backend: ComputeBackend,
  /** The device index in the backend's own numbering (what CUDA_VISIBLE_DEVICES / GGML_VK_VISIBLE_DEVICES take); null: unpinned. */
  index: z.number().int().nullable(),
  name: z.string().nullable(),
});
export type WorkerDevice = z.infer<typeof WorkerDevice>;

/** Why a worker gets no new requests although its process may be alive. */
export const WorkerHold = z.enum(["overheated", "hung"]);
export type WorkerHold = z.infer<typeof WorkerHold>;

export const WorkerStats = z.object({
  /** Position in the pool, stable for the engine's lifetime. */
  slot: z.number().int(),
  device: WorkerDevice,
  state: InferenceState,
  hold: WorkerHold.nullable(),
  message: z.string().nullable(),
  pid: z.number().int().nullable(),
  activeRequests: z.number().int(),
  queuedRequests: z.number().int(),
  /** Parallel sequences not running a request. */
  freeSequences: z.number().int(),
  /** Restarts after crashes, watchdog restarts included. */
  workerRestarts: z.number().int(),
  watchdogRestarts: z.number().int(),
  requestsServed: z.number().int(),
  tokensGenerated: z.number().int(),
  /** Generation speed of the last finished request. */
  lastTokensPerSecond: z.number().nullable(),
  temperatureC: z.number().nullable(),
  utilizationPercent: z.number().nullable(),
});
export type WorkerStats = z.infer<typeof WorkerStats>;

export const RigStatus = z.object({
  workers: z.array(WorkerStats),
});
export type RigStatus = z.infer<typeof RigStatus>;

export const rigMethods = {
  "rig.workers": method(z.object({}).strict(), RigStatus, "Per-GPU inference workers: state, load, restarts, temperature"),
};

export const rigEvents = {
  "rig.workers": RigStatus,
};
