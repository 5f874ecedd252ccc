import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { InferenceUsageStore } from "../../../electron/core/app/inference-usage.js";
import { dataDirLayout } from "../../../electron/core/runtime/data-dir.js";
import { silentLogger } from "../../../electron/core/runtime/logger.js";

test("the request sizes the engine served are saved when it stops and read at the next start", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pf-usage-"));
  const path = dataDirLayout(dir).inferenceUsage;
  const first = new InferenceUsageStore(path, silentLogger);
  assert.deepEqual(first.get(), { sizes: [], concurrency: [] });
  await first.saver(() => ({ sizes: [300, 1200], concurrency: [1, 2] })).dispose();
  assert.deepEqual(new InferenceUsageStore(path, silentLogger).get(), { sizes: [300, 1200], concurrency: [1, 2] });
});

test("a damaged usage file is kept aside and the engine starts with nothing observed", () => {
  const dir = mkdtempSync(join(tmpdir(), "pf-usage-"));
  const path = dataDirLayout(dir).inferenceUsage;
  writeFileSync(path, JSON.stringify({ format: "pocketforge-inference-usage-v1", usage: { sizes: ["x"], concurrency: [] } }));
  assert.deepEqual(new InferenceUsageStore(path, silentLogger).get(), { sizes: [], concurrency: [] });
  assert.ok(readdirSync(dir).some((name) => name.startsWith("inference-usage.json.invalid-")), readdirSync(dir).join(", "));
});
