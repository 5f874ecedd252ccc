// An operator that cannot pay for its claim and proof: relays are served and mined, but no claim is sent, and
// the ledger says why (insufficient_balance) — first while the claim window is open, then as the session's
// final outcome.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { msgs } from "../../../electron/core/chain/msgs.js";
import { Ledger } from "../../../electron/core/ledger/ledger.js";
import { GENESIS_SERVICE_ID } from "../../../electron/core/localnet/config.js";
import { TrafficGenerator } from "../../../electron/core/localnet/traffic/generator.js";
import { echoHandler } from "../../fixtures/relayminer/harness.js";
import { localnetMiner, minerEvents, POKT, stakeSupplier } from "../../fixtures/relayminer/localnet-miner.js";
import { fundedAccounts, startLocalnet, testAccount, type LocalnetHarness } from "../../fixtures/localnet-harness.js";

const BLOCK_TIME_MS = 200;
let net: LocalnetHarness;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "pf-miner-skip-"));
  net = await startLocalnet({ blockTimeMs: BLOCK_TIME_MS, genesis: { params: { shared: { numBlocksPerSession: 10n, claimWindowCloseOffsetBlocks: 6n } } } });
});

after(async () => {
  await net?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("a claim the operator cannot pay for is skipped with reason insufficient_balance", { timeout: 120_000 }, async () => {
  const [operator, owner] = await fundedAccounts(net.localnet, 20n * POKT, "skip-operator", "skip-owner");
  const sink = await testAccount("skip-sink");
  const ledger = new Ledger({ path: join(dir, "ledger.sqlite") });
  const events = minerEvents();
  const miner = localnetMiner({ net, blockTimeMs: BLOCK_TIME_MS, operator, ledger, serviceId: GENESIS_SERVICE_ID, handler: echoHandler, emit: events.emit });
  let traffic: TrafficGenerator | undefined;
  try {
    const { listenUrl } = await miner.startMining();
    await stakeSupplier(net, operator, owner, listenUrl!, GENESIS_SERVICE_ID);
    // Drain the operator: it keeps 3 upokt, less the fee of this transfer (claim + proof need at least 3).
    const balance = await net.client.balance(operator.address);
    await net.client.signAndBroadcast(operator.wallet, operator.address, [msgs.send(operator.address, sink.address, balance - 3n)]);
    assert.ok((await net.client.balance(operator.address)) <= 2n, "the operator is left with dust");

    traffic = new TrafficGenerator({
      client: net.client,
      faucet: (address, amount) => net.localnet.faucet(address, amount),
      keys: { application: new Uint8Array(randomBytes(32)), gateway: new Uint8Array(randomBytes(32)) },
      serviceId: GENESIS_SERVICE_ID,
      ratePerSecond: 4,
    });
    const skipped = events.until((e) => e.event === "miner.session" && e.payload.stage === "skipped");
    await traffic.start();
    await skipped;
    traffic.stop();

    const rows = ledger.sessionsIn("skipped").flatMap((s) => {
      const claim = ledger.claim(s.treeKey);
      const settlement = ledger.settlement(s.treeKey);
      if (!claim || !settlement) return [];
      const mined = ledger.minedRelayCount(s.treeKey);
      return [{ sessionId: s.sessionId, claim: claim.status, claimReason: claim.reason!, outcome: settlement.outcome, reason: settlement.reason!, mined }];
    });
    assert.ok(rows.length >= 1);
    for (const row of rows) {
      assert.ok(row.mined > 0, "the session's relays were served and mined");
      assert.equal(row.claim, "skipped");
      assert.match(row.claimReason, /^insufficient_balance: /);
      assert.equal(row.outcome, "skipped");
      assert.match(row.reason, /^insufficient_balance: /);
      assert.equal(await net.client.pocket.claim(row.sessionId, operator.address), undefined, "no claim reached the chain");
    }
    const lost = ledger.earnings.summary(1).lost;
    assert.ok(lost.some((l) => l.outcome === "skipped" && l.reason === "insufficient_balance" && BigInt(l.upokt) > 0n), JSON.stringify(lost));
  } finally {
    traffic?.stop();
    await miner.stopMining();
    ledger.close();
  }
});
