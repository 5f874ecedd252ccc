// The whole path on a localnet with mainnet's parameters (fast blocks aside): a 59,500 POKT supplier stake for
// ai-inference, the traffic generator staking at the chain's own minimums and naming a model this supplier does not
// have (BYOM: the served model answers), 20-block sessions, mainnet's windows and price per compute unit, a proof
// required by the 100 upokt threshold, and a settlement the owner receives in full.
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
import { relayCostUpokt } from "../../../electron/core/pokt/rewards.js";
import { fundedAccounts, startLocalnet, type LocalnetHarness } from "../../fixtures/localnet-harness.js";
import { testModelPath } from "../../fixtures/paths.js";
import { localnetMiner, minerEvents, POKT, stakeSupplier } from "../../fixtures/relayminer/localnet-miner.js";

const BLOCK_TIME_MS = 100;

let net: LocalnetHarness;
let inference: WorkerSupervisor;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "pf-miner-mainnet-like-"));
  net = await startLocalnet({ blockTimeMs: BLOCK_TIME_MS, genesis: { profile: "mainnet-like" } });
  inference = new WorkerSupervisor({ logger: silentLogger });
  await inference.load({ modelPath: testModelPath(), contextSize: 1024, parallelSequences: 2 });
});

after(async () => {
  await inference?.dispose();
  await net?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("mainnet-like: 59,500 POKT stake, BYOM relays, claim, required proof, settlement paid to the owner", { timeout: 150_000 }, async () => {
  const [operator, owner] = await fundedAccounts(net.localnet, 60_000n * POKT, "mainnet-like-operator", "mainnet-like-owner");
  const ledger = new Ledger({ path: join(dir, "ledger.sqlite") });
  const events = minerEvents();
  const miner = localnetMiner({
    net,
    blockTimeMs: BLOCK_TIME_MS,
    operator,
    ledger,
    serviceId: GENESIS_SERVICE_ID,
    // As the engine builds it: ai-inference is BYOM.
    handler: { for: ({ byom }) => createOpenAiHandler(inference, { unknownModel: byom ? "default" : "refuse" }) },
    emit: events.emit,
  });
  let traffic: TrafficGenerator | undefined;
  try {
    const { listenUrl } = await miner.startMining();
    await stakeSupplier(net, operator, owner, listenUrl!, GENESIS_SERVICE_ID, 59_500n * POKT);
    const ownerBefore = await net.client.balance(owner.address);

    traffic = new TrafficGenerator({
      client: net.client,
      faucet: (address, amount) => net.localnet.faucet(address, amount),
      keys: { application: new Uint8Array(randomBytes(32)), gateway: new Uint8Array(randomBytes(32)) },
      serviceId: GENESIS_SERVICE_ID,
      ratePerSecond: 4,
      // Gateways pass whatever the client named; this supplier serves another model.
      model: "gpt-4o",
      relayTimeoutMs: 20_000,
    });
    const firstSettled = events.until((e) => e.event === "miner.session" && e.payload.stage === "settled");
    await traffic.start();
    // The generator staked at the chain's minimums (5,000 POKT for a gateway, at least 1,000 for an application).
    assert.equal((await net.client.pocket.gateway(traffic.stats().gatewayAddress!))?.stake?.amount, (5_000n * POKT).toString());
    await firstSettled;
    traffic.stop();
    const finished = () => ledger.unfinishedSessions().length === 0 && miner.status().sessions.length === 0;
    if (!finished()) await events.until(() => finished());

    const stats = traffic.stats();
    assert.ok(stats.succeeded >= 4, `the gateway got ${stats.succeeded} good answers (failures: ${JSON.stringify(stats.failuresByReason)})`);
    const served = ledger.relays().filter((r) => r.status === "ok");
    assert.ok(served.length >= stats.succeeded && served.every((r) => r.httpStatus === 200), "BYOM: every relay naming another model was answered");

    // Mainnet pricing, pinned at the session start: CUPR 100 × CUTTM 145,990 / 1,000,000 = 14 upokt a relay.
    const sessions = ledger.earnings.sessionList(50, 0);
    assert.ok(sessions.length >= 1);
    const shared = await net.client.pocket.sharedParams();
    assert.equal(shared.numBlocksPerSession, 20n);
    assert.equal(relayCostUpokt(100n, shared), 14n);

    const settlements = ledger.settlements();
    assert.ok(settlements.length >= 1);
    assert.deepEqual(new Set(settlements.map((s) => s.outcome)), new Set(["settled"]), JSON.stringify(settlements.map((s) => s.outcome)));
    const proofs = ledger.proofs().map((p) => ({ status: p.status, reason: p.requirementReason }));
    // A session's claim of 7 relays or more is worth ≥ 100 upokt: its proof is required by the threshold. A smaller
    // one (the first or last session) is sampled at 1 %, and needs no proof otherwise.
    assert.ok(proofs.some((p) => p.status === "submitted" && p.reason === "THRESHOLD"), JSON.stringify(proofs));
    assert.ok(
      proofs.every((p) => (p.status === "submitted" && (p.reason === "THRESHOLD" || p.reason === "PROBABILISTIC")) || (p.status === "not_required" && p.reason === "NOT_REQUIRED")),
      JSON.stringify(proofs),
    );
    const settled = settlements.reduce((sum, s) => sum + s.rewardUpokt, 0n);
    assert.ok(settled > 0n);
    assert.equal((await net.client.balance(owner.address)) - ownerBefore, settled, "the owner's balance grew by exactly the settled rewards");
  } finally {
    traffic?.stop();
    await miner.stopMining();
    ledger.close();
  }
});
