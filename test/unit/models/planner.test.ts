import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { HardwareInfo } from "../../../shared/api/hardware.js";
import type { BenchmarkResult, InstalledModel } from "../../../shared/api/models.js";
import { parseCatalog } from "../../../shared/models/catalog-schema.js";
import {
  CPU_EFFICIENCY,
  GPU_EFFICIENCY,
  planDevices,
  planFits,
  planModelFromCatalog,
  planModelFromInstalled,
} from "../../../electron/core/models/planner.js";
import { repoRoot } from "../../fixtures/paths.js";

const GIB = 1024 ** 3;
const catalog = parseCatalog(JSON.parse(readFileSync(resolve(repoRoot, "models", "catalog.json"), "utf8")), "built-in").entries;
const entry = (id: string) => catalog.find((e) => e.id === id)!;
const models = catalog.map(planModelFromCatalog);

function machine(options: { gpus?: Array<{ model: string; vramGiB: number }>; ramGiB: number; backend?: HardwareInfo["compute"]["backend"] }): HardwareInfo {
  const gpus = (options.gpus ?? []).map((g, index) => ({
    index,
    vendor: "NVIDIA",
    model: g.model,
    vramBytes: g.vramGiB * GIB,
    driverVersion: "550.0",
    busAddress: null,
  }));
  return {
    cpu: { manufacturer: "AMD", brand: "Ryzen 7 5800X", cores: 16, physicalCores: 8, speedGHz: 3.8 },
    memory: { totalBytes: options.ramGiB * GIB, availableBytes: options.ramGiB * GIB * 0.7 },
    os: { platform: "linux", distro: "Debian", release: "12", arch: "x64" },
    gpus,
    compute: {
      backend: options.backend ?? (gpus.length ? "cuda" : "cpu"),
      deviceNames: gpus.map((g) => g.model),
      vramTotalBytes: gpus.reduce((s, g) => s + (g.vramBytes ?? 0), 0) || null,
      advice: [],
    },
  };
}

const fitOf = (plan: ReturnType<typeof planFits>, modelId: string, deviceId: string) =>
  plan.fits.find((f) => f.modelId === modelId && f.deviceId === deviceId)!;

test("devices carry spec bandwidth for known GPUs and an assumption otherwise", () => {
  const devices = planDevices(machine({ gpus: [{ model: "NVIDIA GeForce RTX 3060", vramGiB: 12 }, { model: "Mystery Accelerator", vramGiB: 8 }], ramGiB: 32 }), null);
  assert.deepEqual(
    devices.map((d) => [d.id, d.bandwidthGBps, d.bandwidthSource]),
    [["gpu0", 360, "spec"], ["gpu1", 300, "assumed"], ["cpu", 40, "assumed"]],
  );
  assert.equal(planDevices(machine({ ramGiB: 16 }), 85).at(-1)?.bandwidthGBps, 85);
  assert.equal(planDevices(machine({ gpus: [{ model: "NVIDIA GeForce RTX 4070 Ti SUPER", vramGiB: 16 }], ramGiB: 16 }), null)[0].bandwidthGBps, 672);
});

test("an 8B Q4_K_M model fits a 12 GiB GPU fully, at the bandwidth formula's speed", () => {
  const plan = planFits({ hardware: machine({ gpus: [{ model: "NVIDIA GeForce RTX 3060", vramGiB: 12 }], ramGiB: 32 }), models, measured: [], cpuBandwidthGBps: null });
  const fit = fitOf(plan, "llama-3.1-8b-instruct-q4_k_m", "gpu0");
  assert.equal(fit.fit, "full");
  assert.equal(fit.gpuLayers, 32);
  assert.equal(fit.tokensPerSecond, Math.round(((GPU_EFFICIENCY * 360e9) / 4920739232) * 10) / 10);
  assert.equal(fit.tokensPerSecondSource, "estimate");
  assert.equal(fit.earningScore, 4 * Math.min(fit.tokensPerSecond!, 60));
  const cpuFit = fitOf(plan, "llama-3.1-8b-instruct-q4_k_m", "cpu");
  assert.equal(cpuFit.tokensPerSecond, Math.round(((CPU_EFFICIENCY * 40e9) / 4920739232) * 10) / 10);
});

test("a 70B model is split between a 12 GiB GPU and RAM when RAM allows, otherwise it does not fit", () => {
  const roomy = planFits({ hardware: machine({ gpus: [{ model: "NVIDIA GeForce RTX 3060", vramGiB: 12 }], ramGiB: 64 }), models, measured: [], cpuBandwidthGBps: null });
  const split = fitOf(roomy, "deepseek-r1-distill-llama-70b-q4_k_m", "gpu0");
  assert.equal(split.fit, "partial");
  assert.ok(split.gpuLayers > 10 && split.gpuLayers < 30, `${split.gpuLayers} layers on the GPU`);
  assert.equal(split.totalLayers, 80);
  assert.match(split.reason, /of 80 layers fit/);
  const cpuOnly = fitOf(roomy, "deepseek-r1-distill-llama-70b-q4_k_m", "cpu");
  assert.ok(split.tokensPerSecond! > cpuOnly.tokensPerSecond!, "offloading some layers is faster than none");
  assert.equal(split.earningScore, 0, "under 5 tokens/s it earns nothing in the ranking");

  const tight = planFits({ hardware: machine({ gpus: [{ model: "NVIDIA GeForce RTX 3060", vramGiB: 12 }], ramGiB: 32 }), models, measured: [], cpuBandwidthGBps: null });
  const none = fitOf(tight, "deepseek-r1-distill-llama-70b-q4_k_m", "gpu0");
  assert.equal(none.fit, "none");
  assert.match(none.reason, /RAM/);
  assert.equal(fitOf(tight, "deepseek-r1-distill-llama-70b-q4_k_m", "cpu").fit, "none");
});

test("the recommendation is the best-earning catalog model that fits at a useful speed", () => {
  const big = planFits({ hardware: machine({ gpus: [{ model: "NVIDIA GeForce RTX 4090", vramGiB: 24 }], ramGiB: 64 }), models, measured: [], cpuBandwidthGBps: null });
  assert.ok(big.recommendation);
  const pick = fitOf(big, big.recommendation.modelId, big.recommendation.deviceId);
  for (const fit of big.fits) assert.ok(fit.earningScore <= pick.earningScore, `${fit.modelId} on ${fit.deviceId}`);
  assert.ok(entry(big.recommendation.modelId).parameters > 10e9, "a 24 GiB GPU gets a model larger than 10B");
  assert.equal(big.recommendation.deviceId, "gpu0");

  const laptop = planFits({ hardware: machine({ ramGiB: 16 }), models, measured: [], cpuBandwidthGBps: null });
  assert.ok(laptop.recommendation);
  assert.equal(laptop.recommendation.deviceId, "cpu");
  assert.ok(laptop.recommendation.tokensPerSecond >= 5);
  assert.equal(entry(laptop.recommendation.modelId).testOnly, undefined, "test models are never recommended");
  assert.match(laptop.method, /bandwidth/);
});

test("measured benchmark figures replace the estimate for that model and device", () => {
  const hardware = machine({ gpus: [{ model: "NVIDIA GeForce RTX 3060", vramGiB: 12 }], ramGiB: 32 });
  const measured: BenchmarkResult[] = [{
    modelId: "llama-3.1-8b-instruct-q4_k_m",
    deviceId: "gpu0",
    timeToFirstTokenMs: 80,
    promptTokensPerSecond: 900,
    generationTokensPerSecond: 71.23,
    requests: 12,
    durationMs: 60_000,
    measuredAt: 1,
    threads: 2,
    threadTrials: [{ threads: 1, generationTokensPerSecond: 60 }, { threads: 2, generationTokensPerSecond: 71.23 }],
  }];
  const plan = planFits({ hardware, models, measured, cpuBandwidthGBps: null });
  const fit = fitOf(plan, "llama-3.1-8b-instruct-q4_k_m", "gpu0");
  assert.equal(fit.tokensPerSecond, 71.2);
  assert.equal(fit.tokensPerSecondSource, "measured");
  assert.equal(fit.earningScore, 4 * 60);
  assert.equal(fitOf(plan, "llama-3.1-8b-instruct-q4_k_m", "cpu").tokensPerSecondSource, "estimate");
});

test("a GPU the engine cannot use yet is planned but never recommended", () => {
  const plan = planFits({
    hardware: machine({ gpus: [{ model: "NVIDIA GeForce RTX 3060", vramGiB: 12 }], ramGiB: 32, backend: "cpu" }),
    models,
    measured: [],
    cpuBandwidthGBps: null,
  });
  const fit = fitOf(plan, "llama-3.1-8b-instruct-q4_k_m", "gpu0");
  assert.equal(fit.fit, "full");
  assert.equal(fit.earningScore, 0);
  assert.match(fit.reason, /CPU backend/);
  assert.equal(plan.recommendation?.deviceId, "cpu");
});

test("an installed file is planned from its GGUF facts; an unknown import is never recommended", () => {
  const installed: InstalledModel = {
    id: "local-270cba1bd510",
    catalogId: null,
    name: "stories260K",
    path: "/models/x.gguf",
    sizeBytes: 1185376,
    sha256: "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d",
    verified: false,
    cid: null,
    source: { kind: "import", detail: "/tmp/stories260K.gguf" },
    installedAt: 1,
    lastCheck: null,
    gguf: {
      architecture: "llama", name: "llama", parameters: 292800, quantization: "F32", contextLength: 2048, layers: 5,
      embeddingLength: 64, headCount: 8, kvHeads: 4, headDim: 8, chatTemplate: null,
    },
  };
  const model = planModelFromInstalled(installed, undefined)!;
  assert.deepEqual(model.architecture, { layers: 5, kvHeads: 4, headDim: 8 });
  assert.equal(model.contextTokens, 2048);
  assert.equal(model.recommendable, false);
  const plan = planFits({ hardware: machine({ ramGiB: 8 }), models: [model], measured: [], cpuBandwidthGBps: null });
  assert.equal(fitOf(plan, model.modelId, "cpu").fit, "full");
  assert.equal(plan.recommendation, null);
  assert.equal(planModelFromInstalled({ ...installed, gguf: null }, undefined), null);
});
