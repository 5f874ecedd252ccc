import { test } from "node:test";
import assert from "node:assert/strict";
import type { ModelFit, PlanResult } from "../../../shared/api/index.js";
import type { CatalogEntry } from "../../../shared/models/catalog-schema.js";
import { bestFit, catalogRows, fitBadge } from "../../../renderer/src/view-models/catalog.js";

function entry(id: string, patch: Partial<CatalogEntry> = {}): CatalogEntry {
  return {
    id,
    name: id.toUpperCase(),
    family: "llama",
    license: "mit",
    parameters: 1e9,
    quantization: "Q4_K_M",
    verified: false,
    contextLength: 4096,
    architecture: { layers: 16, kvHeads: 8, headDim: 64 },
    needs: { vramBytes: 1e9, ramBytes: 2e9, contextTokens: 4096 },
    pokt: { serviceId: id, weight: 1 },
    sources: [{ kind: "https", url: `https://example.org/${id}.gguf` }],
    ...patch,
  };
}

function fit(modelId: string, deviceId: string, kind: ModelFit["fit"], earningScore: number): ModelFit {
  return { modelId, deviceId, fit: kind, gpuLayers: 0, totalLayers: 16, needBytes: 1e9, tokensPerSecond: earningScore, tokensPerSecondSource: "estimate", earningScore, reason: `${modelId} on ${deviceId}` };
}

const plan: PlanResult = {
  devices: [
    { id: "gpu0", kind: "gpu", name: "RTX 3060", memoryBytes: 12e9, bandwidthGBps: 360, bandwidthSource: "spec" },
    { id: "cpu", kind: "cpu", name: "CPU", memoryBytes: 32e9, bandwidthGBps: 50, bandwidthSource: "assumed" },
  ],
  fits: [
    fit("small", "gpu0", "full", 50),
    fit("small", "cpu", "full", 8),
    fit("mid", "gpu0", "partial", 70),
    fit("huge", "gpu0", "none", 0),
    fit("huge", "cpu", "none", 0),
    fit("test", "cpu", "full", 500),
  ],
  recommendation: { modelId: "mid", deviceId: "gpu0", tokensPerSecond: 70, earningScore: 70, reason: "earns most" },
  method: "…",
};

test("the best fit is where the model earns most, and a fit that runs beats one that does not", () => {
  assert.equal(bestFit(plan.fits, "small")?.deviceId, "gpu0");
  assert.equal(bestFit([fit("x", "gpu0", "none", 99), fit("x", "cpu", "full", 1)], "x")?.deviceId, "cpu");
  assert.equal(bestFit(plan.fits, "unknown"), null);
});

test("badges name the device and the kind of fit", () => {
  assert.deepEqual(fitBadge(plan.fits[0], plan.devices), { text: "Fits RTX 3060", tone: "ok", reason: "small on gpu0" });
  assert.equal(fitBadge(plan.fits[2], plan.devices).text, "Partly on RTX 3060");
  assert.equal(fitBadge(plan.fits[1], plan.devices).text, "Runs on the CPU");
  assert.equal(fitBadge(plan.fits[3], plan.devices).tone, "error");
});

test("the recommendation comes first, then runnable models by earnings, then what does not fit; test models only on request", () => {
  const entries = [entry("huge"), entry("small"), entry("test", { testOnly: true }), entry("mid")];
  const rows = catalogRows({ entries, plan, installed: [], downloads: {}, includeTestModels: false });
  assert.deepEqual(rows.map((r) => r.entry.id), ["mid", "small", "huge"]);
  assert.equal(rows[0].recommended, true);
  const withTests = catalogRows({ entries, plan, installed: [], downloads: {}, includeTestModels: true });
  assert.deepEqual(withTests.map((r) => r.entry.id), ["mid", "small", "huge", "test"]);
});

test("rows carry the installed file and the running download of their model", () => {
  const installed = [{ id: "small", catalogId: "small" } as never];
  const download = { modelId: "mid", state: "downloading" } as never;
  const rows = catalogRows({ entries: [entry("small"), entry("mid")], plan, installed, downloads: { mid: download }, includeTestModels: false });
  assert.equal(rows.find((r) => r.entry.id === "small")?.installed, installed[0]);
  assert.equal(rows.find((r) => r.entry.id === "mid")?.download, download);
});

test("without a plan yet, rows have no badge and keep the catalog usable", () => {
  const rows = catalogRows({ entries: [entry("b"), entry("a")], plan: null, installed: [], downloads: {}, includeTestModels: false });
  assert.deepEqual(rows.map((r) => [r.entry.id, r.badge]), [["a", null], ["b", null]]);
});
