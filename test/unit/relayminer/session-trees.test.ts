import assert from "node:assert/strict";
import { test } from "node:test";
import { Ledger } from "../../../electron/core/ledger/ledger.js";
import { SparseMerkleSumTrie } from "../../../electron/core/pokt/smst/trie.js";
import type { RelayChainCache } from "../../../electron/core/relayminer/chain-cache.js";
import { SessionTrees } from "../../../electron/core/relayminer/session-trees.js";
import { sessionTreeKey } from "../../../electron/core/relayminer/verifier.js";
import { sessionRecord } from "../../fixtures/relayminer/ledger-records.js";

test("a tree restored from the ledger has the stored session's prices and windows and its mined relays in order", () => {
  const ledger = new Ledger({ path: ":memory:" });
  try {
    const key = sessionTreeKey("s1", "op", "llm");
    ledger.recordSession(sessionRecord(1, { treeKey: key }));
    const expected = new SparseMerkleSumTrie();
    for (const fill of [7, 2, 9]) {
      const relayHash = new Uint8Array(32).fill(fill);
      ledger.recordMinedRelay({ treeKey: key, relayHash, relayBytes: new Uint8Array([fill]), weight: 100n, timeMs: fill });
      expected.update(relayHash, new Uint8Array([fill]), 100n);
    }
    const opened: unknown[] = [];
    // Restoring reads nothing from the chain: the cache is never touched.
    const trees = new SessionTrees({} as RelayChainCache, (tree) => opened.push(tree));
    const tree = trees.restore(ledger.session(key)!, ledger.minedRelays(key));

    assert.equal(trees.get(key), tree);
    assert.deepEqual(opened, [], "a restored tree is not a newly opened session");
    assert.deepEqual(tree.header, { applicationAddress: "app", serviceId: "llm", sessionId: "s1", sessionStartBlockHeight: 11n, sessionEndBlockHeight: 20n });
    assert.equal(tree.operatorAddress, "op");
    assert.deepEqual(tree.heights, { claimWindowOpenHeight: 22n, claimWindowCloseHeight: 26n, proofWindowOpenHeight: 26n, proofWindowCloseHeight: 30n });
    assert.equal(tree.pricing.computeUnitsPerRelay, 100n);
    assert.deepEqual(tree.pricing.targetHash, new Uint8Array(32).fill(0xff));
    assert.equal(tree.relayCostUpokt, 4200n, "floor(100 × 42,000,000 / 1,000,000)");
    assert.equal(tree.budgetUpokt, undefined, "learnt on the session's next relay");
    assert.equal(tree.createdAt, Date.UTC(2026, 0, 2));
    assert.equal(tree.minedRelays, 3);
    assert.equal(tree.trie.sum(), 300n);
    assert.deepEqual(tree.trie.root(), expected.root());
  } finally {
    ledger.close();
  }
});
