import {
  ApiError,
  type ChatMessage,
  type ChatResult,
  type InferenceState,
  type InferenceStatus,
  type LoadedModel,
  type LoadParams,
} from "../../../shared/api/index.js";
import type { Logger } from "../runtime/logger.js";
import type { Service } from "../runtime/service.js";
import { NoModelLoadedError, QueueFullError, WorkerCrashedError } from "./errors.js";
import { CrashTracker, DEFAULT_RESTART_POLICY, type RestartPolicy } from "./restart-policy.js";
import type {
  ChatRequest,
  CompletionRequest,
  EngineLoadOptions,
  GenerationRequest,
  GenerationResult,
  RequestOptions,
  StatusListener,
  TokenListener,
} from "./types.js";
import { EngineWorker, type WorkerExit } from "./worker/engine-worker.js";
import { ForkWorkerLauncher, resolveWorkerScript, type WorkerLauncher } from "./worker-launcher.js";

export interface WorkerSupervisorOptions {
  logger: Logger;
  /** How the worker process is started; child_process.fork by default, Electron passes a utilityProcess one. */
  launcher?: WorkerLauncher;
  /** The worker entry; found beside this code by default (see resolveWorkerScript). */
  workerScript?: string;
  /** Load settings used when a load call leaves them out. */
  defaults?: Partial<Omit<EngineLoadOptions, "modelPath">>;
  /**
   * Settings measured or planned for this model on this machine (benchmarked threads, the KV cache's memory budget,
   * the request sizes and concurrency the service sees), asked at every load; they fill what the load call leaves
   * out and win over `defaults`.
   */
  tune?: (modelPath: string) => Promise<LoadTuning> | LoadTuning;
  /** Requests allowed to wait for a free sequence; one more is refused with QueueFullError. */
  queueLimit?: number;
  /** What a refused caller is told to wait before retrying. */
  retryAfterSeconds?: number;
  restart?: Partial<RestartPolicy>;
}

export type LoadTuning = Partial<Omit<EngineLoadOptions, "modelPath" | "gpuLayers">>;

const DEFAULT_QUEUE_LIMIT = 32;

interface Job {
  requestId: string;
  request: GenerationRequest;
  onToken?: TokenListener;
  acceptedAt: number;
  startedAt: number | null;
  cancelled: boolean;
  cancelRunning?: () => void;
  resolve(result: GenerationResult): void;
  reject(error: unknown): void;
}

/**
 * One inference worker's supervisor: loads a model into a worker process, runs requests on the
 * context's parallel sequences with a bounded waiting line behind them, and brings a crashed worker back with the
 * same model. Main-process code only; node-llama-cpp itself lives in the worker.
 */
export class WorkerSupervisor implements Service {
  private readonly logger: Logger;
  private readonly launcher: WorkerLauncher;
  private readonly queueLimit: number;
  private readonly retryAfterSeconds: number;
  private readonly restartPolicy: RestartPolicy;
  private readonly crashes: CrashTracker;
  private workerScript: string | undefined;

  private state: InferenceState = "idle";
  private message: string | null = null;
  private model: LoadedModel | null = null;
  private workerRestarts = 0;
  /** The load to restore after a crash; null when no model should be loaded. */
  private desired: EngineLoadOptions | null = null;
  /** What the caller of the last successful load asked for (before tuning and defaults). */
  private requested: LoadParams | null = null;
  /** Bumped by every load/unload so a restart scheduled for an older model does nothing. */
  private epoch = 0;
  private worker: EngineWorker | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private lifecycle: Promise<unknown> = Promise.resolve();
  private disposed = false;

  private readonly active = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private readonly statusListeners = new Set<StatusListener>();

  constructor(private readonly options: WorkerSupervisorOptions) {
    this.logger = options.logger;
    this.launcher = options.launcher ?? new ForkWorkerLauncher();
    this.workerScript = options.workerScript;
    this.queueLimit = options.queueLimit ?? DEFAULT_QUEUE_LIMIT;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
    this.restartPolicy = { ...DEFAULT_RESTART_POLICY, ...options.restart };
    this.crashes = new CrashTracker(this.restartPolicy);
  }

  /** Nothing to start: the worker process starts with the first load. */
  async start(): Promise<void> {}

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.epoch++;
    this.clearRestartTimer();
    this.endAllRequests(new ApiError("unavailable", "The inference engine is shutting down", { reason: "shutting_down" }));
    // Not queued behind a load in progress: quitting must not wait for a large model to finish loading.
    const worker = this.worker;
    this.worker = null;
    await worker?.stop();
    this.model = null;
    this.desired = null;
    this.setState("idle", null);
    this.statusListeners.clear();
  }

  status(): InferenceStatus {
    return {
      state: this.state,
      model: this.model,
      message: this.message,
      // One worker serves no endpoint of its own: the pool hosts the OpenAI server over every worker.
      endpoint: null,
      activeRequests: this.active.size,
      queuedRequests: this.queue.length,
      workerRestarts: this.workerRestarts,
    };
  }

  /** Called with a fresh snapshot on every change (state, model, request counts); returns an unsubscribe. */
  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /**
   * Resolves with the first status (the current one included) that satisfies `predicate`, e.g. "ready again" after
   * a crash; rejects after `timeoutMs`.
   */
  waitForStatus(predicate: (status: InferenceStatus) => boolean, timeoutMs = 30_000): Promise<InferenceStatus> {
    const now = this.status();
    if (predicate(now)) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new ApiError("unavailable", `Inference status did not reach the awaited condition within ${timeoutMs} ms`, { status: this.status() }));
      }, timeoutMs);
      const unsubscribe = this.onStatus((status) => {
        if (!predicate(status)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(status);
      });
    });
  }

  /** The worker's OS process id, for diagnostics (and tests that kill it). */
  get workerPid(): number | null {
    return this.worker?.alive ? (this.worker.pid ?? null) : null;
  }

  /** Loads a model, replacing the current one: running requests end as cancelled, waiting ones are refused. */
  load(params: LoadParams): Promise<InferenceStatus> {
    this.ensureNotDisposed();
    return this.exclusive(async () => {
      this.epoch++;
      this.clearRestartTimer();
      this.desired = null;
      this.crashes.reset();
      this.endAllRequests(new ApiError("unavailable", "The model was replaced before this request ran", { reason: "model_replaced" }));
      this.model = null;
      this.setState("loading", null);
      let options: EngineLoadOptions = { modelPath: params.modelPath };
      try {
        options = await this.loadOptions(params);
        const worker = await this.ensureWorker();
        this.model = await worker.load(options);
      } catch (error) {
        const apiError = ApiError.from(error);
        this.setState("error", `Could not load ${params.modelPath}: ${apiError.message}`);
        this.rejectQueued(apiError);
        throw apiError;
      }
      this.desired = options;
      this.requested = { ...params };
      this.logger.info("model loaded", { model: this.model.name, contextSize: this.model.contextSize, sequences: this.model.parallelSequences, kvCacheBytes: this.model.kvCacheBytes, threads: this.model.threads, gpuLayers: this.model.gpuLayers });
      this.becomeReady();
      return this.status();
    });
  }

  /** What the last load asked for (only what its caller chose); null when no model should be loaded. */
  loadParams(): LoadParams | null {
    return this.desired && this.requested ? { ...this.requested } : null;
  }

  unload(): Promise<InferenceStatus> {
    this.ensureNotDisposed();
    return this.exclusive(async () => {
      this.epoch++;
      this.clearRestartTimer();
      this.desired = null;
      this.endAllRequests(new NoModelLoadedError("The model was unloaded before this request ran"));
      if (this.worker?.alive && this.model) {
        await this.worker.unload().catch((error) => this.logger.warn("worker failed to unload cleanly", { error }));
      }
      this.model = null;
      this.setState("idle", null);
      return this.status();
    });
  }

  chat(request: ChatRequest, onToken?: TokenListener, options: RequestOptions = {}): Promise<ChatResult> {
    const { requestId, messages, ...sampling } = request;
    return this.submit(requestId, { input: { kind: "chat", messages }, ...sampling }, onToken, options);
  }

  complete(request: CompletionRequest, onToken?: TokenListener, options: RequestOptions = {}): Promise<ChatResult> {
    const { requestId, prompt, ...sampling } = request;
    return this.submit(requestId, { input: { kind: "completion", prompt }, ...sampling }, onToken, options);
  }

  /** Stops a running request (it resolves with what it had, as "cancelled") or drops a waiting one. */
  cancel(requestId: string): boolean {
    const queuedAt = this.queue.findIndex((job) => job.requestId === requestId);
    if (queuedAt >= 0) {
      const [job] = this.queue.splice(queuedAt, 1);
      job!.resolve(cancelledBeforeStart());
      this.emitStatus();
      return true;
    }
    const job = this.active.get(requestId);
    if (!job || job.cancelled) return false;
    job.cancelled = true;
    job.cancelRunning?.();
    return true;
  }

  private async submit(
    requestId: string,
    request: GenerationRequest,
    onToken: TokenListener | undefined,
    { signal }: RequestOptions,
  ): Promise<ChatResult> {
    if (this.disposed) throw new ApiError("unavailable", "The inference engine is shutting down", { reason: "shutting_down" });
    if (this.state !== "ready" && this.state !== "loading" && this.state !== "restarting") {
      throw new NoModelLoadedError(this.state === "error" && this.message ? `No model is loaded: ${this.message}` : undefined);
    }
    if (this.active.has(requestId) || this.queue.some((job) => job.requestId === requestId)) {
      throw new ApiError("conflict", `A request with id "${requestId}" is already running`);
    }
    let resolve!: (result: GenerationResult) => void;
    let reject!: (error: unknown) => void;
    const done = new Promise<GenerationResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const job: Job = { requestId, request, onToken, acceptedAt: performance.now(), startedAt: null, cancelled: false, resolve, reject };

    if (this.hasFreeSequence()) this.run(job);
    else if (this.queue.length < this.queueLimit) this.queue.push(job);
    else throw new QueueFullError(this.queueLimit, this.retryAfterSeconds);
    this.emitStatus();

    const onAbort = () => this.cancel(requestId);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const result = await done;
      return { requestId, text: result.text, stats: result.stats };
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  private hasFreeSequence(): boolean {
    return this.state === "ready" && this.worker !== null && this.model !== null &&
      this.active.size < this.model.parallelSequences;
  }

  /** Serving again: requests that waited through a load or restart start now, then the status goes out once. */
  private becomeReady(): void {
    this.state = "ready";
    this.message = null;
    this.pump();
    this.emitStatus();
  }

  /** Starts waiting requests while sequences are free. Callers announce the new status. */
  private pump(): void {
    while (this.queue.length > 0 && this.hasFreeSequence()) this.run(this.queue.shift()!);
  }

  private run(job: Job): void {
    this.active.set(job.requestId, job);
    job.startedAt = performance.now();
    const generation = this.worker!.generate(job.request, job.onToken);
    job.cancelRunning = generation.cancel;
    if (job.cancelled) generation.cancel();
    generation.result.then(
      (result) => job.resolve(this.measuredByCaller(job, result)),
      (error) => job.reject(error),
    ).finally(() => {
      if (this.active.get(job.requestId) === job) this.active.delete(job.requestId);
      this.pump();
      this.emitStatus();
    });
  }

  /** Time to first token as the caller lives it: the wait in the queue comes first. */
  private measuredByCaller(job: Job, result: GenerationResult): GenerationResult {
    const engineTtft = result.stats.timeToFirstTokenMs;
    const queuedMs = (job.startedAt ?? job.acceptedAt) - job.acceptedAt;
    return { text: result.text, stats: { ...result.stats, timeToFirstTokenMs: engineTtft === null ? null : queuedMs + engineTtft } };
  }

  /** Running requests end as cancelled (the worker stops them); waiting ones fail with `error`. */
  private endAllRequests(error: ApiError): void {
    for (const job of this.active.values()) {
      job.cancelled = true;
      job.cancelRunning?.();
    }
    this.rejectQueued(error);
  }

  private rejectQueued(error: unknown): void {
    const waiting = this.queue.splice(0);
    for (const job of waiting) job.reject(error);
    if (waiting.length) this.emitStatus();
  }

  private async ensureWorker(): Promise<EngineWorker> {
    if (this.worker?.alive) return this.worker;
    this.workerScript ??= resolveWorkerScript();
    const worker = await EngineWorker.start(this.launcher, this.workerScript, { ...process.env }, this.logger.child("worker"));
    if (this.disposed) {
      await worker.stop();
      throw new ApiError("unavailable", "The inference engine is shutting down", { reason: "shutting_down" });
    }
    worker.onExit((exit) => this.onWorkerExit(worker, exit));
    if (!worker.alive) throw new WorkerCrashedError(null, null);
    this.worker = worker;
    this.logger.info("inference worker started", { pid: worker.pid });
    return worker;
  }

  private onWorkerExit(worker: EngineWorker, exit: WorkerExit): void {
    if (this.worker !== worker) return;
    this.worker = null;
    if (!exit.unexpected || this.disposed) return;
    // Requests in the worker have already failed (EngineWorker rejects them); only waiting ones remain.
    this.logger.error("inference worker exited unexpectedly", { pid: worker.pid, code: exit.code, signal: exit.signal });
    if (!this.desired) {
      // No model to restore (idle, or a load that crashed: load() reports that itself).
      return;
    }
    const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
    const verdict = this.crashes.record();
    if (verdict.giveUp) {
      const { maxCrashes, windowMs } = this.restartPolicy;
      this.desired = null;
      this.model = null;
      this.setState("error", `The inference worker crashed ${verdict.recentCrashes} times within ${Math.round(windowMs / 1000)}s (last: ${how}); gave up after ${maxCrashes} restarts`);
      this.rejectQueued(new NoModelLoadedError(`No model is loaded: ${this.message}`));
      return;
    }
    this.setState("restarting", `The inference worker stopped (${how}); restarting in ${verdict.delayMs} ms`);
    const epoch = this.epoch;
    const desired = this.desired;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      void this.exclusive(() => this.restart(epoch, desired));
    }, verdict.delayMs);
  }

  private async restart(epoch: number, options: EngineLoadOptions): Promise<void> {
    if (this.disposed || epoch !== this.epoch) return;
    this.workerRestarts++;
    this.emitStatus();
    try {
      const worker = await this.ensureWorker();
      this.model = await worker.load(options);
    } catch (error) {
      // A crash during the reload is counted and retried by onWorkerExit; any other failure is final.
      if (error instanceof WorkerCrashedError) return;
      if (epoch !== this.epoch) return;
      this.desired = null;
      this.model = null;
      this.setState("error", `Could not reload the model after a worker crash: ${ApiError.from(error).message}`);
      this.rejectQueued(error);
      return;
    }
    if (epoch !== this.epoch) return;
    this.logger.info("inference worker restarted", { restarts: this.workerRestarts, model: this.model.name });
    this.becomeReady();
  }

  /** What the caller asked for, then what is tuned for this model, then the defaults; the engine decides the rest. */
  private async loadOptions(params: LoadParams): Promise<EngineLoadOptions> {
    const defaults = this.options.defaults ?? {};
    const tuned: LoadTuning = (await this.options.tune?.(params.modelPath)) ?? {};
    const pick = <K extends keyof LoadTuning>(key: K): LoadTuning[K] => (params as LoadTuning)[key] ?? tuned[key] ?? defaults[key];
    const options: EngineLoadOptions = {
      modelPath: params.modelPath,
      contextSize: pick("contextSize"),
      parallelSequences: pick("parallelSequences"),
      gpuLayers: params.gpuLayers ?? defaults.gpuLayers ?? "auto",
      threads: pick("threads"),
      requestTokens: pick("requestTokens"),
      concurrency: pick("concurrency"),
      memoryBudgetBytes: pick("memoryBudgetBytes"),
    };
    // Structured clone (the worker channel) keeps undefined fields; leave them out so logs and snapshots stay short.
    for (const key of Object.keys(options) as Array<keyof EngineLoadOptions>) if (options[key] === undefined) delete options[key];
    return options;
  }

  /** Runs lifecycle changes (load, unload, restart, dispose) one at a time, in call order. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lifecycle.then(work, work);
    this.lifecycle = run.catch(() => {});
    return run;
  }

  private clearRestartTimer(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }

  private ensureNotDisposed(): void {
    if (this.disposed) throw new ApiError("unavailable", "The inference engine is shutting down", { reason: "shutting_down" });
  }

  private setState(state: InferenceState, message: string | null): void {
    this.state = state;
    this.message = message;
    this.emitStatus();
  }

  private emitStatus(): void {
    if (this.statusListeners.size === 0) return;
    const snapshot = this.status();
    for (const listener of this.statusListeners) {
      try {
        listener(snapshot);
      } catch (error) {
        this.logger.warn("status listener failed", { error });
      }
    }
  }
}

function cancelledBeforeStart(): GenerationResult {
  return {
    text: "",
    stats: { promptTokens: 0, completionTokens: 0, timeToFirstTokenMs: null, tokensPerSecond: null, finishReason: "cancelled" },
  };
}
