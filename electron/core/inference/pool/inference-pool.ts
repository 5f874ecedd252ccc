import {
  ApiError,
  type ChatResult,
  type InferenceMetrics,
  type InferenceState,
  type InferenceStatus,
  type LoadParams,
  type TelemetrySample,
  type WorkerDevice,
  type WorkerHold,
  type WorkerStats,
} from "../../../../shared/api/index.js";
import type { Logger } from "../../runtime/logger.js";
import type { Service } from "../../runtime/service.js";
import { systemClock, type Clock } from "../../runtime/clock.js";
import { NoModelLoadedError, QueueFullError, WorkerCrashedError } from "../errors.js";
import { GenerationWindow } from "../generation-window.js";
import type { ChatRequest, CompletionRequest, RequestOptions, StatusListener, TokenListener } from "../types.js";
import type { WorkerSupervisor } from "../worker-supervisor.js";
import { OpenAiServer, type OpenAiServerOptions } from "../openai/server.js";
import { RequestObserver, type ObservedRequests } from "../reservation.js";

export interface InferencePoolOptions {
  logger: Logger;
  /** Decides the workers when the pool starts (for "auto", after probing the GPUs). */
  plan: () => Promise<WorkerDevice[]>;
  /** Builds the WorkerSupervisor of one worker; its launcher pins the device. */
  createWorker: (device: WorkerDevice, slot: number) => WorkerSupervisor;
  /** When given, the pool serves the OpenAI-compatible endpoint there (over every worker). */
  openAi?: OpenAiServerOptions;
  /** A worker that produces no token for this long while it has requests is killed and restarted. */
  stallMs?: number;
  /** How often the watchdog looks. */
  watchdogIntervalMs?: number;
  /** A worker that gave up after repeated crashes is tried again after this long. */
  recoverAfterMs?: number;
  clock?: Clock;
  /** How the watchdog ends a hung worker process; the worker's WorkerSupervisor then restarts it. */
  killProcess?: (pid: number) => void;
  /** Request sizes and concurrency seen in an earlier run (requestNeeds() sizes the KV cache from them). */
  observed?: Partial<ObservedRequests>;
}

interface Slot {
  readonly slot: number;
  readonly device: WorkerDevice;
  readonly service: WorkerSupervisor;
  hold: WorkerHold | null;
  lastState: InferenceState;
  /** Requests the pool has handed to this worker and not yet seen settle. */
  inFlight: number;
  lastProgressAt: number;
  requestsServed: number;
  tokensGenerated: number;
  lastTokensPerSecond: number | null;
  watchdogRestarts: number;
  temperatureC: number | null;
  utilizationPercent: number | null;
  cancelRecovery: (() => void) | null;
}

type Generate = (service: WorkerSupervisor, onToken: TokenListener, options: RequestOptions) => Promise<ChatResult>;

const DEFAULT_STALL_MS = 90_000;
const DEFAULT_RECOVER_AFTER_MS = 60_000;

/**
 * Rig mode: one WorkerSupervisor (one worker process) per GPU behind the same backend interface as a single
 * service, so the OpenAI handler, the relay miner and the API use it unchanged. Requests go to the worker with the
 * most free sequences; a worker that crashes, hangs or overheats stops getting requests until it is back, while
 * the others keep serving. Restarting a crashed worker and queueing stay the WorkerSupervisor's job.
 */
export class InferencePool implements Service {
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly stallMs: number;
  private readonly openAiServer: OpenAiServer | null;
  private slots: Slot[] = [];
  private readonly routes = new Map<string, Slot>();
  private readonly statusListeners = new Set<StatusListener>();
  private readonly workerListeners = new Set<(workers: WorkerStats[]) => void>();
  private readonly unsubscribes: Array<() => void> = [];
  private readonly generations = new GenerationWindow();
  private readonly observer: RequestObserver;
  private desired: LoadParams | null = null;
  private endpoint: string | null = null;
  private cancelWatchdog: (() => void) | null = null;
  private lastPick = 0;
  private started = false;
  private disposed = false;

  constructor(private readonly options: InferencePoolOptions) {
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.stallMs = options.stallMs ?? DEFAULT_STALL_MS;
    this.observer = new RequestObserver(options.observed);
    this.openAiServer = options.openAi
      ? new OpenAiServer({ backend: this, logger: this.logger.child("openai"), ...options.openAi })
      : null;
  }

  async start(): Promise<void> {
    if (this.started) return;
    const devices = await this.options.plan();
    if (devices.length === 0) throw new Error("The inference pool needs at least one worker");
    this.slots = devices.map((device, slot) => this.createSlot(device, slot));
    this.started = true;
    for (const slot of this.slots) await slot.service.start();
    this.logger.info("inference workers planned", {
      workers: this.slots.map((s) => (s.device.index === null ? s.device.backend : `${s.device.backend}:${s.device.index}`)),
    });
    if (this.openAiServer) {
      await this.openAiServer.start();
      this.endpoint = this.openAiServer.baseUrl;
    }
    this.armWatchdog();
    this.changed();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.cancelWatchdog?.();
    for (const slot of this.slots) slot.cancelRecovery?.();
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    await this.openAiServer?.dispose();
    await Promise.all(this.slots.map((slot) => slot.service.dispose()));
    this.endpoint = null;
    this.statusListeners.clear();
    this.workerListeners.clear();
  }

  /** Every worker's service, in slot order (diagnostics and tests). */
  get workers(): readonly WorkerSupervisor[] {
    return this.slots.map((slot) => slot.service);
  }

  /** One status for the whole pool: ready while any worker serves, with the capacity of those that do. */
  status(): InferenceStatus {
    const all = this.slots.map((slot) => ({ slot, status: slot.service.status() }));
    const serving = all.filter(({ slot, status }) => status.state === "ready" && slot.hold === null);
    const model = (serving[0] ?? all.find(({ status }) => status.model))?.status.model ?? null;
    const sum = (pick: (status: InferenceStatus) => number) => all.reduce((total, { status }) => total + pick(status), 0);
    return {
      state: this.poolState(all.map(({ status }) => status.state), serving.length),
      model: model && serving.length > 0 ? { ...model, parallelSequences: serving.reduce((n, { status }) => n + (status.model?.parallelSequences ?? 0), 0) } : model,
      message: this.summary(all),
      endpoint: this.endpoint,
      activeRequests: sum((status) => status.activeRequests),
      queuedRequests: sum((status) => status.queuedRequests),
      workerRestarts: sum((status) => status.workerRestarts),
    };
  }

  /** Time to first token and tokens/s over the last few minutes, every worker together. */
  metrics(): InferenceMetrics {
    return this.generations.snapshot(this.clock.now());
  }

  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  workerStats(): WorkerStats[] {
    return this.slots.map((slot) => {
      const status = slot.service.status();
      const sequences = status.state === "ready" ? (status.model?.parallelSequences ?? 0) : 0;
      return {
        slot: slot.slot,
        device: slot.device,
        state: status.state,
        hold: slot.hold,
        message: status.message,
        pid: slot.service.workerPid,
        activeRequests: status.activeRequests,
        queuedRequests: status.queuedRequests,
        freeSequences: Math.max(0, sequences - status.activeRequests),
        workerRestarts: status.workerRestarts,
        watchdogRestarts: slot.watchdogRestarts,
        requestsServed: slot.requestsServed,
        tokensGenerated: slot.tokensGenerated,
        lastTokensPerSecond: slot.lastTokensPerSecond,
        temperatureC: slot.temperatureC,
        utilizationPercent: slot.utilizationPercent,
      };
    });
  }

  onWorkers(listener: (workers: WorkerStats[]) => void): () => void {
    this.workerListeners.add(listener);
    return () => this.workerListeners.delete(listener);
  }

  /** What the last load asked for (only what its caller chose); null when no model should be loaded. */
  loadParams(): LoadParams | null {
    return this.desired ? { ...this.desired } : null;
  }

  /**
   * The request size (prompt + reply tokens, with headroom) and per-worker concurrency the service has seen, for
   * reserving the KV cache at the next load; empty until enough requests were seen.
   */
  requestNeeds(): { requestTokens?: number; concurrency?: number } {
    return this.observer.needs();
  }

  /** The raw observations, to keep across restarts. */
  observedRequests(): ObservedRequests {
    return this.observer.snapshot();
  }

  /** Loads the model on every worker; succeeds when at least one has it (the others are retried later). */
  async load(params: LoadParams): Promise<InferenceStatus> {
    this.ensureStarted();
    this.desired = params;
    for (const slot of this.slots) this.cancelRecovery(slot);
    const results = await Promise.allSettled(this.slots.map((slot) => slot.service.load(params)));
    const failures = results.flatMap((result, index) => (result.status === "rejected" ? [{ slot: this.slots[index]!, error: result.reason }] : []));
    if (failures.length === results.length) {
      this.desired = null;
      throw failures[0]!.error;
    }
    for (const { slot, error } of failures) {
      this.logger.warn("a worker could not load the model; the others serve it", { slot: slot.slot, error });
      this.scheduleRecovery(slot);
    }
    this.changed();
    return this.status();
  }

  async unload(): Promise<InferenceStatus> {
    this.ensureStarted();
    this.desired = null;
    for (const slot of this.slots) this.cancelRecovery(slot);
    await Promise.all(this.slots.map((slot) => slot.service.unload()));
    this.changed();
    return this.status();
  }

  chat(request: ChatRequest, onToken?: TokenListener, options: RequestOptions = {}): Promise<ChatResult> {
    return this.dispatch(request.requestId, (service, progress, opts) => service.chat(request, progress, opts), onToken, options);
  }

  complete(request: CompletionRequest, onToken?: TokenListener, options: RequestOptions = {}): Promise<ChatResult> {
    return this.dispatch(request.requestId, (service, progress, opts) => service.complete(request, progress, opts), onToken, options);
  }

  cancel(requestId: string): boolean {
    return this.routes.get(requestId)?.service.cancel(requestId) ?? false;
  }

  /** Temperatures and load per worker, and which GPUs (telemetry index) are too hot to get requests. */
  observeTelemetry(sample: TelemetrySample, hotGpus: ReadonlySet<number>): void {
    // Telemetry lists every GPU with a sensor in PCI bus order, the order the workers' device pins use.
    const sensors = sample.gpus.filter((gpu) => gpu.temperatureC !== null || gpu.utilizationPercent !== null);
    let changed = false;
    for (const slot of this.slots) {
      if (slot.device.index === null || slot.device.backend === "cpu") continue;
      const gpu = sensors[slot.device.index];
      if (!gpu) continue;
      slot.temperatureC = gpu.temperatureC;
      slot.utilizationPercent = gpu.utilizationPercent;
      const hot = hotGpus.has(gpu.index);
      if (hot && slot.hold !== "overheated") {
        slot.hold = "overheated";
        this.logger.warn("GPU over temperature: its worker gets no new requests until it cools down", { slot: slot.slot, temperatureC: gpu.temperatureC });
        changed = true;
      } else if (!hot && slot.hold === "overheated") {
        slot.hold = null;
        this.logger.info("GPU cooled down: its worker serves again", { slot: slot.slot, temperatureC: gpu.temperatureC });
        changed = true;
      }
    }
    if (changed) this.changed();
    else this.emitWorkers();
  }

  private createSlot(device: WorkerDevice, index: number): Slot {
    const service = this.options.createWorker(device, index);
    const slot: Slot = {
      slot: index,
      device,
      service,
      hold: null,
      lastState: "idle",
      inFlight: 0,
      lastProgressAt: this.clock.now(),
      requestsServed: 0,
      tokensGenerated: 0,
      lastTokensPerSecond: null,
      watchdogRestarts: 0,
      temperatureC: null,
      utilizationPercent: null,
      cancelRecovery: null,
    };
    this.unsubscribes.push(service.onStatus((status) => this.onWorkerStatus(slot, status)));
    return slot;
  }

  private onWorkerStatus(slot: Slot, status: InferenceStatus): void {
    // Time spent loading or restarting is not time without tokens.
    if (status.state === "ready" && slot.lastState !== "ready") slot.lastProgressAt = this.clock.now();
    slot.lastState = status.state;
    if (slot.hold === "hung" && status.state === "ready") {
      slot.hold = null;
      this.logger.info("hung worker is back", { slot: slot.slot, restarts: status.workerRestarts });
    }
    if (status.state === "error" && this.desired && !slot.cancelRecovery) this.scheduleRecovery(slot);
    this.changed();
  }

  private async dispatch(requestId: string, generate: Generate, onToken: TokenListener | undefined, options: RequestOptions): Promise<ChatResult> {
    this.ensureStarted();
    if (this.routes.has(requestId)) throw new ApiError("conflict", `A request with id "${requestId}" is already running`);
    const tried = new Set<Slot>();
    for (;;) {
      const slot = this.pick(tried);
      tried.add(slot);
      let delivered = false;
      this.routes.set(requestId, slot);
      if (slot.inFlight++ === 0) slot.lastProgressAt = this.clock.now();
      this.observer.recordConcurrency(slot.inFlight);
      try {
        // Always listening gives the watchdog its heartbeat; the caller still sees only its own listener.
        const result = await generate(slot.service, (delta) => {
          delivered = true;
          slot.lastProgressAt = this.clock.now();
          onToken?.(delta);
        }, options);
        slot.requestsServed++;
        slot.tokensGenerated += result.stats.completionTokens;
        if (result.stats.promptTokens > 0) this.observer.recordSize(result.stats.promptTokens + result.stats.completionTokens);
        this.generations.record(result.stats, this.clock.now());
        slot.lastTokensPerSecond = result.stats.tokensPerSecond ?? slot.lastTokensPerSecond;
        return result;
      } catch (error) {
        // A prompt larger than the reserved context is a size the next reservation must fit.
        const refused = ApiError.from(error).details;
        if (refused?.reason === "context_length_exceeded" && typeof refused.promptTokens === "number") this.observer.recordSize(refused.promptTokens);
        // A worker that died before the first token leaves nothing half-sent: another worker can take the request.
        const retry = (error instanceof WorkerCrashedError && !delivered && !options.signal?.aborted) ||
          (error instanceof QueueFullError);
        if (!retry || !this.hasCandidate(tried)) throw error;
        this.logger.info("request moves to another worker", { requestId, from: slot.slot, reason: ApiError.from(error).message });
      } finally {
        slot.inFlight--;
        slot.lastProgressAt = this.clock.now();
        if (this.routes.get(requestId) === slot) this.routes.delete(requestId);
        this.emitWorkers();
      }
    }
  }

  /**
   * The worker with the most free sequences among those serving; ties go round robin. Workers still loading or
   * restarting take requests (their queue holds them) only when no worker is ready.
   */
  private pick(exclude: ReadonlySet<Slot>): Slot {
    const open = this.slots.filter((slot) => slot.hold === null && !exclude.has(slot));
    const ready = open.filter((slot) => slot.service.status().state === "ready");
    const pool = ready.length > 0 ? ready : open.filter((slot) => ["loading", "restarting"].includes(slot.service.status().state));
    if (pool.length === 0) {
      const reason = this.slots.every((slot) => slot.hold === "overheated")
        ? "Every GPU is over temperature; serving resumes as they cool down"
        : (this.status().message ?? undefined);
      throw new NoModelLoadedError(reason ? `No worker can take the request: ${reason}` : undefined);
    }
    const free = (slot: Slot) => {
      const status = slot.service.status();
      return (status.model?.parallelSequences ?? 0) - status.activeRequests - status.queuedRequests;
    };
    let best: Slot | null = null;
    let bestFree = Number.NEGATIVE_INFINITY;
    for (let offset = 1; offset <= this.slots.length; offset++) {
      const candidate = this.slots[(this.lastPick + offset) % this.slots.length]!;
      if (!pool.includes(candidate)) continue;
      const score = free(candidate);
      if (score > bestFree) {
        best = candidate;
        bestFree = score;
      }
    }
    this.lastPick = best!.slot;
    return best!;
  }

  private hasCandidate(exclude: ReadonlySet<Slot>): boolean {
    return this.slots.some((slot) => slot.hold === null && !exclude.has(slot) && ["ready", "loading", "restarting"].includes(slot.service.status().state));
  }

  private armWatchdog(): void {
    const every = this.options.watchdogIntervalMs ?? Math.max(1_000, Math.min(10_000, Math.floor(this.stallMs / 4)));
    this.cancelWatchdog = this.clock.setTimer(every, () => {
      this.checkForHungWorkers();
      if (!this.disposed) this.armWatchdog();
    });
  }

  /** A worker with requests, ready, and no token for stallMs is hung (a driver fault, a deadlocked kernel). */
  private checkForHungWorkers(): void {
    const now = this.clock.now();
    for (const slot of this.slots) {
      if (slot.hold === "hung" || slot.inFlight === 0) continue;
      if (slot.service.status().state !== "ready") continue;
      if (now - slot.lastProgressAt < this.stallMs) continue;
      const pid = slot.service.workerPid;
      if (pid === null) continue;
      slot.hold = "hung";
      slot.watchdogRestarts++;
      this.logger.error("inference worker produced no token while requests waited: restarting it", {
        slot: slot.slot,
        pid,
        silentForMs: now - slot.lastProgressAt,
        inFlight: slot.inFlight,
      });
      try {
        (this.options.killProcess ?? ((p) => process.kill(p, "SIGKILL")))(pid);
      } catch (error) {
        this.logger.warn("could not end the hung worker", { pid, error });
      }
      this.changed();
    }
  }

  private scheduleRecovery(slot: Slot): void {
    this.cancelRecovery(slot);
    slot.cancelRecovery = this.clock.setTimer(this.options.recoverAfterMs ?? DEFAULT_RECOVER_AFTER_MS, () => {
      slot.cancelRecovery = null;
      const desired = this.desired;
      if (!desired || this.disposed || slot.service.status().state === "ready") return;
      this.logger.info("trying a failed worker again", { slot: slot.slot });
      // A failure lands in state "error" again, and onWorkerStatus schedules the next try.
      slot.service.load(desired).catch((error) => this.logger.warn("worker still cannot load the model", { slot: slot.slot, error }));
    });
  }

  private cancelRecovery(slot: Slot): void {
    slot.cancelRecovery?.();
    slot.cancelRecovery = null;
  }

  private poolState(states: InferenceState[], serving: number): InferenceState {
    if (serving > 0) return "ready";
    if (states.includes("restarting")) return "restarting";
    if (states.includes("loading")) return "loading";
    if (states.includes("ready")) return "error"; // loaded, but every worker is held (too hot, hung)
    if (states.includes("error")) return "error";
    return "idle";
  }

  /** Null when every worker is fine; otherwise which ones are out and why. */
  private summary(all: Array<{ slot: Slot; status: InferenceStatus }>): string | null {
    if (all.length === 1) {
      const [{ slot, status }] = all;
      return slot.hold ? describeHold(slot) : status.message;
    }
    const out = all.filter(({ slot, status }) => slot.hold !== null || status.state === "error" || status.state === "restarting");
    if (out.length === 0) return null;
    const parts = out.map(({ slot, status }) => `${deviceLabel(slot)}: ${slot.hold ? describeHold(slot) : (status.message ?? status.state)}`);
    return `${out.length} of ${all.length} workers out (${parts.join("; ")})`;
  }

  private changed(): void {
    if (this.statusListeners.size > 0) {
      const status = this.status();
      for (const listener of this.statusListeners) {
        try {
          listener(status);
        } catch (error) {
          this.logger.warn("status listener failed", { error });
        }
      }
    }
    this.emitWorkers();
  }

  private emitWorkers(): void {
    if (this.workerListeners.size === 0) return;
    const workers = this.workerStats();
    for (const listener of this.workerListeners) {
      try {
        listener(workers);
      } catch (error) {
        this.logger.warn("worker listener failed", { error });
      }
    }
  }

  private ensureStarted(): void {
    if (this.disposed) throw new ApiError("unavailable", "The inference engine is shutting down", { reason: "shutting_down" });
    if (!this.started) throw new ApiError("unavailable", "The inference engine is still starting", { reason: "no_model" });
  }
}

function deviceLabel(slot: Slot): string {
  return slot.device.index === null ? `worker ${slot.slot}` : `${slot.device.backend.toUpperCase()} ${slot.device.index}`;
}

function describeHold(slot: Slot): string {
  return slot.hold === "overheated"
    ? `over temperature (${slot.temperatureC ?? "?"} °C), cooling down`
    : "hung, restarting";
}
