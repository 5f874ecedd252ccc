import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { CONFIG_VERSION, ConfigSchema, ConfigStore } from "../../../electron/core/app/config.js";
import { silentLogger } from "../../../electron/core/runtime/logger.js";

test("a version-1 config written before the desktop settings existed keeps its values and gains the defaults", () => {
  const dir = mkdtempSync(join(tmpdir(), "pf-config-"));
  writeFileSync(
    join(dir, "config.json"),
    JSON.stringify({ version: 1, network: "beta", inference: { modelPath: "/m.gguf", contextSize: 4096, parallelSequences: 2 } }),
  );
  const config = new ConfigStore(dir, silentLogger).get();
  assert.equal(CONFIG_VERSION, 1);
  assert.equal(config.network, "beta");
  assert.equal(config.inference.modelPath, "/m.gguf");
  assert.deepEqual([config.inference.contextSize, config.inference.parallelSequences], [4096, 2], "the owner's reservation is kept");
  assert.equal(config.availability.mode, "always");
  assert.equal(config.availability.idleAfterSeconds, 300);
  assert.deepEqual(config.availability.schedule.days, [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(config.desktop.startOnLogin, true);
  assert.equal(config.desktop.closeToTray, true);
  assert.equal(config.updates.channel, "stable");
  assert.equal(config.rig.workers, "auto");
  assert.equal(config.rig.maxGpuTemperatureC, 85);
});

test("the KV cache is reserved by need unless set; the fixed 2048 × 4 earlier versions wrote as defaults reads as unset", () => {
  assert.deepEqual(ConfigSchema.parse({ version: 1 }).inference, { modelPath: null, contextSize: null, parallelSequences: null });
  const legacy = ConfigSchema.parse({ version: 1, inference: { modelPath: "/m.gguf", contextSize: 2048, parallelSequences: 4 } });
  assert.deepEqual(legacy.inference, { modelPath: "/m.gguf", contextSize: null, parallelSequences: null });
  const chosen = ConfigSchema.parse({ version: 1, inference: { modelPath: null, contextSize: 2048, parallelSequences: 2 } });
  assert.deepEqual([chosen.inference.contextSize, chosen.inference.parallelSequences], [2048, 2]);
});

test("partial nested settings are completed, not replaced", () => {
  const parsed = ConfigSchema.parse({ version: 1, availability: { mode: "schedule", schedule: { hours: [1, 2] } }, rig: { workers: 2 } });
  assert.deepEqual(parsed.availability.schedule, { days: [0, 1, 2, 3, 4, 5, 6], hours: [1, 2] });
  assert.equal(parsed.availability.maxWaitForSessionEndSeconds, 60);
  assert.equal(parsed.rig.workers, 2);
  assert.equal(parsed.rig.watchdogSeconds, 90);
});

test("settings out of range are refused, including a resume temperature at or above the limit", () => {
  assert.equal(ConfigSchema.safeParse({ version: 1, rig: { workers: 0 } }).success, false);
  assert.equal(ConfigSchema.safeParse({ version: 1, rig: { workers: "many" } }).success, false);
  assert.equal(ConfigSchema.safeParse({ version: 1, availability: { schedule: { hours: [24] } } }).success, false);
  assert.equal(ConfigSchema.safeParse({ version: 1, updates: { channel: "nightly" } }).success, false);
  const flapping = ConfigSchema.safeParse({ version: 1, rig: { maxGpuTemperatureC: 80, resumeGpuTemperatureC: 80 } });
  assert.equal(flapping.success, false);
  assert.match(JSON.stringify(flapping.error?.issues), /resumeGpuTemperatureC/);
});

test("an update feed in config.json is an https address without credentials, and none by default", () => {
  assert.equal(ConfigSchema.parse({ version: 1 }).updates.feedUrl, null);
  const feedUrl = "https://mirror.example.net/pocketforge/";
  assert.equal(ConfigSchema.parse({ version: 1, updates: { feedUrl } }).updates.feedUrl, feedUrl);
  for (const bad of ["http://mirror.example.net/", "file:///srv/feed", "https://user:secret@mirror.example.net/", "mirror.example.net", ""]) {
    const parsed = ConfigSchema.safeParse({ version: 1, updates: { feedUrl: bad } });
    assert.equal(parsed.success, false, bad);
    assert.match(JSON.stringify(parsed.error?.issues), /feedUrl/);
  }
});

test("the localnet profile: mainnet-like unless config.json says fast; anything else is refused", () => {
  assert.equal(ConfigSchema.parse({ version: 1 }).localnet.profile, "mainnet-like");
  assert.equal(ConfigSchema.parse({ version: 1, localnet: { profile: "fast" } }).localnet.profile, "fast");
  assert.equal(ConfigSchema.safeParse({ version: 1, localnet: { profile: "slow" } }).success, false);
  assert.equal(ConfigSchema.safeParse({ version: 1, localnet: { profile: "fast", blocks: 3 } }).success, false);
});
