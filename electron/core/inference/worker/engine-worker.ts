import { ApiError } from "../../../../shared/api/index.js";
import type { Logger } from "../../runtime/logger.js";
import { WorkerCrashedError } from "../errors.js";
import type { ComputeProbeResult, EngineLoadOptions, GenerationRequest, GenerationResult, LoadedModel } from "../types.js";
import { workerEnvironment, type WorkerHandle, type WorkerLauncher } from "../worker-launcher.js";
import { isWorkerMessage, type HostMessage, type ReplyValue, type WorkerMessage } from "./protocol.js";

interface PendingCall {
  resolve(value: ReplyValue): void;
  reject(error: Error): void;
  onText?: (delta: string) => void;
}

export interface WorkerExit {
  code: number | null;
  signal: string | null;
  /** False when the host asked for it (shutdown), true for a crash or an outside kill. */
  unexpected: boolean;
}

/**
 * The host's end of one worker process: typed calls over its message channel. When the process ends, every call
 * still waiting fails at once with WorkerCrashedError, so no caller waits on a process that is gone.
 */
export class EngineWorker {
  private nextId = 1;
  private readonly pending = new Map<number, PendingCall>();
  private exitInfo: WorkerExit | null = null;
  private stopping = false;
  private readonly exitListeners = new Set<(exit: WorkerExit) => void>();
  private readonly exited: Promise<WorkerExit>;

  private constructor(
    private readonly handle: WorkerHandle,
    private readonly logger: Logger,
    ready: (pid: number) => void,
  ) {
    this.exited = new Promise((resolve) => {
      handle.on("exit", (code, signal) => {
        const exit = { code, signal, unexpected: !this.stopping };
        this.exitInfo = exit;
        const error = new WorkerCrashedError(code, signal);
        for (const call of this.pending.values()) call.reject(error);
        this.pending.clear();
        for (const listener of this.exitListeners) listener(exit);
        resolve(exit);
      });
    });
    handle.on("message", (message) => {
      if (!isWorkerMessage(message)) return;
      if (message.type === "ready") ready(message.pid);
      else this.receive(message);
    });
  }

  /**
   * Spawns the worker (with `env` as workerEnvironment adjusts it) and waits until its engine is listening; fails
   * if the process ends first.
   */
  static async start(launcher: WorkerLauncher, scriptPath: string, env: NodeJS.ProcessEnv, logger: Logger): Promise<EngineWorker> {
    let markReady!: (pid: number) => void;
    const ready = new Promise<number>((resolve) => (markReady = resolve));
    const worker = new EngineWorker(launcher.spawn(scriptPath, workerEnvironment(env)), logger, markReady);
    const outcome = await Promise.race([ready.then(() => null), worker.exited]);
    if (outcome) throw new WorkerCrashedError(outcome.code, outcome.signal);
    return worker;
  }

  get pid(): number | undefined {
    return this.handle.pid;
  }

  get alive(): boolean {
    return this.exitInfo === null;
  }

  onExit(listener: (exit: WorkerExit) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  load(options: EngineLoadOptions): Promise<LoadedModel> {
    return this.call((id) => ({ type: "load", id, options })) as Promise<LoadedModel>;
  }

  /** Which backend and devices llama.cpp finds in the worker's process. */
  probe(): Promise<ComputeProbeResult> {
    return this.call((id) => ({ type: "probe", id })) as Promise<ComputeProbeResult>;
  }

  unload(): Promise<void> {
    return this.call((id) => ({ type: "unload", id })).then(() => undefined);
  }

  /**
   * Starts a generation; text is streamed only to an `onText` listener. `cancel()` on the returned handle ends it
   * early (it then resolves as cancelled).
   */
  generate(request: GenerationRequest, onText?: (delta: string) => void): { result: Promise<GenerationResult>; cancel(): void } {
    let callId = 0;
    const result = this.call((id) => {
      callId = id;
      return { type: "generate", id, request, stream: onText !== undefined };
    }, onText) as Promise<GenerationResult>;
    return {
      result,
      cancel: () => {
        if (this.pending.has(callId)) this.send({ type: "cancel", id: callId });
      },
    };
  }

  /** Asks the worker to free the model and exit; kills it if it has not gone within `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    if (this.exitInfo) return;
    this.stopping = true;
    this.send({ type: "shutdown" });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), graceMs)));
    const outcome = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      this.logger.warn("inference worker did not exit in time; killing it", { pid: this.pid, graceMs });
      this.handle.kill();
      await this.exited;
    }
  }

  /** Ends the process at once (it is reported as an expected exit). */
  async kill(): Promise<void> {
    if (this.exitInfo) return;
    this.stopping = true;
    this.handle.kill();
    await this.exited;
  }

  private call(build: (id: number) => HostMessage, onText?: (delta: string) => void): Promise<ReplyValue> {
    if (this.exitInfo) return Promise.reject(new WorkerCrashedError(this.exitInfo.code, this.exitInfo.signal));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onText });
      this.send(build(id));
    });
  }

  private send(message: HostMessage): void {
    this.handle.postMessage(message);
  }

  private receive(message: Exclude<WorkerMessage, { type: "ready" }>): void {
    switch (message.type) {
      case "text":
        this.pending.get(message.id)?.onText?.(message.delta);
        break;
      case "reply": {
        const call = this.pending.get(message.id);
        if (!call) return;
        this.pending.delete(message.id);
        if (message.ok) call.resolve(message.value);
        else call.reject(ApiError.from(message.error));
        break;
      }
      case "log":
        this.logger[message.level](message.message);
        break;
    }
  }
}
