import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import { WorkerSupervisor } from "../../../electron/core/inference/index.js";
import { ModelService } from "../../../electron/core/models/model-service.js";
import type { HardwareInfo } from "../../../shared/api/index.js";
import { sharedAssetsDir, testModelPath } from "../../fixtures/paths.js";

const work = mkdtempSync(join(tmpdir(), "pf-models-bench-"));
const inference = new WorkerSupervisor({ logger: silentLogger });
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
  return new ModelService({ dataDir: work, logger: silentLogger, emit: () => {}, hardware: { getInfo: async () => hardware }, inference });
}

test("a benchmark runs through the inference engine, replaces the estimate, and restores the serving model", { timeout: 180_000 }, async () => {
  const models = service();
  const installed = await models.import(testModelPath(), "test-stories260k");
  const serving = resolve(sharedAssetsDir, "models", "llama-2-tiny-random.gguf");
  await inference.load({ modelPath: serving, contextSize: 512, threads: 1 });

  const estimated = (await models.plan()).fits.find((f) => f.modelId === installed.id && f.deviceId === "cpu")!;
  assert.equal(estimated.tokensPerSecondSource, "estimate");

  const result = await models.benchmark(installed.id, 5, 3);
  assert.equal(result.modelId, installed.id);
  assert.equal(result.deviceId, "cpu");
  assert.equal(result.requests, 3);
  assert.ok(result.timeToFirstTokenMs > 0, `ttft ${result.timeToFirstTokenMs}`);
  assert.ok(result.promptTokensPerSecond > 0 && result.generationTokensPerSecond > 0, JSON.stringify(result));
  assert.equal(inference.status().model?.path, serving, "the model that was serving before is loaded again");

  // Stored per model and device: a new service on the same data dir plans with the measured figure.
  const measured = (await service().plan()).fits.find((f) => f.modelId === installed.id && f.deviceId === "cpu")!;
  assert.equal(measured.tokensPerSecondSource, "measured");
  assert.equal(measured.tokensPerSecond, Math.round(result.generationTokensPerSecond * 10) / 10);
});
