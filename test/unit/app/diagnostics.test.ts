import { test } from "node:test";
import assert from "node:assert/strict";
import { buildDiagnostics, redactValue } from "../../../electron/core/app/diagnostics.js";
import { createAppHandlers } from "../../../electron/core/app/handlers/app-handlers.js";
import { LogSink } from "../../../electron/core/runtime/logger.js";

const TOKEN = "0123456789abcdef0123456789abcdef";

test("secret-named keys are redacted at any depth, figures with similar names are kept", () => {
  const value = redactValue(
    { wallet: { accounts: [{ address: "pokt1x", mnemonic: "abandon …", privateKeyHex: "ff" }] }, passphrase: "p", stats: { tokensGenerated: 12 }, accessToken: "t" },
    [],
  );
  assert.deepEqual(value, {
    wallet: { accounts: [{ address: "pokt1x", mnemonic: "[redacted]", privateKeyHex: "[redacted]" }] },
    passphrase: "[redacted]",
    stats: { tokensGenerated: 12 },
    accessToken: "[redacted]",
  });
});

test("known secret values are scrubbed wherever they appear, even inside log text", async () => {
  const bundle = await buildDiagnostics({
    sections: { logs: () => [{ message: `dashboard at http://0.0.0.0:8640/?token=${TOKEN}` }], amounts: () => ({ upokt: 10n }) },
    secrets: () => [TOKEN],
    now: () => Date.UTC(2025, 4, 6, 7, 8, 9),
  });
  assert.equal(bundle.fileName, "pocketforge-diagnostics-2025-05-06T07-08-09-000Z.json");
  assert.doesNotMatch(bundle.content, new RegExp(TOKEN));
  const parsed = JSON.parse(bundle.content);
  assert.equal(parsed.logs[0].message, "dashboard at http://0.0.0.0:8640/?token=[redacted]");
  assert.equal(parsed.amounts.upokt, "10");
  assert.equal(parsed.format, "pocketforge-diagnostics-v1");
});

test("a section that fails is reported as unavailable and the rest of the bundle still comes", async () => {
  const bundle = await buildDiagnostics({
    sections: { hardware: () => Promise.reject(new Error("probe failed")), info: () => ({ version: "1.0.0" }) },
    secrets: () => [],
  });
  const parsed = JSON.parse(bundle.content);
  assert.deepEqual(parsed.hardware, { unavailable: "probe failed" });
  assert.deepEqual(parsed.info, { version: "1.0.0" });
});

test("a folder opens only for the desktop window; a browser gets its path", async () => {
  const opened: string[] = [];
  const handlers = createAppHandlers({
    info: () => ({ name: "PocketForge", version: "1", apiVersion: 1, platform: "linux", arch: "x64", dataDir: "/data", network: "localnet", startedAt: 0 }),
    logs: new LogSink({ dir: null }),
    folders: { data: "/data", logs: "/data/logs", models: "/data/models" },
    openPath: async (path) => (opened.push(path), ""),
  });
  assert.deepEqual(await handlers["app.openFolder"]({ folder: "logs" }, { transport: "websocket" }), { opened: false, path: "/data/logs" });
  assert.deepEqual(opened, []);
  assert.deepEqual(await handlers["app.openFolder"]({ folder: "models" }, { transport: "ipc" }), { opened: true, path: "/data/models" });
  assert.deepEqual(opened, ["/data/models"]);
});

test("credentials inside URLs and API-key headers are scrubbed", async () => {
  const bundle = await buildDiagnostics({
    sections: {
      settings: () => ({
        rpcUrl: "https://alice:hunter2@rpc.example.com:443/v1/3f9a2c7e1b4d4e8fa0c1d2e3f4a5b6c7?network=main",
        gatewayUrl: "https://eth.example.org/v2/AbCdEf0123456789xyzUVW/extra",
        indexer: "https://api.example.net/query?apikey=s3cr3t-value&limit=10",
        headers: { "X-API-Key": "abc123", "api-key": "def456", apiKey: "ghi789" },
        plain: "https://rpc.example.com/v1/status and /cosmos/base/tendermint/v1beta1/blocks/latest",
      }),
    },
    secrets: () => [],
  });
  const text = bundle.content;
  for (const secret of ["alice", "hunter2", "3f9a2c7e1b4d4e8fa0c1d2e3f4a5b6c7", "AbCdEf0123456789xyzUVW", "s3cr3t-value", "abc123", "def456", "ghi789"]) {
    assert.ok(!text.includes(secret), `${secret} leaked`);
  }
  const settings = JSON.parse(text).settings;
  assert.equal(settings.rpcUrl, "https://[redacted]@rpc.example.com:443/v1/[redacted]?network=main");
  assert.equal(settings.gatewayUrl, "https://eth.example.org/v2/[redacted]/extra");
  assert.equal(settings.indexer, "https://api.example.net/query?apikey=[redacted]&limit=10");
  assert.equal(settings.plain, "https://rpc.example.com/v1/status and /cosmos/base/tendermint/v1beta1/blocks/latest", "ordinary URLs stay readable");
});
