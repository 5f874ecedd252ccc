import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ApiError, type InferenceState, type InferenceStatus, type TelemetrySample, type WorkerDevice } from "../../../shared/api/index.js";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import { GpuHeatMonitor } from "../../../electron/core/hardware/heat-monitor.js";
import { NoModelLoadedError, WorkerCrashedError } from "../../../electron/core/inference/errors.js";
import type { ChatRequest, CompletionRequest, TokenListener } from "../../../electron/core/inference/types.js";
import type { WorkerSupervisor } from "../../../electron/core/inference/worker-supervisor.js";
import { deviceEnvironment, PinnedWorkerLauncher, planWorkerDevices } from "../../../electron/core/inference/pool/devices.js";
import { InferencePool } from "../../../electron/core/inference/pool/inference-pool.js";
import type { WorkerHandle, WorkerLauncher } from "../../../electron/core/inference/worker-launcher.js";
import { FakeClock } from "../../fixtures/fake-clock.js";

interface Pending {
  request: CompletionRequest | ChatRequest;
  onToken?: TokenListener;
  resolve(tokens: number): void;
  reject(error: unknown): void;
}

/** An WorkerSupervisor as the pool sees it; requests finish when the test says. */
class FakeWorker {
  state: InferenceState = "idle";
  message: string | null = null;
  restarts = 0;
  pid: number | null = 1000;
  sequences = 2;
  loadError: Error | null = null;
  loads = 0;
  readonly pending: Pending[] = [];
  private readonly listeners = new Set<(s: InferenceStatus) => void>();

  status(): InferenceStatus {
    return {
      state: this.state,
      model: this.state === "ready" ? { path: "/m.gguf", name: "m", sizeBytes: 1, contextSize: 1024, parallelSequences: this.sequences, gpuLayers: 99, threads: 1, kvCacheBytes: 1024 } : null,
      message: this.message,
      endpoint: null,
      activeRequests: Math.min(this.pending.length, this.sequences),
      queuedRequests: Math.max(0, this.pending.length - this.sequences),
      workerRestarts: this.restarts,
    };
  }
  onStatus(listener: (s: InferenceStatus) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  get workerPid() {
    return this.pid;
  }
  async start() {}
  async dispose() {}
  async load() {
    this.loads++;
    if (this.loadError) {
      this.set("error", this.loadError.message);
      throw this.loadError;
    }
    this.set("ready");
    return this.status();
  }
  async unload() {
    this.set("idle");
    return this.status();
  }
  complete(request: CompletionRequest, onToken?: TokenListener) {
    return this.enqueue(request, onToken);
  }
  chat(request: ChatRequest, onToken?: TokenListener) {
    return this.enqueue(request, onToken);
  }
  cancel() {
    return false;
  }
  set(state: InferenceState, message: string | null = null) {
    this.state = state;
    this.message = message;
    this.emit();
  }
  finishAll(tokens = 3) {
    for (const job of this.pending.splice(0)) job.resolve(tokens);
    this.emit();
  }
  private enqueue(request: CompletionRequest | ChatRequest, onToken?: TokenListener) {
    return new Promise<any>((resolve, reject) => {
      this.pending.push({
        request,
        onToken,
        resolve: (tokens) => resolve({ requestId: request.requestId, text: "x".repeat(tokens), stats: { promptTokens: 1, completionTokens: tokens, timeToFirstTokenMs: 1, tokensPerSecond: 50, finishReason: "length" } }),
        reject,
      });
      this.emit();
    });
  }
  private emit() {
    for (const listener of this.listeners) listener(this.status());
  }
}

const gpu = (index: number): WorkerDevice => ({ backend: "cuda", index, name: `GPU ${index}` });

async function makePool(count = 2, options: { stallMs?: number } = {}) {
  const clock = new FakeClock(0);
  const workers = Array.from({ length: count }, () => new FakeWorker());
  const killed: number[] = [];
  const pool = new InferencePool({
    logger: silentLogger,
    plan: async () => workers.map((_, i) => gpu(i)),
    createWorker: (_device, slot) => workers[slot] as unknown as WorkerSupervisor,
    clock,
    stallMs: options.stallMs ?? 10_000,
    watchdogIntervalMs: 1_000,
    recoverAfterMs: 30_000,
    killProcess: (pid) => killed.push(pid),
  });
  await pool.start();
  return { pool, workers, clock, killed };
}

const ask = (pool: InferencePool, id: string) => pool.complete({ requestId: id, prompt: "p" });
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function telemetry(temps: Array<number | null>): TelemetrySample {
  return {
    time: 0,
    cpuLoadPercent: 0,
    memoryUsedBytes: 0,
    memoryTotalBytes: 1,
    gpus: temps.map((temperatureC, index) => ({ index, temperatureC, utilizationPercent: 50, powerWatts: null, vramUsedBytes: null, vramTotalBytes: null })),
  };
}

describe("worker planning and device pinning", () => {
  const compute = (backend: "cuda" | "vulkan" | "cpu" | "metal", names: string[]) => ({ backend, deviceNames: names, vramTotalBytes: null, advice: [] });

  test("auto runs one worker per GPU, pinned; CPU and Metal machines get one", () => {
    assert.deepEqual(planWorkerDevices("auto", compute("cuda", ["A", "B", "C"])).map((d) => d.index), [0, 1, 2]);
    assert.deepEqual(planWorkerDevices("auto", compute("cpu", [])), [{ backend: "cpu", index: null, name: null }]);
    assert.deepEqual(planWorkerDevices("auto", compute("metal", ["Apple M2"])), [{ backend: "metal", index: null, name: "Apple M2" }]);
  });

  test("a single worker is left unpinned so a model can span every GPU; more workers than GPUs wrap around", () => {
    assert.deepEqual(planWorkerDevices(1, compute("vulkan", ["A", "B"])), [{ backend: "vulkan", index: null, name: null }]);
    assert.deepEqual(planWorkerDevices(3, compute("vulkan", ["A", "B"])).map((d) => [d.index, d.name]), [[0, "A"], [1, "B"], [0, "A"]]);
    assert.equal(planWorkerDevices(2, compute("cpu", [])).length, 2);
  });

  test("the pin is the backend's visibility variable, counted within one the engine was started with", () => {
    assert.deepEqual(deviceEnvironment(gpu(2), {}), { CUDA_DEVICE_ORDER: "PCI_BUS_ID", CUDA_VISIBLE_DEVICES: "2" });
    assert.deepEqual(deviceEnvironment(gpu(1), { CUDA_VISIBLE_DEVICES: "3, 5" }), { CUDA_DEVICE_ORDER: "PCI_BUS_ID", CUDA_VISIBLE_DEVICES: "5" });
    assert.deepEqual(deviceEnvironment({ backend: "vulkan", index: 1, name: null }, {}), { GGML_VK_VISIBLE_DEVICES: "1" });
    assert.deepEqual(deviceEnvironment({ backend: "cuda", index: null, name: null }, {}), {});
    assert.deepEqual(deviceEnvironment({ backend: "metal", index: 0, name: null }, {}), {});
  });

  test("the pinned launcher adds the pin over the environment it is given", () => {
    const seen: NodeJS.ProcessEnv[] = [];
    const inner: WorkerLauncher = { spawn: (_script, env) => (seen.push(env), {} as WorkerHandle) };
    new PinnedWorkerLauncher(inner, { CUDA_VISIBLE_DEVICES: "4" }).spawn("w.js", { PATH: "/bin", CUDA_VISIBLE_DEVICES: "0,1" });
    assert.deepEqual(seen, [{ PATH: "/bin", CUDA_VISIBLE_DEVICES: "4" }]);
  });
});

describe("InferencePool routing and protection (fake workers)", () => {
  test("routes each request to the worker with the most free sequences", async () => {
    const { pool, workers } = await makePool(2);
    await pool.load({ modelPath: "/m.gguf" });
    workers[1]!.sequences = 4;
    const requests = ["a", "b", "c", "d"].map((id) => ask(pool, id));
    // Free sequences 2 vs 4: a and b to the roomier worker, c breaks the 2-2 tie round robin, d goes where 2 > 1.
    assert.deepEqual(workers.map((w) => w.pending.map((p) => p.request.requestId)), [["c"], ["a", "b", "d"]]);
    workers.forEach((w) => w.finishAll());
    await Promise.all(requests);
    assert.deepEqual(pool.workerStats().map((w) => w.requestsServed), [1, 3]);
  });

  test("one worker out: the pool stays ready on the other and says which is out", async () => {
    const { pool, workers } = await makePool(2);
    await pool.load({ modelPath: "/m.gguf" });
    workers[0]!.set("restarting", "The inference worker stopped (signal SIGKILL)");
    const status = pool.status();
    assert.equal(status.state, "ready");
    assert.equal(status.model?.parallelSequences, 2, "only the serving worker's capacity");
    assert.match(status.message!, /1 of 2 workers out \(CUDA 0: .*SIGKILL/);
    const reply = ask(pool, "r1");
    assert.equal(workers[1]!.pending.length, 1, "the restarting worker gets nothing while another is ready");
    workers[1]!.finishAll();
    await reply;
  });

  test("a crash before the first token moves the request to another worker; after a token it fails", async () => {
    const { pool, workers } = await makePool(2);
    await pool.load({ modelPath: "/m.gguf" });
    const moved = ask(pool, "moved");
    const first = workers.findIndex((w) => w.pending.length === 1);
    workers[first]!.pending.shift()!.reject(new WorkerCrashedError(null, "SIGKILL"));
    await flush();
    const other = workers[1 - first]!;
    assert.equal(other.pending.length, 1);
    other.finishAll();
    assert.equal((await moved).requestId, "moved");

    const streamed = pool.complete({ requestId: "streamed", prompt: "p" }, () => {});
    const holder = workers.find((w) => w.pending.length === 1)!;
    holder.pending[0]!.onToken!("Once");
    holder.pending.shift()!.reject(new WorkerCrashedError(null, "SIGKILL"));
    await assert.rejects(streamed, WorkerCrashedError);
  });

  test("an overheated GPU gets no requests until it cools below the resume temperature", async () => {
    const { pool, workers } = await makePool(2);
    await pool.load({ modelPath: "/m.gguf" });
    const heat = new GpuHeatMonitor();
    const limits = { maxC: 85, resumeC: 75 };
    const observe = (temps: number[]) => {
      const sample = telemetry(temps);
      heat.observe(sample, limits);
      pool.observeTelemetry(sample, heat.hot());
    };
    observe([60, 90]);
    assert.deepEqual(pool.workerStats().map((w) => [w.hold, w.temperatureC]), [[null, 60], ["overheated", 90]]);
    const replies = ["a", "b", "c"].map((id) => ask(pool, id));
    assert.deepEqual(workers.map((w) => w.pending.length), [3, 0], "all to the cool GPU (one waits in its queue)");
    observe([60, 80]);
    assert.equal(pool.workerStats()[1]!.hold, "overheated", "80 °C is not cool enough yet");
    observe([60, 74]);
    assert.equal(pool.workerStats()[1]!.hold, null);
    const after = ask(pool, "d");
    assert.equal(workers[1]!.pending.length, 1);
    workers.forEach((w) => w.finishAll());
    await Promise.all([...replies, after]);

    observe([95, 95]);
    assert.equal(pool.status().state, "error");
    await assert.rejects(ask(pool, "e"), (error) => error instanceof NoModelLoadedError && /over temperature/.test(error.message));
  });

  test("the watchdog kills a worker that stays silent with requests, and only that one", async () => {
    const { pool, workers, clock, killed } = await makePool(2, { stallMs: 10_000 });
    await pool.load({ modelPath: "/m.gguf" });
    workers[0]!.pid = 111;
    workers[1]!.pid = 222;
    const reqA = pool.complete({ requestId: "a", prompt: "p" });
    const reqB = pool.complete({ requestId: "b", prompt: "p" });
    const busy = workers.find((w) => w.pending.some((p) => p.request.requestId === "b"))!;
    for (let t = 0; t < 12; t++) {
      clock.advance(1_000);
      busy.pending[0]!.onToken?.("tok"); // the other worker keeps producing
    }
    const silent = workers.find((w) => w !== busy)!;
    assert.deepEqual(killed, [silent.pid]);
    assert.equal(pool.workerStats()[workers.indexOf(silent)]!.hold, "hung");
    assert.equal(pool.workerStats()[workers.indexOf(silent)]!.watchdogRestarts, 1);
    busy.finishAll();
    await flush();
    clock.advance(30_000);
    assert.equal(killed.length, 1, "not killed again while it restarts");

    silent.pending.shift()!.reject(new WorkerCrashedError(null, "SIGKILL"));
    silent.set("restarting");
    silent.set("ready");
    assert.equal(pool.workerStats()[workers.indexOf(silent)]!.hold, null, "back in rotation once ready");
    await flush();
    assert.equal(workers.reduce((n, w) => n + w.pending.length, 0), 1, "the request moved to a worker");
    workers.forEach((w) => w.finishAll());
    await Promise.all([reqA, reqB]);
  });

  test("an idle worker is never judged hung, nor one whose requests are still loading", async () => {
    const { pool, workers, clock, killed } = await makePool(1, { stallMs: 5_000 });
    clock.advance(60_000);
    workers[0]!.set("loading");
    const waiting = ask(pool, "early");
    clock.advance(60_000);
    workers[0]!.set("ready");
    clock.advance(4_000);
    assert.deepEqual(killed, [], "the wait for the model does not count");
    workers[0]!.finishAll();
    await waiting;
  });

  test("a worker that failed to load is tried again later; a load every worker fails is an error", async () => {
    const { pool, workers, clock } = await makePool(2);
    workers[1]!.loadError = new ApiError("unavailable", "out of VRAM");
    const status = await pool.load({ modelPath: "/m.gguf" });
    assert.equal(status.state, "ready");
    assert.match(status.message!, /CUDA 1: out of VRAM/);
    assert.equal(workers[1]!.loads, 1);
    workers[1]!.loadError = null;
    clock.advance(30_000);
    await flush();
    assert.equal(workers[1]!.loads, 2);
    assert.equal(pool.workerStats()[1]!.state, "ready");
    assert.equal(pool.status().message, null);

    const { pool: broken, workers: all } = await makePool(2);
    for (const w of all) w.loadError = new ApiError("unavailable", "bad file");
    await assert.rejects(broken.load({ modelPath: "/bad.gguf" }), /bad file/);
  });

  test("request ids are unique across the pool and cancel reaches the right worker", async () => {
    const { pool, workers } = await makePool(2);
    await pool.load({ modelPath: "/m.gguf" });
    const running = ask(pool, "same");
    await assert.rejects(ask(pool, "same"), (error) => error instanceof ApiError && error.code === "conflict");
    const holder = workers.find((w) => w.pending.length === 1)!;
    let cancelled = "";
    holder.cancel = ((id: string) => ((cancelled = id), true)) as never;
    assert.equal(pool.cancel("same"), true);
    assert.equal(cancelled, "same");
    assert.equal(pool.cancel("unknown"), false);
    holder.finishAll();
    await running;
  });

  test("the pool learns the request sizes and concurrency the next load reserves for, refused prompts included", async () => {
    const { pool, workers } = await makePool(1);
    await pool.load({ modelPath: "/m.gguf" });
    assert.deepEqual(pool.requestNeeds(), {}, "nothing is assumed before requests were seen");
    assert.deepEqual(pool.loadParams(), { modelPath: "/m.gguf" });
    for (let round = 0; round < 10; round++) {
      const pair = [ask(pool, `a${round}`), ask(pool, `b${round}`)];
      workers[0]!.finishAll(99); // 1 prompt token + 99 generated
      await Promise.all(pair);
    }
    const refused = ask(pool, "too-long");
    workers[0]!.pending.shift()!.reject(new ApiError("invalid_params", "too long", { reason: "context_length_exceeded", contextSize: 1024, promptTokens: 5000 }));
    await assert.rejects(refused, /too long/);
    const observed = pool.observedRequests();
    assert.equal(observed.sizes.length, 21);
    assert.ok(observed.sizes.includes(5000), "a refused prompt counts as a size to fit");
    assert.deepEqual(pool.requestNeeds(), { requestTokens: Math.ceil(100 * 1.25), concurrency: 2 });
  });
});
