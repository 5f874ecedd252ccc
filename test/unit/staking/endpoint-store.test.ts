import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { LogSink } from "../../../electron/core/runtime/logger.js";
import { EndpointStore } from "../../../electron/core/staking/endpoint-store.js";

test("the staking endpoint reads files earlier versions wrote, saves 0600, and keeps a damaged file aside", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "pf-endpoint-"));
  const logs = new LogSink({ dir: null });
  try {
    const file = join(dataDir, "staking.json");
    assert.equal(new EndpointStore(dataDir, logs.logger("staking")).get(), null, "no file: nothing remembered");
    writeFileSync(file, JSON.stringify({ format: "pocketforge-staking-v1", publicUrl: "https://rig.example.com" }, null, 2) + "\n");
    const store = new EndpointStore(dataDir, logs.logger("staking"));
    assert.equal(store.get(), "https://rig.example.com");
    store.set("https://rig2.example.com");
    assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), { format: "pocketforge-staking-v1", publicUrl: "https://rig2.example.com" });
    assert.equal(statSync(file).mode & 0o777, 0o600);

    writeFileSync(file, "{ not json");
    assert.equal(new EndpointStore(dataDir, logs.logger("staking")).get(), null);
    assert.equal(existsSync(file), false);
    assert.equal(readdirSync(dataDir).filter((name) => name.startsWith("staking.json.unreadable-")).length, 1, "kept aside, not deleted");
    assert.ok(logs.tail(10, "warn").length >= 1, "the person is told");
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
