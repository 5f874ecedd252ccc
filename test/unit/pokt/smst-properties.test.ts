// Property tests of the SMST against a from-scratch model of docs/protocol.md §7.2 (canonical digest) and §7.5
// (closest proof), written here independently of the implementation's hashing helpers.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { sha256 } from "@noble/hashes/sha2.js";
import {
  SparseMerkleSumTrie,
  closestProofToGob,
  verifyClosestProof,
  verifyDecompactedClosestProof,
} from "../../../electron/core/pokt/smst/index.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const MOD_64 = 1n << 64n;

interface Leaf {
  key: Uint8Array;
  value: Uint8Array;
  weight: bigint;
}

// ---------------------------------------------------------------------------------------------------
// Reference model

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(parts.flatMap((part) => [...part]));
}

function u64(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, value % MOD_64);
  return out;
}

const readU64 = (bytes: Uint8Array, at: number): bigint => new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(at);
const bit = (path: Uint8Array, depth: number): number => (path[depth >> 3] >> (7 - (depth & 7))) & 1;

interface ModelLeaf {
  path: Uint8Array;
  leafValue: Uint8Array;
  weight: bigint;
}

function modelLeaves(leaves: Leaf[]): ModelLeaf[] {
  const byPath = new Map<string, ModelLeaf>();
  for (const leaf of leaves) {
    const path = sha256(leaf.key);
    byPath.set(hex(path), { path, leafValue: concat(leaf.value, u64(leaf.weight), u64(1n)), weight: leaf.weight });
  }
  return [...byPath.values()];
}

/** digest(S, d) of docs/protocol.md §7.2, literally. */
function modelDigest(set: ModelLeaf[], depth: number): Uint8Array {
  if (set.length === 0) return new Uint8Array(48);
  if (set.length === 1) {
    const [leaf] = set;
    return concat(sha256(concat(Uint8Array.of(0), leaf.path, leaf.leafValue)), u64(leaf.weight), u64(1n));
  }
  const left = modelDigest(set.filter((l) => bit(l.path, depth) === 0), depth + 1);
  const right = modelDigest(set.filter((l) => bit(l.path, depth) === 1), depth + 1);
  const sum = u64(readU64(left, 32) + readU64(right, 32));
  const count = u64(readU64(left, 40) + readU64(right, 40));
  return concat(sha256(concat(Uint8Array.of(1), left, right, sum, count)), sum, count);
}

/** The closest-proof walk of docs/protocol.md §7.5, literally. */
function modelClosest(set: ModelLeaf[], path: Uint8Array) {
  const work = path.slice();
  const flippedBits: number[] = [];
  const siblings: Uint8Array[] = [];
  let depth = 0;
  while (set.length > 1) {
    let b = bit(work, depth);
    if (!set.some((l) => bit(l.path, depth) === b)) {
      work[depth >> 3] ^= 0x80 >> (depth & 7);
      flippedBits.push(depth);
      b = 1 - b;
    }
    siblings.push(modelDigest(set.filter((l) => bit(l.path, depth) !== b), depth + 1));
    set = set.filter((l) => bit(l.path, depth) === b);
    depth++;
  }
  return { flippedBits, depth, closestPath: hex(set[0].path), sideNodes: siblings.reverse().map(hex) };
}

// ---------------------------------------------------------------------------------------------------

const weightArb = fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 0n, max: MOD_64 - 1n }));
const leafArb = fc.record({
  key: fc.uint8Array({ minLength: 0, maxLength: 6 }),
  value: fc.uint8Array({ maxLength: 24 }),
  weight: weightArb,
});
const leavesArb = (minLength: number) =>
  fc.uniqueArray(leafArb, { minLength, maxLength: 40, selector: (leaf) => hex(leaf.key) });
const pathArb = fc.uint8Array({ minLength: 32, maxLength: 32 });

function build(leaves: Leaf[]): SparseMerkleSumTrie {
  const trie = new SparseMerkleSumTrie();
  for (const leaf of leaves) trie.update(leaf.key, leaf.value, leaf.weight);
  return trie;
}

describe("SMST properties", () => {
  test("the root is §8.2's canonical digest, whatever the insertion order", () => {
    const leavesInTwoOrders = leavesArb(0).chain((leaves) =>
      fc.tuple(fc.constant(leaves), fc.shuffledSubarray(leaves, { minLength: leaves.length, maxLength: leaves.length })),
    );
    fc.assert(
      fc.property(leavesInTwoOrders, ([leaves, shuffled]) => {
        const expected = hex(modelDigest(modelLeaves(leaves), 0));
        assert.equal(hex(build(leaves).root()), expected);
        assert.equal(hex(build(shuffled).root()), expected);
      }),
    );
  });

  test("re-inserting a key replaces its leaf; sum and count stay exact (mod 2^64 like Go)", () => {
    fc.assert(
      fc.property(leavesArb(1), fc.array(fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 24 }), weightArb)), (leaves, rewrites) => {
        const trie = build(leaves);
        const final = new Map(leaves.map((leaf) => [hex(leaf.key), { ...leaf }]));
        for (const [index, value, weight] of rewrites) {
          const { key } = leaves[index % leaves.length];
          trie.update(key, value, weight);
          final.set(hex(key), { key, value, weight });
        }
        const finalLeaves = [...final.values()];
        assert.equal(trie.size, finalLeaves.length);
        assert.equal(hex(trie.root()), hex(modelDigest(modelLeaves(finalLeaves), 0)));
        assert.equal(trie.sum(), finalLeaves.reduce((sum, leaf) => sum + leaf.weight, 0n) % MOD_64);
        assert.equal(trie.count(), BigInt(finalLeaves.length));
        for (const leaf of finalLeaves) {
          assert.deepEqual(trie.get(leaf.key), { value: leaf.value, weight: leaf.weight });
        }
      }),
    );
  });

  test("deleting leaves gives the root of the leaves left", () => {
    fc.assert(
      fc.property(leavesArb(0), fc.array(fc.boolean(), { maxLength: 40 }), (leaves, deleteFlags) => {
        const trie = build(leaves);
        const kept = leaves.filter((leaf, i) => {
          if (!deleteFlags[i]) return true;
          assert.equal(trie.delete(leaf.key), true);
          assert.equal(trie.delete(leaf.key), false);
          return false;
        });
        assert.equal(trie.size, kept.length);
        assert.equal(hex(trie.root()), hex(modelDigest(modelLeaves(kept), 0)));
        for (const leaf of kept) assert.equal(trie.has(leaf.key), true);
      }),
    );
  });

  test("every closest proof is §8.5's and verifies through gob → decompact → verify", () => {
    fc.assert(
      fc.property(leavesArb(1), pathArb, (leaves, path) => {
        const trie = build(leaves);
        const root = trie.root();
        const proof = trie.proveClosest(path);
        const model = modelClosest(modelLeaves(leaves), path);
        assert.deepEqual(proof.flippedBits, model.flippedBits);
        assert.equal(proof.depth, model.depth);
        assert.equal(hex(proof.closestPath), model.closestPath);
        assert.deepEqual(proof.closestProof.sideNodes.map(hex), model.sideNodes);
        assert.ok(verifyDecompactedClosestProof(proof, root).valid);
        const verdict = verifyClosestProof(closestProofToGob(proof), root, path);
        assert.ok(verdict.valid, verdict.valid ? "" : verdict.reason);
      }),
    );
  });

  test("proof bytes do not depend on insertion order", () => {
    const twoOrders = leavesArb(1).chain((leaves) =>
      fc.tuple(fc.constant(leaves), fc.shuffledSubarray(leaves, { minLength: leaves.length, maxLength: leaves.length })),
    );
    fc.assert(
      fc.property(twoOrders, pathArb, ([leaves, shuffled], path) => {
        assert.equal(hex(closestProofToGob(build(leaves).proveClosest(path))), hex(closestProofToGob(build(shuffled).proveClosest(path))));
      }),
    );
  });

  test("any flipped byte of the submitted proof bytes is rejected", () => {
    fc.assert(
      fc.property(leavesArb(1), pathArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (leaves, path, at, mask) => {
        const trie = build(leaves);
        const gob = closestProofToGob(trie.proveClosest(path));
        const tampered = gob.slice();
        tampered[at % gob.length] ^= mask;
        assert.equal(verifyClosestProof(tampered, trie.root(), path).valid, false);
      }),
      { numRuns: 300 },
    );
  });
});
