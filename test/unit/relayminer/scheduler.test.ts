import assert from "node:assert/strict";
import { test } from "node:test";
import { LogSink } from "../../../electron/core/runtime/logger.js";
import { ClaimProofScheduler, type SessionChange } from "../../../electron/core/relayminer/scheduler.js";
import { TEST_SERVICE_ID } from "../../fixtures/relayminer/chain.js";
import { FakeClaimChain } from "../../fixtures/relayminer/claim-chain.js";
import { createHarness, type Harness } from "../../fixtures/relayminer/harness.js";
import { decodeReply, signedRelayRequest } from "../../fixtures/relayminer/relays.js";

// Session [1, 10]: claim window [12, 16], proof window [16, 20], seed block 15, settlement at 20.

interface Setup {
  h: Harness;
  claims: FakeClaimChain;
  scheduler: ClaimProofScheduler;
  changes: SessionChange[];
  /** Resolves at the first change to `state`. */
  reached(state: SessionChange["state"]): Promise<SessionChange>;
  /** Advances block by block, letting the scheduler finish each one. */
  advance(to: bigint): Promise<void>;
  close(): Promise<void>;
}

async function setup(relays: number, balance = 1_000_000n): Promise<Setup> {
  const h = createHarness({ height: 5n });
  const claims = new FakeClaimChain(h.chain, () => h.blocks.latest()!.height);
  claims.balances.set(h.operator.address, balance);
  const changes: SessionChange[] = [];
  const waiters: Array<{ state: string; resolve(c: SessionChange): void }> = [];
  const scheduler = new ClaimProofScheduler({
    trees: h.trees,
    ledger: h.ledger,
    chain: claims,
    metrics: h.metrics,
    logger: new LogSink({ dir: null }).logger("test"),
    retryDelayMs: 1,
    maxRetryDelayMs: 5,
    onChange: (change) => {
      changes.push(change);
      for (const w of waiters.filter((w) => w.state === change.state)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(change);
      }
    },
  });
  h.blocks.onBlock((block) => scheduler.onBlock(block));
  const header = h.chain.sessionAt(h.app.address, TEST_SERVICE_ID, 5n).header!;
  for (let i = 0; i < relays; i++) {
    const reply = await h.relay(signedRelayRequest({ header, operatorAddress: h.operator.address, signer: h.app, body: `{"i":${i}}` }).bytes);
    assert.equal(decodeReply(reply).response.relayMinerError, undefined);
  }
  return {
    h,
    claims,
    scheduler,
    changes,
    reached: (state) => {
      const seen = changes.find((c) => c.state === state);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ state, resolve }));
    },
    async advance(to) {
      for (let height = h.blocks.latest()!.height + 1n; height <= to; height++) {
        h.blocks.advanceTo(height);
        await scheduler.idle();
      }
    },
    async close() {
      await scheduler.stop();
      h.close();
    },
  };
}

test("a session is claimed with its root, proven with the closest proof for the seed block, and its settlement recorded", async () => {
  const s = await setup(3);
  try {
    const tree = [...s.h.trees.values()][0];
    const root = tree.trie.root();
    await s.advance(11n);
    assert.equal(s.claims.submittedClaimTxs.length, 0, "nothing before the claim window opens");
    await s.advance(12n);
    await s.reached("claimed");
    assert.equal(s.claims.submittedClaimTxs.length, 1);
    assert.deepEqual(s.claims.submittedClaimTxs[0][0].rootHash, root);
    const claim = s.h.ledger.claim(tree.key)!;
    assert.equal(claim.status, "submitted");
    assert.equal(claim.relays, 3n);
    assert.equal(claim.computeUnits, 300n);
    assert.equal(claim.claimedUpokt, 12_600n, "3 relays × 100 CU × 42 upokt/CU at the base difficulty");

    await s.advance(15n);
    assert.equal(s.claims.submittedProofTxs.length, 0, "no proof before proof_open");
    await s.advance(16n);
    await s.reached("proven");
    assert.equal(s.claims.submittedProofTxs.length, 1);
    const stored = s.claims.claims.get(`${tree.header.sessionId}/${s.h.operator.address}`)!;
    assert.equal(stored.proofValid, true, "the chain's checks accept the proof");
    assert.equal(s.h.ledger.proof(tree.key)?.requirementReason, "THRESHOLD");

    await s.advance(20n);
    await s.reached("settled");
    const settlement = s.h.ledger.settlement(tree.key)!;
    assert.equal(settlement.outcome, "settled");
    assert.equal(settlement.rewardUpokt, claim.expectedRewardUpokt);
    assert.equal(s.h.ledger.session(tree.key)?.state, "settled");
    assert.equal(s.h.trees.size, 0, "the tree is dropped once settled");
  } finally {
    await s.close();
  }
});

test("an operator that cannot pay claim and proof fees does not claim; the reason is recorded", async () => {
  const s = await setup(2, 4n); // claim 2 + proof 3 + submission fee 1 = 6 > 4
  try {
    const tree = [...s.h.trees.values()][0];
    await s.advance(12n);
    const claim = s.h.ledger.claim(tree.key)!;
    assert.equal(claim.status, "skipped");
    assert.match(claim.reason!, /^insufficient_balance: .*4 upokt.*6 upokt/);
    assert.equal(s.claims.submittedClaimTxs.length, 0);
    await s.advance(16n);
    const settled = await s.reached("skipped");
    assert.match(settled.reason!, /^insufficient_balance/);
    assert.equal(s.h.ledger.settlement(tree.key)?.outcome, "skipped");
    assert.equal(s.h.ledger.session(tree.key)?.state, "skipped");
  } finally {
    await s.close();
  }
});

test("a claim funded later in its window is still submitted", async () => {
  const s = await setup(2, 0n);
  try {
    await s.advance(13n);
    assert.equal(s.claims.submittedClaimTxs.length, 0);
    s.claims.balances.set(s.h.operator.address, 100n);
    await s.advance(14n);
    await s.reached("claimed");
    assert.equal(s.claims.submittedClaimTxs.length, 1);
  } finally {
    await s.close();
  }
});

test("a claim worth less than its fees is skipped as unprofitable", async () => {
  const s = await setup(1);
  s.claims.claimFee = 50_000n;
  try {
    await s.advance(12n);
    const claim = s.h.ledger.claim([...s.h.trees.values()][0].key)!;
    assert.equal(claim.status, "skipped");
    assert.match(claim.reason!, /^unprofitable/);
  } finally {
    await s.close();
  }
});

test("failed submissions are retried with backoff inside the window", async () => {
  const s = await setup(2);
  s.claims.failClaims = 2;
  s.claims.failProofs = 1;
  try {
    await s.advance(12n);
    await s.reached("claimed");
    const tree = [...s.h.trees.values()][0];
    assert.equal(s.h.ledger.claim(tree.key)!.attempts, 3);
    await s.advance(16n);
    await s.reached("proven");
    assert.equal(s.h.ledger.proof(tree.key)!.status, "submitted");
    assert.equal(s.h.ledger.proof(tree.key)!.attempts, 2);
  } finally {
    await s.close();
  }
});

test("a claim that never lands is recorded as unclaimed with the last error once the window closes", async () => {
  const s = await setup(2);
  s.claims.failClaims = Number.POSITIVE_INFINITY;
  try {
    await s.advance(16n);
    const change = await s.reached("unclaimed");
    assert.match(change.reason!, /claim window closed.*mempool is full/);
    assert.equal(s.h.ledger.settlement(change.treeKey)?.outcome, "unclaimed");
  } finally {
    await s.close();
  }
});

test("no proof is sent when the chain will not require one, and the claim still settles", async () => {
  const s = await setup(1);
  s.claims.proofParams_ = { ...s.claims.proofParams_, proofRequestProbability: 0, proofRequirementThreshold: { denom: "upokt", amount: "1000000000" } };
  try {
    await s.advance(20n);
    await s.reached("settled");
    assert.equal(s.claims.submittedProofTxs.length, 0);
    const tree = s.changes[0].treeKey;
    assert.equal(s.h.ledger.proof(tree)?.status, "not_required");
    assert.equal(s.h.ledger.proof(tree)?.requirementReason, "NOT_REQUIRED");
  } finally {
    await s.close();
  }
});
