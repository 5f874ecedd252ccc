// The inference room's public surface for the rest of the engine (main-process side; node-llama-cpp stays in the
// worker). Production builds an InferencePool of WorkerSupervisors (one worker process each) and serves the
// OpenAI-compatible endpoint from the pool. node-llama-cpp itself (llama/llama-engine.ts) is imported only by the
// worker and benchmarks; the GPU check at start runs in a worker too (compute-probe.ts).
export { InferencePool, type InferencePoolOptions } from "./pool/inference-pool.js";
export { PinnedWorkerLauncher, deviceEnvironment, planWorkerDevices } from "./pool/devices.js";
export { WorkerSupervisor, type LoadTuning, type WorkerSupervisorOptions } from "./worker-supervisor.js";
export type { ChatRequest, CompletionRequest, RequestOptions, StatusListener, TokenListener } from "./types.js";
export { ForkWorkerLauncher, resolveWorkerScript } from "./worker-launcher.js";
export {
  ComputeProbeError,
  DEFAULT_COMPUTE_PROBE_TIMEOUT_MS,
  probeComputeInWorker,
  type ComputeProbeFailure,
  type ComputeProbeOptions,
} from "./compute-probe.js";
export type { WorkerHandle, WorkerLauncher } from "./worker-launcher.js";
export { DEFAULT_RESTART_POLICY, type RestartPolicy } from "./restart-policy.js";
export {
  ContextOverflowError,
  NoModelLoadedError,
  QueueFullError,
  WorkerCrashedError,
  failureOf,
  type InferenceFailure,
} from "./errors.js";
export { defaultThreads } from "./defaults.js";
export {
  DEFAULT_REQUEST_TOKENS,
  RequestObserver,
  reserveContext,
  type ObservedRequests,
  type Reservation,
  type ReservationInput,
} from "./reservation.js";
export type { ComputeProbeResult, EngineLoadOptions, FinishReason, GenerationResult, SamplingOptions } from "./types.js";
export { createOpenAiHandler, DEFAULT_MAX_BODY_BYTES } from "./openai/handler.js";
export type { OpenAiBackend, OpenAiHandlerOptions, RequestHandler } from "./openai/handler.js";
export { OpenAiServer, DEFAULT_OPENAI_HOST, DEFAULT_OPENAI_PORT } from "./openai/server.js";
export type { OpenAiServerOptions } from "./openai/server.js";
