// Compute units per relay are pinned at the session start (v0.1.35, docs/protocol.md §6.3): when a service's owner
// changes its CUPR mid-session, the running session keeps the old price in the relay miner's tree, in the claim the
// chain accepts (claimed units = relays × CUPR at the start) and in the settlement; sessions that start afterwards
// use the new one.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { msgs } from "../../../electron/core/chain/msgs.js";
import { Ledger } from "../../../electron/core/ledger/ledger.js";
import { TrafficGenerator } from "../../../electron/core/localnet/traffic/generator.js";
import { baseRelayDifficultyTarget } from "../../../electron/core/pokt/relay.js";
import { sessionBounds } from "../../../electron/core/pokt/session.js";
import { fundedAccounts, startLocalnet, type LocalnetHarness } from "../../fixtures/localnet-harness.js";
import { echoHandler } from "../../fixtures/relayminer/harness.js";
import { localnetMiner, minerEvents, POKT, stakeSupplier } from "../../fixtures/relayminer/localnet-miner.js";

const BLOCK_TIME_MS = 200;
const SERVICE = "cupr-pinned";

let net: LocalnetHarness;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "pf-miner-cupr-"));
  net = await startLocalnet({ blockTimeMs: BLOCK_TIME_MS });
});

after(async () => {
  await net?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("a CUPR change mid-session applies from the next session: tree, claim and settlement use the session start's", { timeout: 150_000 }, async () => {
  const [operator, owner, serviceOwner] = await fundedAccounts(net.localnet, 100n * POKT, "cupr-operator", "cupr-owner", "cupr-service-owner");
  const register = (computeUnitsPerRelay: bigint) =>
    net.client.signAndBroadcast(serviceOwner.wallet, serviceOwner.address, [
      msgs.addService({ ownerAddress: serviceOwner.address, service: { id: SERVICE, name: "CUPR pinning", computeUnitsPerRelay, ownerAddress: serviceOwner.address } }),
    ]);
  await register(100n);
  const ledger = new Ledger({ path: join(dir, "ledger.sqlite") });
  const events = minerEvents();
  const miner = localnetMiner({ net, blockTimeMs: BLOCK_TIME_MS, operator, ledger, serviceId: SERVICE, handler: echoHandler, emit: events.emit });
  let traffic: TrafficGenerator | undefined;
  try {
    const { listenUrl } = await miner.startMining();
    await stakeSupplier(net, operator, owner, listenUrl!, SERVICE);
    traffic = new TrafficGenerator({
      client: net.client,
      faucet: (address, amount) => net.localnet.faucet(address, amount),
      keys: { application: new Uint8Array(randomBytes(32)), gateway: new Uint8Array(randomBytes(32)) },
      serviceId: SERVICE,
      ratePerSecond: 4,
    });
    const firstMined = events.until((e) => e.event === "miner.relay" && e.payload.mined === true);
    await traffic.start();
    await firstMined;

    // Mid-session: the owner raises the price. The chain applies it from the next session start.
    const { height } = await register(250n);
    const effective = sessionBounds(await net.client.pocket.sharedParams(), BigInt(height)).endHeight + 1n;
    assert.equal(await net.client.pocket.computeUnitsPerRelayAtHeight(SERVICE, effective - 1n), 100n);
    assert.equal(await net.client.pocket.computeUnitsPerRelayAtHeight(SERVICE, effective), 250n);

    // Serve until a session that starts at the new price has settled.
    const settledAfter = () =>
      ledger.settlements().some((s) => s.outcome === "settled" && ledger.session(s.treeKey)!.startHeight >= effective);
    if (!settledAfter()) await events.until(() => settledAfter());
    traffic.stop();
    const finished = () => ledger.unfinishedSessions().length === 0 && miner.status().sessions.length === 0;
    if (!finished()) await events.until(() => finished());

    const settled = ledger.settlements().filter((s) => s.outcome === "settled");
    const sides = { before: 0, after: 0 };
    for (const settlement of settled) {
      const session = ledger.session(settlement.treeKey)!;
      const pinned = await net.client.pocket.computeUnitsPerRelayAtHeight(SERVICE, session.startHeight);
      assert.equal(session.computeUnitsPerRelay, pinned, `session ${session.startHeight}–${session.endHeight} is priced at its start's CUPR`);
      assert.equal(session.computeUnitsPerRelay, session.startHeight >= effective ? 250n : 100n);
      sides[session.startHeight >= effective ? "after" : "before"] += 1;
      // The chain accepted the claim (it checks claimed units = relays × CUPR at the start) and priced it so:
      // claimed upokt = relays × CUPR × CUTTM / granularity (42 upokt per unit here) at base difficulty.
      assert.deepEqual(session.targetHash, baseRelayDifficultyTarget());
      const relays = BigInt(ledger.minedRelayCount(settlement.treeKey));
      assert.equal(settlement.claimedUpokt, (relays * session.computeUnitsPerRelay * session.computeUnitsToTokensMultiplier) / session.computeUnitCostGranularity);
    }
    assert.ok(sides.before >= 1 && sides.after >= 1, JSON.stringify(sides));
    assert.deepEqual(new Set(ledger.settlements().map((s) => s.outcome)), new Set(["settled"]));
  } finally {
    traffic?.stop();
    await miner.stopMining();
    ledger.close();
  }
});
