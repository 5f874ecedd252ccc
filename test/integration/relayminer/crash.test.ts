// kill -9 the relay miner mid-session (it runs in a child process), start it again over the same ledger: the
// claim root is the root of every relay acknowledged more than the durability window (100 ms) before the kill,
// plus possibly some of the ones in flight, and the proof for that root is accepted.
import assert from "node:assert/strict";
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { msgs } from "../../../electron/core/chain/msgs.js";
import { GENESIS_SERVICE_ID } from "../../../electron/core/localnet/config.js";
import { buildRelayRequest, checkRelayResponse, type RelayTarget } from "../../../electron/core/localnet/traffic/relay-client.js";
import { Relay, RelayRequest, RelayResponse } from "../../../electron/core/pokt/proto/service.js";
import { RPCType } from "../../../electron/core/pokt/proto/shared.js";
import { openSqlite } from "../../../electron/core/runtime/sqlite.js";
import { mineRelay } from "../../../electron/core/pokt/relay.js";
import { ringAddressesForApplication, ringPublicKeysForAddresses } from "../../../electron/core/pokt/ring/index.js";
import { SparseMerkleSumTrie } from "../../../electron/core/pokt/smst/trie.js";
import { fundedAccounts, startLocalnet, type LocalnetHarness, type TestAccount } from "../../fixtures/localnet-harness.js";
import { POKT, stakeSupplier } from "../../fixtures/relayminer/localnet-miner.js";
import type { ChildMessage, ChildStart } from "../../fixtures/relayminer/miner-child.js";

const BLOCK_TIME_MS = 200;
const DURABILITY_WINDOW_MS = 100;
const ACKS_BEFORE_KILL = 40;
const CONCURRENCY = 4;

let net: LocalnetHarness;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "pf-miner-crash-"));
  net = await startLocalnet({
    blockTimeMs: BLOCK_TIME_MS,
    // Claim and proof windows of 5 s each: a restarted child needs seconds to boot on a loaded 2-core machine.
    genesis: { params: { shared: { numBlocksPerSession: 40n, gracePeriodEndOffsetBlocks: 2n, claimWindowOpenOffsetBlocks: 2n, claimWindowCloseOffsetBlocks: 25n, proofWindowCloseOffsetBlocks: 25n } } },
  });
});

after(async () => {
  await net?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Child {
  process: ChildProcess;
  listenUrl: string;
  restoredSessions: number;
  messages: ChildMessage[];
  until(predicate: (m: ChildMessage) => boolean): Promise<ChildMessage>;
}

async function startChild(start: ChildStart): Promise<Child> {
  const child = fork(fileURLToPath(new URL("../../fixtures/relayminer/miner-child.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const messages: ChildMessage[] = [];
  const waiters: Array<{ predicate: (m: ChildMessage) => boolean; resolve(m: ChildMessage): void }> = [];
  child.on("message", (message: ChildMessage) => {
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (!waiter.predicate(message)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    }
  });
  const until = (predicate: (m: ChildMessage) => boolean) => {
    const seen = messages.find(predicate);
    return seen ? Promise.resolve(seen) : new Promise<ChildMessage>((resolve) => waiters.push({ predicate, resolve }));
  };
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`miner child exited early (${code})`))));
  child.send(start);
  const ready = (await Promise.race([until((m) => m.type === "ready"), exited])) as Extract<ChildMessage, { type: "ready" }>;
  return { process: child, listenUrl: ready.listenUrl, restoredSessions: ready.restoredSessions, messages, until };
}

async function stakeDemand(app: TestAccount, gateway: TestAccount): Promise<void> {
  await net.client.signAndBroadcast(gateway.wallet, gateway.address, [
    msgs.stakeGateway({ address: gateway.address, stake: { denom: "upokt", amount: (10n * POKT).toString() } }),
  ]);
  await net.client.signAndBroadcast(app.wallet, app.address, [
    msgs.stakeApplication({ address: app.address, stake: { denom: "upokt", amount: (10_000n * POKT).toString() }, services: [{ serviceId: GENESIS_SERVICE_ID }] }),
  ]);
  await net.client.signAndBroadcast(app.wallet, app.address, [msgs.delegateToGateway({ appAddress: app.address, gatewayAddress: gateway.address })]);
}

interface Acknowledged {
  hashHex: string;
  bytes: Uint8Array;
  ackAt: number;
}

test("after kill -9 mid-session the claim covers every relay acknowledged before the durability window, and its proof is accepted", { timeout: 170_000 }, async () => {
  const [operator, owner, app, gateway] = await fundedAccounts(net.localnet, 20_000n * POKT, "crash-operator", "crash-owner", "crash-app", "crash-gateway");
  const start: ChildStart = {
    rpcUrl: net.localnet.rpcUrl,
    blockTimeMs: BLOCK_TIME_MS,
    ledgerPath: join(dir, "ledger.sqlite"),
    operatorKeyHex: Buffer.from(operator.privateKey).toString("hex"),
    serviceId: GENESIS_SERVICE_ID,
    port: 0,
  };
  let child = await startChild(start);
  try {
    await stakeSupplier(net, operator, owner, child.listenUrl, GENESIS_SERVICE_ID);
    await stakeDemand(app, gateway);
    const activation = (await net.client.pocket.supplier(operator.address))!.serviceConfigHistory[0].activationHeight;
    await net.localnet.waitForHeight(activation);
    const session = await net.client.pocket.session(app.address, GENESIS_SERVICE_ID);
    const header = session.header!;
    assert.ok(session.suppliers.some((s) => s.operatorAddress === operator.address));
    const application = (await net.client.pocket.application(app.address))!;
    const ring = ringPublicKeysForAddresses(
      ringAddressesForApplication({ address: app.address, delegateeGatewayAddresses: application.delegateeGatewayAddresses, pendingUndelegations: [] }, header.sessionEndBlockHeight),
      new Map([[app.address, app.publicKey], [gateway.address, gateway.publicKey]]),
    );
    const target: RelayTarget = { header, supplierOperatorAddress: operator.address, endpointUrl: child.listenUrl, rpcType: RPCType.REST, supplierPublicKey: operator.publicKey };

    // Gateway side: relays sent until the kill; every acknowledged one is recorded with the time its answer arrived.
    const acknowledged: Acknowledged[] = [];
    const unacknowledged = new Set<string>();
    let sequence = 0;
    let killed = false;
    let killAt = 0;
    let enough!: () => void;
    const enoughAcks = new Promise<void>((resolve) => (enough = resolve));
    const sender = async () => {
      while (!killed) {
        const requestBytes = buildRelayRequest(target, { gatewayPrivateKey: gateway.privateKey, ringPublicKeys: ring }, "/v1/chat/completions", new TextEncoder().encode(`{"n":${sequence++}}`));
        const request = RelayRequest.decode(requestBytes);
        const key = Buffer.from(requestBytes).toString("base64");
        unacknowledged.add(key);
        let reply: Uint8Array;
        try {
          const response = await fetch(target.endpointUrl, { method: "POST", body: requestBytes as Uint8Array<ArrayBuffer> });
          reply = new Uint8Array(await response.arrayBuffer());
        } catch {
          return; // the miner is gone
        }
        const checked = checkRelayResponse(reply, target);
        assert.equal(checked.ok, true, checked.ok ? "" : `${checked.reason}: ${checked.detail}`);
        unacknowledged.delete(key);
        const mined = mineRelay(request, RelayResponse.decode(reply));
        acknowledged.push({ hashHex: Buffer.from(mined.hash).toString("hex"), bytes: mined.bytes, ackAt: Date.now() });
        if (acknowledged.length >= ACKS_BEFORE_KILL) enough();
      }
    };
    const senders = Array.from({ length: CONCURRENCY }, sender);
    await enoughAcks;
    assert.ok(net.localnet.chain.height < header.sessionEndBlockHeight, "the kill happens mid-session");
    killAt = Date.now();
    child.process.kill("SIGKILL");
    killed = true;
    await Promise.all(senders);

    // Restart over the same ledger and address; no more relays are sent.
    child = await startChild({ ...start, port: Number(new URL(child.listenUrl).port) });
    assert.equal(child.restoredSessions, 1, "the session tree is rebuilt from the ledger");
    const outcome = (await child.until((m) => m.type === "session" && m.sessionId === header.sessionId && ["settled", "expired", "slashed", "skipped", "unclaimed"].includes(m.stage))) as Extract<ChildMessage, { type: "session" }>;
    assert.equal(outcome.stage, "settled", `the claim ended ${outcome.stage}: ${outcome.reason}`);
    child.process.send({ type: "stop" });
    await child.until((m) => m.type === "stopped");

    const db = openSqlite(start.ledgerPath, { readOnly: true });
    const treeKey = `${header.sessionId}/${operator.address}/${GENESIS_SERVICE_ID}`;
    const mined = db.prepare("SELECT relay_hash AS hash, relay_bytes AS bytes, weight FROM mined_relays WHERE tree_key = ? ORDER BY id").all(treeKey) as Array<{ hash: Buffer; bytes: Buffer; weight: number }>;
    const claim = db.prepare("SELECT root_hash AS root, status FROM claims WHERE tree_key = ?").get(treeKey) as { root: Buffer; status: string };
    const proof = db.prepare("SELECT status, requirement_reason AS reason FROM proofs WHERE tree_key = ?").get(treeKey) as { status: string; reason: string };
    db.close();

    const minedHashes = new Set(mined.map((m) => m.hash.toString("hex")));
    const beforeWindow = acknowledged.filter((a) => a.ackAt <= killAt - DURABILITY_WINDOW_MS);
    assert.ok(beforeWindow.length >= ACKS_BEFORE_KILL / 2, `${beforeWindow.length} relays acknowledged before the window`);
    const lost = beforeWindow.filter((a) => !minedHashes.has(a.hashHex));
    assert.deepEqual(lost.map((a) => a.hashHex), [], "every relay acknowledged before the durability window was committed");
    // Anything else in the tree is a relay the miner answered: acknowledged within the window, or answered as it
    // died (sent, its answer never read).
    const acknowledgedBytes = new Map(acknowledged.map((a) => [a.hashHex, a.bytes]));
    for (const row of mined) {
      const known = acknowledgedBytes.get(row.hash.toString("hex"));
      if (known) {
        assert.deepEqual(new Uint8Array(row.bytes), known);
        continue;
      }
      const requestBytes = RelayRequest.toBytes(Relay.decode(row.bytes).req!);
      assert.ok(unacknowledged.has(Buffer.from(requestBytes).toString("base64")), "an unacknowledged relay in the tree was in flight at the kill");
    }
    // The claimed root is the root of exactly those relays, computed independently.
    const expected = new SparseMerkleSumTrie();
    for (const row of mined) expected.update(row.hash, row.bytes, BigInt(row.weight));
    assert.equal(claim.status, "submitted");
    assert.deepEqual(new Uint8Array(claim.root), expected.root());
    assert.equal(expected.count(), BigInt(minedHashes.size));
    assert.deepEqual(proof, { status: "submitted", reason: "THRESHOLD" }, "a proof was required and submitted; the settlement shows it was accepted");
  } finally {
    child.process.kill("SIGKILL");
  }
});
