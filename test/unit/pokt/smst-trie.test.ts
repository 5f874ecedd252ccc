// The in-memory trie's API contract: replacement, deletion, weights, value hashing, input validation and
// that callers can neither mutate the trie through its inputs nor through returned proofs.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import { SparseMerkleSumTrie } from "../../../electron/core/pokt/smst/index.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const MAX_UINT64 = (1n << 64n) - 1n;

function filled(count: number, order: (i: number) => number = (i) => i): SparseMerkleSumTrie {
  const trie = new SparseMerkleSumTrie();
  for (let n = 0; n < count; n++) {
    const i = order(n);
    trie.update(ascii(`key-${i}`), ascii(`value-${i}`), 1 + (i % 7));
  }
  return trie;
}

describe("SparseMerkleSumTrie", () => {
  test("an empty trie has the all-zero root and nothing to prove", () => {
    const trie = new SparseMerkleSumTrie();
    assert.equal(hex(trie.root()), "00".repeat(48));
    assert.equal(trie.size, 0);
    assert.equal(trie.sum(), 0n);
    assert.throws(() => trie.proveClosest(new Uint8Array(32)), /empty trie/);
  });

  test("replacing a key keeps size and count and moves the sum by the weight difference", () => {
    const trie = filled(50);
    const before = { root: hex(trie.root()), sum: trie.sum() };
    const oldWeight = trie.get(ascii("key-3"))!.weight;
    trie.update(ascii("key-3"), ascii("new value"), 1000);
    assert.equal(trie.size, 50);
    assert.equal(trie.count(), 50n);
    assert.equal(trie.sum(), before.sum - oldWeight + 1000n);
    assert.notEqual(hex(trie.root()), before.root);
    assert.deepEqual(trie.get(ascii("key-3")), { value: ascii("new value"), weight: 1000n });
    trie.insert(ascii("key-3"), ascii("value-3"), oldWeight);
    assert.equal(hex(trie.root()), before.root, "restoring the leaf restores the root");
  });

  test("delete removes exactly one leaf and reports unknown keys", () => {
    const trie = filled(200);
    assert.equal(trie.delete(ascii("absent")), false);
    assert.equal(trie.delete(ascii("key-17")), true);
    assert.equal(trie.has(ascii("key-17")), false);
    assert.equal(trie.get(ascii("key-17")), undefined);
    assert.equal(trie.size, 199);
    trie.update(ascii("key-17"), ascii("value-17"), 1 + (17 % 7));
    assert.equal(hex(trie.root()), hex(filled(200).root()));
  });

  test("a few thousand leaves: the root ignores insertion order and survives delete/re-insert", () => {
    const count = 4000;
    const forward = filled(count);
    const backward = filled(count, (n) => count - 1 - n);
    const root = hex(forward.root());
    assert.equal(hex(backward.root()), root);
    for (let i = 0; i < count; i += 3) backward.delete(ascii(`key-${i}`));
    assert.notEqual(hex(backward.root()), root);
    for (let i = 0; i < count; i += 3) backward.update(ascii(`key-${i}`), ascii(`value-${i}`), 1 + (i % 7));
    assert.equal(hex(backward.root()), root);
  });

  test("weights are uint64: validated, and sums wrap like Go's", () => {
    const trie = new SparseMerkleSumTrie();
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53, -1n, MAX_UINT64 + 1n]) {
      assert.throws(() => trie.update(ascii("k"), ascii("v"), bad), RangeError);
    }
    assert.equal(trie.size, 0);
    trie.update(ascii("a"), ascii("v"), MAX_UINT64);
    trie.update(ascii("b"), ascii("v"), 2n);
    assert.equal(trie.get(ascii("a"))!.weight, MAX_UINT64);
    assert.equal(trie.sum(), 1n);
  });

  test("the trie keeps its own copy of values", () => {
    const value = ascii("relay bytes");
    const trie = new SparseMerkleSumTrie();
    trie.update(ascii("k"), value, 3);
    const root = hex(trie.root());
    value.fill(0);
    trie.update(ascii("other"), ascii("x"), 1);
    trie.delete(ascii("other"));
    assert.equal(hex(trie.root()), root);
    trie.get(ascii("k"))!.value.fill(0);
    assert.deepEqual(trie.get(ascii("k"))!.value, ascii("relay bytes"));
  });

  test("returned proofs do not alias the trie's cached digests", () => {
    const trie = filled(64);
    const path = sha256(ascii("somewhere"));
    const first = trie.proveClosest(path);
    const expected = first.closestProof.sideNodes.map(hex);
    for (const node of first.closestProof.sideNodes) node.fill(0xaa);
    assert.deepEqual(trie.proveClosest(path).closestProof.sideNodes.map(hex), expected);
    assert.equal(hex(trie.root()), hex(filled(64).root()));
  });

  test("proveClosest takes a 32-byte path only", () => {
    const trie = filled(3);
    assert.throws(() => trie.proveClosest(new Uint8Array(31)), RangeError);
    assert.throws(() => trie.proveClosest(new Uint8Array(33)), RangeError);
  });

  test("with the sha256 value hasher, leaves store SHA256(value) but get() returns the value", () => {
    const trie = new SparseMerkleSumTrie({ valueHasher: "sha256" });
    trie.update(ascii("k"), ascii("payload"), 9);
    assert.deepEqual(trie.get(ascii("k")), { value: ascii("payload"), weight: 9n });
    const proof = trie.proveClosest(sha256(ascii("k")));
    assert.equal(hex(proof.closestValueHash), hex(sha256(ascii("payload"))) + "0000000000000009" + "0000000000000001");
  });
});
