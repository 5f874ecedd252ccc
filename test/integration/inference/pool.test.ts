import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { parseEvent, parseResult, type WorkerStats } from "../../../shared/api/index.js";
import { createCore } from "../../../electron/core/app/create-core.js";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import { WorkerSupervisor } from "../../../electron/core/inference/worker-supervisor.js";
import { InferencePool } from "../../../electron/core/inference/pool/inference-pool.js";
import { PinnedWorkerLauncher } from "../../../electron/core/inference/pool/devices.js";
import { ForkWorkerLauncher } from "../../../electron/core/inference/worker-launcher.js";
import { testModelPath } from "../../fixtures/paths.js";

/** Two CPU workers stand in for two GPUs: the routing, crash and watchdog logic does not care which device runs. */
const TWO_WORKERS = [
  { backend: "cpu" as const, index: null, name: "stand-in GPU 0" },
  { backend: "cpu" as const, index: null, name: "stand-in GPU 1" },
];

function untilWorkers(pool: InferencePool, predicate: (workers: WorkerStats[]) => boolean): Promise<WorkerStats[]> {
  const now = pool.workerStats();
  if (predicate(now)) return Promise.resolve(now);
  return new Promise((resolve) => {
    const unsubscribe = pool.onWorkers((workers) => {
      if (!predicate(workers)) return;
      unsubscribe();
      resolve(workers);
    });
  });
}

/** The environment a process was started with (Linux). */
function environmentOf(pid: number): Map<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
  return new Map(entries.map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]));
}

describe("InferencePool: two workers behind one OpenAI endpoint", { timeout: 240_000 }, () => {
  const fork = new ForkWorkerLauncher();
  const pool = new InferencePool({
    logger: silentLogger,
    plan: async () => TWO_WORKERS,
    createWorker: (_device, slot) =>
      new WorkerSupervisor({
        logger: silentLogger,
        // A marker in the environment proves each worker process got its own pin.
        launcher: new PinnedWorkerLauncher(fork, { POCKETFORGE_TEST_SLOT: String(slot) }),
        restart: { initialDelayMs: 20 },
      }),
    openAi: { host: "127.0.0.1", port: 0 },
    stallMs: 2_000,
    watchdogIntervalMs: 200,
  });
  let client: OpenAI;

  before(async () => {
    await pool.start();
    await pool.load({ modelPath: testModelPath(), contextSize: 1024, parallelSequences: 2, threads: 1 });
    client = new OpenAI({ baseURL: pool.status().endpoint!, apiKey: "unused", maxRetries: 0 });
  });
  after(() => pool.dispose());

  const ask = (prompt = "Once upon a time", maxTokens = 24) =>
    client.completions.create({ model: "stories260K", prompt, max_tokens: maxTokens, temperature: 0 });

  it("loads the model on both workers, each in its own process with its own environment", () => {
    const status = pool.status();
    assert.equal(status.state, "ready");
    assert.equal(status.model?.parallelSequences, 4, "capacity of both workers");
    const [a, b] = pool.workerStats();
    assert.deepEqual([a!.state, b!.state], ["ready", "ready"]);
    assert.notEqual(a!.pid, null);
    assert.notEqual(a!.pid, b!.pid);
    assert.equal(environmentOf(a!.pid!).get("POCKETFORGE_TEST_SLOT"), "0");
    assert.equal(environmentOf(b!.pid!).get("POCKETFORGE_TEST_SLOT"), "1");
  });

  it("spreads concurrent requests across both workers by free sequences", async () => {
    const before = pool.workerStats().map((w) => w.requestsServed);
    const replies = await Promise.all([ask(), ask(), ask(), ask()]);
    for (const reply of replies) assert.ok(reply.choices[0]!.text.length > 0);
    const served = pool.workerStats().map((w, i) => w.requestsServed - before[i]!);
    assert.deepEqual(served, [2, 2]);
    assert.ok(pool.workerStats().every((w) => w.tokensGenerated > 0));
  });

  it("keeps serving on the other worker when one is killed, and brings the killed one back", async () => {
    const [victim] = pool.workerStats();
    const oldPid = victim!.pid!;
    const restartsBefore = victim!.workerRestarts;
    process.kill(oldPid, "SIGKILL");
    // Sent at once: whatever lands on the dead worker before its exit is noticed moves to the live one.
    const replies = await Promise.all([ask(), ask(), ask()]);
    for (const reply of replies) assert.ok(reply.choices[0]!.text.length > 0);

    const [back] = await untilWorkers(pool, ([w]) => w!.state === "ready" && w!.workerRestarts === restartsBefore + 1);
    assert.notEqual(back!.pid, oldPid);
    assert.equal(pool.status().state, "ready");
    const before = pool.workerStats().map((w) => w.requestsServed);
    await Promise.all([ask(), ask()]);
    assert.deepEqual(pool.workerStats().map((w, i) => w.requestsServed - before[i]!), [1, 1], "both serve again");
  });

  it("restarts a hung worker (no token while a request waits) and its request completes on the other", async () => {
    const [, hung] = pool.workerStats();
    const hungPid = hung!.pid!;
    // A frozen process: alive, holding its request, producing nothing, like a wedged GPU driver.
    process.kill(hungPid, "SIGSTOP");
    const replies = await Promise.all([ask("Once upon a time", 16), ask("The little dog", 16)]);
    for (const reply of replies) assert.ok(reply.choices[0]!.text.length > 0, "both answered");

    const seenHung = pool.workerStats()[1]!;
    assert.equal(seenHung.watchdogRestarts, 1);
    const [, back] = await untilWorkers(pool, ([, w]) => w!.state === "ready" && w!.hold === null);
    assert.notEqual(back!.pid, hungPid);
    assert.equal(back!.watchdogRestarts, 1);
    const again = await ask();
    assert.ok(again.choices[0]!.text.length > 0);
  });
});

describe("createCore in rig mode (rig.workers = 2)", { timeout: 240_000 }, () => {
  const events: Array<{ name: string; payload: unknown }> = [];
  const core = createCore({
    dataDir: mkdtempSync(join(tmpdir(), "pf-rig-core-")),
    version: "0.0.0-test",
    probeCompute: async () => ({ backend: "cpu", deviceNames: [], vramTotalBytes: null }),
    telemetryIntervalMs: 3_600_000,
    overrides: (config) => {
      config.openAi.port = 0;
      config.rig.workers = 2;
      config.inference.modelPath = testModelPath();
      config.inference.contextSize = 1024;
      config.inference.parallelSequences = 1;
    },
  });
  core.events.onAny((name, payload) => {
    parseEvent(name, payload);
    if (name === "rig.workers") events.push({ name, payload });
  });
  before(() => core.start());
  after(() => core.dispose());

  it("serves the OpenAI endpoint from two workers and reports each through rig.workers", async () => {
    const status = core.inference.status();
    assert.equal(status.state, "ready");
    const client = new OpenAI({ baseURL: status.endpoint!, apiKey: "unused", maxRetries: 0 });
    await Promise.all([1, 2].map(() => client.chat.completions.create({ model: "stories260K", messages: [{ role: "user", content: "Tell me a story" }], max_tokens: 8, temperature: 0 })));

    const { workers } = parseResult("rig.workers", await core.router.call("rig.workers", {}, { transport: "internal" }));
    assert.equal(workers.length, 2);
    assert.deepEqual(workers.map((w) => w.requestsServed), [1, 1]);
    assert.ok(workers.every((w) => w.state === "ready" && w.pid !== null));
    assert.ok(events.length > 0, "rig.workers events were pushed");
  });
});
