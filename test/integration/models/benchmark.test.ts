import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import { defaultThreads, WorkerSupervisor } from "../../../electron/core/inference/index.js";
import { ModelService } from "../../../electron/core/models/model-service.js";
import type { HardwareInfo } from "../../../shared/api/index.js";
import { sharedAssetsDir, testModelPath } from "../../fixtures/paths.js";

const work = mkdtempSync(join(tmpdir(), "pf-models-bench-"));
// Loads are tuned the way the app tunes them: with the thread count the model's benchmark kept.
let tuning: ModelService | null = null;
const inference = new WorkerSupervisor({ logger: silentLogger, tune: (path) => tuning?.loadTuning(path, "cpu") ?? {} });
after(async () => {
  await inference.dispose();
  rmSync(work, { recursive: true, force: true });
});

const hardware: HardwareInfo = {
  cpu: { manufacturer: "Test", brand: "Test CPU", cores: 2, physicalCores: 2, speedGHz: 3 },
  memory: { totalBytes: 8 * 1024 ** 3, availableBytes: 6 * 1024 ** 3 },
  os: { platform: "linux", distro: "test", release: "1", arch: "x64" },
  gpus: [],
  compute: { backend: "cpu", deviceNames: [], vramTotalBytes: null, advice: [] },
};

function service(): ModelService {
  return new ModelService({
    dataDir: work,
    logger: silentLogger,
    emit: () => {},
    hardware: { getInfo: async () => hardware },
    inference,
    benchmarkThreadCandidates: [1, 2],
  });
}

test("a benchmark tries thread counts through the inference engine, replaces the estimate, and restores the serving model", { timeout: 180_000 }, async () => {
  const models = service();
  tuning = models;
  const installed = await models.import(testModelPath(), "test-stories260k");
  const serving = resolve(sharedAssetsDir, "models", "llama-2-tiny-random.gguf");
  await inference.load({ modelPath: serving, contextSize: 512, threads: 1 });

  const estimated = (await models.plan()).fits.find((f) => f.modelId === installed.id && f.deviceId === "cpu")!;
  assert.equal(estimated.tokensPerSecondSource, "estimate");

  const result = await models.benchmark(installed.id, 5, 3);
  assert.equal(result.modelId, installed.id);
  assert.deepEqual(result.threadTrials.map((t) => t.threads), [1, 2], "every candidate thread count was tried");
  assert.ok(result.threadTrials.every((t) => t.generationTokensPerSecond > 0), JSON.stringify(result.threadTrials));
  assert.ok(result.threads === 1 || result.threads === 2, `threads ${result.threads}`);
  assert.equal(result.deviceId, "cpu");
  assert.equal(result.requests, 3);
  assert.ok(result.timeToFirstTokenMs > 0, `ttft ${result.timeToFirstTokenMs}`);
  assert.ok(result.promptTokensPerSecond > 0 && result.generationTokensPerSecond > 0, JSON.stringify(result));
  assert.equal(inference.status().model?.path, serving, "the model that was serving before is loaded again");
  assert.equal(inference.status().model?.threads, 1, "with the threads it was loaded with");

  // Stored per model and device: a new service on the same data dir plans with the measured figure.
  const measured = (await service().plan()).fits.find((f) => f.modelId === installed.id && f.deviceId === "cpu")!;
  assert.equal(measured.tokensPerSecondSource, "measured");
  assert.equal(measured.tokensPerSecond, Math.round(result.generationTokensPerSecond * 10) / 10);
});

test("a model loads with the thread count its benchmark kept, and its KV cache within the plan's memory", { timeout: 120_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "pf-models-tuned-"));
  try {
    const models = new ModelService({ dataDir, logger: silentLogger, emit: () => {}, hardware: { getInfo: async () => hardware } });
    const installed = await models.import(testModelPath(), "test-stories260k");
    // Not the machine default, so the load can only get it from the stored benchmark.
    const measuredThreads = defaultThreads() + 1;
    writeFileSync(
      join(dataDir, "models", "benchmarks.json"),
      JSON.stringify({
        format: "pocketforge-benchmarks-v1",
        results: [{
          modelId: installed.id, deviceId: "cpu", timeToFirstTokenMs: 5, promptTokensPerSecond: 1000, generationTokensPerSecond: 500,
          requests: 3, durationMs: 1000, measuredAt: 1, threads: measuredThreads,
          threadTrials: [{ threads: 1, generationTokensPerSecond: 400 }, { threads: measuredThreads, generationTokensPerSecond: 500 }],
        }],
      }),
    );
    const tuned = new ModelService({ dataDir, logger: silentLogger, emit: () => {}, hardware: { getInfo: async () => hardware } });
    const tuning = await tuned.loadTuning(installed.path, "cpu");
    assert.equal(tuning.threads, measuredThreads);
    assert.ok(tuning.memoryBudgetBytes! > 0 && tuning.memoryBudgetBytes! < hardware.memory.totalBytes, `budget ${tuning.memoryBudgetBytes}`);

    const engine = new WorkerSupervisor({ logger: silentLogger, tune: (path) => tuned.loadTuning(path, "cpu") });
    try {
      const status = await engine.load({ modelPath: installed.path });
      assert.equal(status.model?.threads, measuredThreads);
      // An explicit choice still wins over the tuning.
      assert.equal((await engine.load({ modelPath: installed.path, threads: 1 })).model?.threads, 1);
    } finally {
      await engine.dispose();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
