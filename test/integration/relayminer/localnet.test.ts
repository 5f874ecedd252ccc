// The whole path on the embedded localnet with the tiny model: the traffic generator (application + gateway)
// sends ring-signed chat relays, every other one asking for a stream → the relay miner verifies them, asks
// node-llama-cpp, signs (each stream batch by batch) and mines them → claims → proofs → settlement; the owner's
// balance grows by exactly what the ledger says was settled.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import { createOpenAiHandler, WorkerSupervisor } from "../../../electron/core/inference/index.js";
import { Ledger } from "../../../electron/core/ledger/ledger.js";
import { GENESIS_SERVICE_ID } from "../../../electron/core/localnet/config.js";
import { TrafficGenerator } from "../../../electron/core/localnet/traffic/generator.js";
import type { RelayMinerService } from "../../../electron/core/relayminer/relayminer-service.js";
import { fundedAccounts, startLocalnet, type LocalnetHarness } from "../../fixtures/localnet-harness.js";
import { testModelPath } from "../../fixtures/paths.js";
import { localnetMiner, minerEvents, POKT, stakeSupplier } from "../../fixtures/relayminer/localnet-miner.js";

const BLOCK_TIME_MS = 200;

let net: LocalnetHarness;
let inference: WorkerSupervisor;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "pf-miner-localnet-"));
  net = await startLocalnet({
    blockTimeMs: BLOCK_TIME_MS,
    genesis: { params: { shared: { numBlocksPerSession: 10n, claimWindowCloseOffsetBlocks: 8n, proofWindowCloseOffsetBlocks: 8n } } },
  });
  inference = new WorkerSupervisor({ logger: silentLogger });
  await inference.load({ modelPath: testModelPath(), contextSize: 1024, parallelSequences: 2 });
});

after(async () => {
  await inference?.dispose();
  await net?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("traffic generator → relay miner → node-llama-cpp → claims → proofs → settlement; the owner gets exactly what the ledger settled", { timeout: 150_000 }, async () => {
  const [operator, owner] = await fundedAccounts(net.localnet, 100n * POKT, "e2e-operator", "e2e-owner");
  const ledger = new Ledger({ path: join(dir, "e2e.sqlite") });
  const events = minerEvents();
  const miner: RelayMinerService = localnetMiner({
    net,
    blockTimeMs: BLOCK_TIME_MS,
    operator,
    ledger,
    serviceId: GENESIS_SERVICE_ID,
    handler: createOpenAiHandler(inference),
    emit: events.emit,
  });
  let traffic: TrafficGenerator | undefined;
  try {
    const { listenUrl } = await miner.startMining();
    await stakeSupplier(net, operator, owner, listenUrl!, GENESIS_SERVICE_ID);
    const ownerBefore = await net.client.balance(owner.address);

    traffic = new TrafficGenerator({
      client: net.client,
      faucet: (address, amount) => net.localnet.faucet(address, amount),
      keys: { application: new Uint8Array(randomBytes(32)), gateway: new Uint8Array(randomBytes(32)) },
      serviceId: GENESIS_SERVICE_ID,
      ratePerSecond: 4,
      model: inference.status().model!.name,
      relayTimeoutMs: 20_000,
    });
    const firstSettled = events.until((e) => e.event === "miner.session" && e.payload.stage === "settled");
    await traffic.start();
    await firstSettled;
    traffic.stop();
    // Let every session that saw relays run its course to a final outcome.
    const finished = () => ledger.unfinishedSessions().length === 0 && miner.status().sessions.length === 0;
    if (!finished()) await events.until(() => finished());

    const stats = traffic.stats();
    assert.ok(stats.succeeded >= 4, `the gateway got ${stats.succeeded} good answers`);
    assert.ok(stats.streamed >= 1, "streamed answers (every other relay) were read batch by batch and counted as good");
    const served = ledger.relays().filter((r) => r.status === "ok");
    assert.ok(served.length >= stats.succeeded, "every answered relay is in the ledger");
    assert.ok(served.reduce((sum, r) => sum + (r.tokensOut ?? 0), 0) > 0, "the model's tokens are counted");

    const settlements = ledger.settlements();
    assert.ok(settlements.length >= 1);
    assert.deepEqual(new Set(settlements.map((s) => s.outcome)), new Set(["settled"]), JSON.stringify(settlements.map((s) => s.outcome)));
    const proofs = ledger.proofs().map((p) => ({ status: p.status, reason: p.requirementReason }));
    assert.ok(proofs.length >= 1 && proofs.every((p) => p.status === "submitted" && p.reason === "THRESHOLD"), JSON.stringify(proofs));
    const settled = settlements.reduce((sum, s) => sum + s.rewardUpokt, 0n);
    assert.ok(settled > 0n);
    const ownerAfter = await net.client.balance(owner.address);
    assert.equal(ownerAfter - ownerBefore, settled, "the owner's balance grew by exactly the settled rewards");
    const summary = ledger.earnings.summary(1);
    assert.equal(summary.settledUpokt, settled.toString());
    assert.equal(summary.pendingUpokt, "0");
  } finally {
    traffic?.stop();
    await miner.stopMining();
    ledger.close();
  }
});
