// Electron builds Node on BoringSSL, which has no SHA-3: there ring challenges are hashed with noble's Keccak. Nothing
// here runs Electron, so the fallback is forced (POCKETFORGE_SHA3=js) in child processes and held to the Go vectors.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import assert from "node:assert/strict";
import { SHA3_SOURCE } from "../../../electron/core/pokt/ring/scalar.js";

const scalarModule = new URL("../../../electron/core/pokt/ring/scalar.ts", import.meta.url).href;
const vectorHarness = fileURLToPath(new URL("./vector-harness.test.ts", import.meta.url));
// Without the parent runner's NODE_TEST_CONTEXT the child reports in plain TAP instead of to this runner.
const { NODE_TEST_CONTEXT: _parentRunner, ...inherited } = process.env;
const withoutNativeSha3 = { ...inherited, POCKETFORGE_SHA3: "js" };

test("plain Node hashes ring challenges with OpenSSL's SHA3-512", () => {
  assert.equal(SHA3_SOURCE, "openssl");
});

test("without the runtime's SHA-3 (Electron), ring challenges use noble's and every upstream vector still passes", () => {
  const source = spawnSync(process.execPath, ["--import", "tsx", "-e", `import(${JSON.stringify(scalarModule)}).then((m) => console.log(m.SHA3_SOURCE))`], {
    env: withoutNativeSha3,
    encoding: "utf8",
  });
  assert.equal(source.stdout.trim(), "noble", source.stderr);
  const vectors = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", vectorHarness], { env: withoutNativeSha3, encoding: "utf8" });
  assert.equal(vectors.status, 0, `${vectors.stdout}\n${vectors.stderr}`);
  assert.match(vectors.stdout, /^# fail 0$/m);
  assert.match(vectors.stdout, /^# pass [1-9]\d*$/m);
});
