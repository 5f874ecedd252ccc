// The GPU check at start, out of the main process: node-llama-cpp loads its prebuilt llama.cpp binaries (CUDA, Vulkan,
// Metal) and talks to the driver, and a driver that crashes would otherwise end the app. It runs in an inference
// worker of its own (the same script and launcher as the workers that load models, so an Electron utility process
// on the desktop), answers one `probe` call and exits; a crash or a hang becomes a ComputeProbeError instead.
import type { Logger } from "../runtime/logger.js";
import { WorkerCrashedError } from "./errors.js";
import type { ComputeProbeResult } from "./types.js";
import { EngineWorker } from "./worker/engine-worker.js";
import { resolveWorkerScript, type WorkerHandle, type WorkerLauncher } from "./worker-launcher.js";

/**
 * How long the check may take. Loading a GPU build includes node-llama-cpp's own test of the binary in another
 * process, and a fallback to the next backend when it fails: seconds, rarely more; a driver that hangs takes for ever.
 */
export const DEFAULT_COMPUTE_PROBE_TIMEOUT_MS = 60_000;

export interface ComputeProbeOptions {
  launcher: WorkerLauncher;
  /** Receives what llama.cpp logs while it looks (driver warnings, a backend that failed its test). */
  logger: Logger;
  /** The worker entry; found beside this code by default (see resolveWorkerScript). */
  workerScript?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export type ComputeProbeFailure = "crashed" | "timeout" | "failed";

/** The check did not answer; `message` says why in words a person can act on, `reason` says it for code. */
export class ComputeProbeError extends Error {
  constructor(
    message: string,
    readonly reason: ComputeProbeFailure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ComputeProbeError";
  }
}

/** Runs the GPU check in a short-lived worker process; rejects with ComputeProbeError if it crashes, fails or hangs. */
export async function probeComputeInWorker(options: ComputeProbeOptions): Promise<ComputeProbeResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_COMPUTE_PROBE_TIMEOUT_MS;
  // The process is killed on a timeout even when it never got as far as saying it is ready.
  const spawned: WorkerHandle[] = [];
  const launcher: WorkerLauncher = {
    spawn: (scriptPath, env) => {
      const handle = options.launcher.spawn(scriptPath, env);
      spawned.push(handle);
      return handle;
    },
  };
  let worker: EngineWorker | undefined;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ComputeProbeError(`the GPU check did not answer within ${Math.round(timeoutMs / 100) / 10} s and was stopped`, "timeout")),
      timeoutMs,
    );
  });
  const probe = async () => {
    const script = options.workerScript ?? resolveWorkerScript();
    worker = await EngineWorker.start(launcher, script, { ...(options.env ?? process.env) }, options.logger);
    return worker.probe();
  };
  let answered = false;
  try {
    const result = await Promise.race([probe(), timedOut]);
    answered = true;
    return result;
  } catch (error) {
    if (error instanceof ComputeProbeError) throw error;
    if (error instanceof WorkerCrashedError) {
      const how = error.signal ? `signal ${error.signal}` : `exit code ${error.exitCode ?? "unknown"}`;
      throw new ComputeProbeError(`the GPU check's process crashed (${how}) before it answered`, "crashed", { cause: error });
    }
    throw new ComputeProbeError(`the GPU check failed: ${error instanceof Error ? error.message : String(error)}`, "failed", { cause: error });
  } finally {
    clearTimeout(timer);
    // After an answer the worker frees llama.cpp and exits; after a failure it is ended at once.
    if (answered && worker) await worker.stop();
    else for (const handle of spawned) handle.kill();
  }
}
