// Serving installed models beyond loopback opens a listener to other machines: while a wallet exists, sharing.update
// asks for its passphrase, as moving any listener beyond loopback does (app.setPorts, reach.configure). Through a whole
// engine (createCore's own wiring, the API router as every transport calls it, a real gateway listening).
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { createCore } from "../../../electron/core/app/create-core.js";
import { cpuOnly } from "../../../electron/core/hardware/compute-probe.js";
import { ApiError, parseResult, type MethodName } from "../../../shared/api/index.js";

const PASSPHRASE = "sharing needs this passphrase";
const work = mkdtempSync(join(tmpdir(), "pf-sharing-passphrase-"));
/** A UDP port nothing uses: the engine's mDNS socket stays away from 5353 and from other test runs. */
const mdnsPort = await (async () => {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
})();
const core = createCore({
  dataDir: work,
  version: "0.0.0-test",
  probeCompute: async () => cpuOnly(),
  telemetryIntervalMs: 3_600_000,
  // Neither announcing nor browsing either (turned off below before serving).
  mdns: { port: mdnsPort },
  overrides: (config) => {
    config.openAi.port = 0;
    config.relayMiner.listen.port = 0;
    config.relayMiner.metrics.port = 0;
  },
});
after(async () => {
  await core.dispose();
  rmSync(work, { recursive: true, force: true });
});

async function call<M extends MethodName>(method: M, params: unknown) {
  return parseResult(method, await core.router.call(method, params, { transport: "websocket", peer: "127.0.0.1" }));
}

/** The refusal's code and reason, or "accepted". */
async function refusal(method: MethodName, params: unknown): Promise<string> {
  try {
    await core.router.call(method, params, { transport: "websocket", peer: "127.0.0.1" });
  } catch (error) {
    assert.ok(error instanceof ApiError, String(error));
    return `${error.code}${error.details?.reason ? `:${String(error.details.reason)}` : ""}`;
  }
  return "accepted";
}

test("sharing.update asks for the wallet passphrase when the gateway starts listening beyond loopback, and only then", { timeout: 120_000 }, async () => {
  await core.start();
  await call("sharing.update", { announce: false, discover: false });

  // No wallet yet: nothing to ask for (a fresh rig can share before it has keys).
  let status = await call("sharing.update", { serve: true, host: "0.0.0.0", port: 0 });
  assert.equal(status.gateway.state, "listening");
  assert.equal(core.sharing.status().settings.host, "0.0.0.0");
  status = await call("sharing.update", { serve: false });
  assert.equal(status.gateway.state, "off");

  await call("wallet.create", { words: 12, label: "operator", passphrase: PASSPHRASE });
  assert.equal((await call("wallet.status", {})).state, "unlocked");

  // Beyond loopback without the passphrase, then with a wrong one: refused, nothing saved, nothing listening.
  assert.equal(await refusal("sharing.update", { serve: true, host: "0.0.0.0", port: 0 }), "wrong_passphrase:passphrase_required");
  assert.equal(await refusal("sharing.update", { serve: true, host: "0.0.0.0", port: 0, passphrase: "a guess" }), "wrong_passphrase");
  assert.equal(core.sharing.status().gateway.state, "off");
  assert.equal(core.sharing.status().settings.serve, false, "the refused change was not saved");

  // On loopback it is not asked for.
  status = await call("sharing.update", { serve: true, host: "127.0.0.1", port: 0 });
  assert.equal(status.gateway.state, "listening");
  const loopbackUrls = status.gateway.urls;
  assert.match(loopbackUrls.join(" "), /^http:\/\/127\.0\.0\.1:\d+$/);

  // Moving a loopback gateway to the LAN is opening it: asked again; refused, it stays on loopback.
  assert.equal(await refusal("sharing.update", { host: "0.0.0.0" }), "wrong_passphrase:passphrase_required");
  assert.equal(core.sharing.status().settings.host, "127.0.0.1");
  assert.deepEqual(core.sharing.status().gateway.urls, loopbackUrls, "the gateway still listens where it did");

  // With the right passphrase it opens.
  status = await call("sharing.update", { host: "0.0.0.0", port: 0, passphrase: PASSPHRASE });
  assert.equal(status.gateway.state, "listening");
  assert.equal(status.settings.host, "0.0.0.0");

  // Already beyond loopback: other changes (the upload cap here) are not asked for again.
  status = await call("sharing.update", { uploadLimitMiBps: 50 });
  assert.equal(status.gateway.state, "listening");
  assert.equal(status.settings.uploadLimitMiBps, 50);
});
