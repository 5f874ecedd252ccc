// The relay miner service over the in-memory chain: real HTTP listener, real ledger file, /metrics, the API
// shapes, pause/resume, and a restart that rebuilds the session tree from the ledger.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { EarningsSummary, MinerMetrics, MinerStatus, type EventName } from "../../../shared/api/index.js";
import { LogSink } from "../../../electron/core/runtime/logger.js";
import { Ledger } from "../../../electron/core/ledger/ledger.js";
import { RelayMinerConfig } from "../../../electron/core/relayminer/config.js";
import { RelayMinerService } from "../../../electron/core/relayminer/relayminer-service.js";
import { FakeRelayChain, ManualBlocks, TEST_SERVICE_ID, testKey } from "../../fixtures/relayminer/chain.js";
import { FakeClaimChain } from "../../fixtures/relayminer/claim-chain.js";
import { echoHandler, signerOf } from "../../fixtures/relayminer/harness.js";
import { decodeReply, signedRelayRequest } from "../../fixtures/relayminer/relays.js";

function post(url: string, body: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { "Content-Type": "application/json", "Content-Length": body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function get(url: string): Promise<string> {
  const response = await fetch(url);
  return response.text();
}

test("the service serves relays over HTTP, exposes /metrics and the API shapes, survives a restart, and settles", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pf-miner-"));
  const chain = new FakeRelayChain();
  const app = testKey("service-test-app");
  const operator = testKey("service-test-operator");
  chain.addApplication(app, 10_000_000_000n);
  chain.addSupplier(operator);
  const blocks = new ManualBlocks(chain, 5n);
  const claims = new FakeClaimChain(chain, () => blocks.latest()!.height);
  claims.balances.set(operator.address, 1_000_000n);
  const events: Array<{ event: EventName; payload: unknown }> = [];
  const stageWaiters = new Map<string, () => void>();
  const config = RelayMinerConfig.parse({
    listen: { host: "127.0.0.1", port: 0 },
    metrics: { enabled: true, host: "127.0.0.1", port: 0 },
    services: [{ serviceId: TEST_SERVICE_ID, backend: { type: "inference" } }],
    ringVerifierThreads: 1,
  });
  let ledger = new Ledger({ path: join(dir, "ledger.sqlite") });
  const makeService = () =>
    new RelayMinerService({
      ledger,
      logger: new LogSink({ dir: null }).logger("relayminer"),
      config: () => config,
      signer: () => signerOf(operator),
      inferenceHandler: () => echoHandler,
      connect: async () => ({ relayChain: chain, claimChain: claims, blocks, blockTimeMs: 1000, close: async () => {} }),
      emit: (event, payload) => {
        events.push({ event, payload });
        if (event === "miner.session") stageWaiters.get((payload as { stage: string }).stage)?.();
      },
    });
  let service = makeService();
  const header = chain.sessionAt(app.address, TEST_SERVICE_ID, 5n).header!;
  const relay = (i: number) => signedRelayRequest({ header, operatorAddress: operator.address, signer: app, body: `{"i":${i}}` }).bytes;
  try {
    assert.equal(service.status().state, "stopped");
    const started = MinerStatus.parse(await service.startMining());
    assert.equal(started.state, "running");
    assert.match(started.listenUrl!, /^http:\/\/127\.0\.0\.1:\d+$/);
    for (let i = 0; i < 3; i++) assert.equal(decodeReply(await post(`${started.listenUrl}/any/path`, relay(i))).response.relayMinerError, undefined);

    const metricsText = await get(service.status().metricsUrl!);
    assert.match(metricsText, new RegExp(`relayminer_requests_success_total\\{service_id="${TEST_SERVICE_ID}"\\} 3`));
    assert.match(metricsText, /relayminer_block_height_current 5/);
    const snapshot = MinerMetrics.parse(service.metricsSnapshot());
    assert.equal(snapshot.relaysTotal, 3);
    assert.equal(snapshot.minedTotal, 3);
    assert.equal(snapshot.currentSession?.minedRelays, 3);
    assert.equal(snapshot.currentSession?.progress, 0.5);
    assert.ok(events.some((e) => e.event === "miner.relay"));

    // Pause: no listener while paused; resume serves again on the same port.
    await service.serving.pause({ drain: true });
    assert.equal(service.serving.state(), "paused");
    assert.equal(service.status().state, "paused");
    await assert.rejects(post(started.listenUrl!, relay(99)));
    await service.serving.resume();
    assert.equal(decodeReply(await post(started.listenUrl!, relay(3))).response.relayMinerError, undefined);

    // Restart with a new service over the same ledger file: the tree comes back with all 4 relays.
    const rootBefore = [...service.status().sessions][0];
    await service.stopMining();
    ledger.close();
    ledger = new Ledger({ path: join(dir, "ledger.sqlite") });
    service = makeService();
    const restarted = await service.startMining();
    assert.equal(restarted.sessions.length, 1);
    assert.equal(restarted.sessions[0].minedRelays, 4);
    assert.equal(restarted.sessions[0].computeUnits, "400");
    assert.equal(rootBefore.sessionId, restarted.sessions[0].sessionId);

    // Claim, proof, settlement, block by block.
    const settled = new Promise<void>((resolve) => stageWaiters.set("settled", resolve));
    for (let height = 6n; height <= 20n; height++) {
      blocks.advanceTo(height);
      await service.idle();
    }
    await settled;
    assert.equal(claims.submittedClaimTxs.length, 1);
    assert.equal(claims.submittedProofTxs.length, 1);
    const summary = EarningsSummary.parse(ledger.earnings.summary(30));
    assert.ok(BigInt(summary.settledUpokt) > 0n);
    assert.equal(summary.pendingUpokt, "0");
    assert.equal(summary.settledSessions, 1);
    const sessions = ledger.earnings.sessionList(10, 0);
    assert.equal(sessions[0].stage, "settled");
    assert.equal(sessions[0].relays, 4);
    const csv = ledger.earnings.exportCsv();
    assert.match(csv.filename, /^pocketforge-settlements-\d{4}-\d{2}-\d{2}\.csv$/);
    assert.equal(csv.csv.trimEnd().split("\r\n").length, 2);
  } finally {
    await service.stopMining();
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an inference-backed service is BYOM by default when it is ai-inference, strict otherwise, unless its config says", async () => {
  const chain = new FakeRelayChain();
  const operator = testKey("service-test-byom-operator");
  const blocks = new ManualBlocks(chain, 5n);
  const claims = new FakeClaimChain(chain, () => blocks.latest()!.height);
  const ledger = new Ledger({ path: ":memory:" });
  const asked: boolean[] = [];
  const service = new RelayMinerService({
    ledger,
    logger: new LogSink({ dir: null }).logger("relayminer"),
    config: () =>
      RelayMinerConfig.parse({
        listen: { host: "127.0.0.1", port: 0 },
        metrics: { enabled: false, host: "127.0.0.1", port: 0 },
        services: [
          { serviceId: "ai-inference", backend: { type: "inference" } },
          { serviceId: TEST_SERVICE_ID, backend: { type: "inference" } },
          { serviceId: "my-byom", backend: { type: "inference", byom: true } },
          { serviceId: "ai-strict", backend: { type: "inference", byom: false } },
        ],
        ringVerifierThreads: 0,
      }),
    signer: () => signerOf(operator),
    inferenceHandler: ({ byom }) => {
      asked.push(byom);
      return echoHandler;
    },
    connect: async () => ({ relayChain: chain, claimChain: claims, blocks, blockTimeMs: 1000, close: async () => {} }),
    emit: () => {},
  });
  try {
    await service.startMining();
    assert.deepEqual(asked, [true, false, true, false]);
  } finally {
    await service.stopMining();
    ledger.close();
  }
});
