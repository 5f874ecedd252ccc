import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NetworkSettingsStore } from "../../../electron/core/chain/network-settings.js";

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "pf-netsettings-"));
  const warnings: string[] = [];
  return { dir, file: join(dir, "chain-network.json"), warnings, open: () => new NetworkSettingsStore(dir, { warn: (m) => void warnings.push(m) }) };
}

test("endpoints round-trip with a version field, readable at the top level", () => {
  const t = setup();
  assert.deepEqual(t.open().get(), { customRpcUrl: null, customChainId: null, sharedLocalnetRpcUrl: null });
  t.open().set({ customRpcUrl: "https://rpc.example:26657", customChainId: "pocket", sharedLocalnetRpcUrl: null });
  assert.deepEqual(JSON.parse(readFileSync(t.file, "utf8")), { customRpcUrl: "https://rpc.example:26657", customChainId: "pocket", sharedLocalnetRpcUrl: null, version: 1 });
  assert.equal(t.open().get().customRpcUrl, "https://rpc.example:26657");
});

test("a file an earlier build wrote (no version, empty strings for none) still reads", () => {
  const t = setup();
  writeFileSync(t.file, JSON.stringify({ customRpcUrl: "http://10.0.0.5:26657", customChainId: "", sharedLocalnetRpcUrl: null }));
  assert.deepEqual(t.open().get(), { customRpcUrl: "http://10.0.0.5:26657", customChainId: null, sharedLocalnetRpcUrl: null });
  assert.deepEqual(t.warnings, []);
});

test("a damaged file is kept aside and said so, instead of silently forgotten", () => {
  const t = setup();
  writeFileSync(t.file, "{ half");
  assert.deepEqual(t.open().get().customRpcUrl, null);
  assert.ok(readdirSync(t.dir).some((name) => name.startsWith("chain-network.json.unreadable-")));
  assert.equal(t.warnings.length, 1);
});
