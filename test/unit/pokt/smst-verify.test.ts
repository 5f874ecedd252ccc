// Verification as the chain runs it: every single-byte change of a submitted proof is rejected, and so is
// every non-canonical proof Go's lax checks would let through.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { vectorsDir } from "../../fixtures/paths.js";
import {
  SparseMerkleSumTrie,
  closestProofToGob,
  compactClosestProof,
  decodeCompactClosestProofGob,
  decompactClosestProof,
  verifyClosestProof,
  verifyDecompactedClosestProof,
  type CompactClosestProof,
} from "../../../electron/core/pokt/smst/index.js";

const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "hex"));
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const vectors: any[] = JSON.parse(readFileSync(join(vectorsDir, "upstream-go.json"), "utf8")).vectors;
const vector = (name: string) => vectors.find((v) => v.name === name);

interface Case {
  name: string;
  gob: Uint8Array;
  root: Uint8Array;
  path: Uint8Array;
}

function caseFromTrie(name: string, trie: SparseMerkleSumTrie, path: Uint8Array): Case {
  return { name, gob: closestProofToGob(trie.proveClosest(path)), root: trie.root(), path };
}

function fiveRelays(): Case {
  const v = vector("five_minable_fixture_relays_w10");
  const trie = new SparseMerkleSumTrie();
  for (const leaf of v.inputs.leaves) trie.update(unhex(leaf.key), unhex(leaf.value), leaf.weight);
  return caseFromTrie("five relays, depth 4", trie, unhex(v.inputs.path));
}

function tenLeavesWithFlips(): Case {
  const v = vector("repo_nil_valuehasher_10keys_testKey2_flip3_6");
  const trie = new SparseMerkleSumTrie();
  for (const leaf of v.inputs.leaves) trie.update(unhex(leaf.key), unhex(leaf.value), leaf.weight);
  return caseFromTrie("ten leaves, two flipped bits, four placeholders", trie, unhex(v.inputs.path));
}

function singleLeaf(): Case {
  const trie = new SparseMerkleSumTrie();
  trie.update(ascii("only"), ascii("relay bytes"), 7);
  return caseFromTrie("single leaf, depth 0", trie, sha256(ascii("anywhere")));
}

function deepProof(): Case {
  const trie = new SparseMerkleSumTrie();
  for (let i = 0; i < 3000; i++) trie.update(sha256(ascii(`relay-${i}`)), ascii(`payload ${i}`), 1 + (i % 5));
  return caseFromTrie("3000 leaves, two-byte BitMask", trie, sha256(ascii("deep")));
}

const cases = [fiveRelays(), tenLeavesWithFlips(), singleLeaf(), deepProof()];

/** Asserts a rejection and that it was for the expected reason (not some incidental failure). */
function assertRejected(verdict: ReturnType<typeof verifyClosestProof>, reason: RegExp): void {
  assert.equal(verdict.valid, false);
  if (!verdict.valid) assert.match(verdict.reason, reason);
}

function compactOf(c: Case): CompactClosestProof {
  return decodeCompactClosestProofGob(c.gob);
}

describe("single-byte tampering", () => {
  test("the fixtures verify untouched", () => {
    for (const c of cases) assert.ok(verifyClosestProof(c.gob, c.root, c.path).valid, c.name);
    assert.ok(decompactClosestProof(compactOf(cases[3])).depth > 8, "the deep case needs a two-byte BitMask");
  });

  for (const c of cases) {
    test(`every byte of "${c.name}" changed in three ways is rejected`, () => {
      for (let at = 0; at < c.gob.length; at++) {
        for (const mask of [0x01, 0x80, 0xff]) {
          const tampered = c.gob.slice();
          tampered[at] ^= mask;
          assert.equal(verifyClosestProof(tampered, c.root, c.path).valid, false, `byte ${at} ^ ${mask}`);
        }
      }
    });
  }
});

describe("checks beyond Go's (proofs Go would accept)", () => {
  const [five, ten, single] = cases;

  test("a proof for another path, or against another root", () => {
    const otherPath = five.path.slice();
    otherPath[31] ^= 1; // beyond Depth: only the path check notices
    assertRejected(verifyClosestProof(five.gob, five.root, otherPath), /different path/);
    const otherRoot = five.root.slice();
    otherRoot[47] ^= 1;
    assert.equal(verifyClosestProof(five.gob, otherRoot, five.path).valid, false);
    assert.equal(verifyClosestProof(five.gob, five.root.subarray(0, 47), five.path).valid, false);
  });

  test("Depth lowered below the number of side nodes", () => {
    const compact = compactOf(five); // Depth 4, FlippedBits [1]
    assertRejected(verifyClosestProof({ ...compact, depth: Uint8Array.of(3) }, five.root, five.path), /4 side nodes for Depth 3/);
  });

  test("a flipped bit at Depth (Go allows index == Depth)", () => {
    const compact = compactOf(five);
    const flippedBits = [...compact.flippedBits, Uint8Array.of(4)];
    assertRejected(verifyClosestProof({ ...compact, flippedBits }, five.root, five.path), /below Depth/);
  });

  test("BitMask padding bits, and a placeholder sent explicitly", () => {
    const short = compactOf(five); // 4 side nodes: BitMask bits 4..7 are padding
    const paddedMask = { ...short.closestProof!, bitMask: Uint8Array.of(short.closestProof!.bitMask[0] | 0x01) };
    assertRejected(verifyClosestProof({ ...short, closestProof: paddedMask }, five.root, five.path), /padding/);
    const compact = compactOf(ten); // BitMask 78: side nodes 1..4 are placeholders
    const proof = compact.closestProof!;
    const explicit = {
      ...proof,
      bitMask: Uint8Array.of(proof.bitMask[0] & ~0x40),
      sideNodes: [proof.sideNodes[0], new Uint8Array(48), ...proof.sideNodes.slice(1)],
    };
    assertRejected(verifyClosestProof({ ...compact, closestProof: explicit }, ten.root, ten.path), /placeholder/);
  });

  test("NonMembershipLeafData, or SiblingData without side nodes", () => {
    const compact = compactOf(five);
    const withLeafData = { ...compact.closestProof!, nonMembershipLeafData: new Uint8Array(40).fill(1) };
    assertRejected(verifyClosestProof({ ...compact, closestProof: withLeafData }, five.root, five.path), /NonMembershipLeafData/);
    const lone = compactOf(single);
    const withSibling = { ...lone.closestProof!, siblingData: Uint8Array.of(0, ...new Uint8Array(48)) };
    assertRejected(verifyClosestProof({ ...lone, closestProof: withSibling }, single.root, single.path), /without side nodes/);
  });

  test("a proof without SiblingData still verifies (the chain does not need it)", () => {
    const compact = compactOf(five);
    const without = { ...compact.closestProof!, siblingData: new Uint8Array(0) };
    assert.ok(verifyClosestProof({ ...compact, closestProof: without }, five.root, five.path).valid);
  });

  test("Go's extension-node SiblingData verifies, but not with a sum/count of its own", () => {
    const v = vector("generated_n100_path0");
    const goGob = unhex(v.expected.gob_hex);
    const root = unhex(v.expected.root);
    const path = unhex(v.inputs.path);
    assert.ok(verifyClosestProof(goGob, root, path).valid);
    const compact = decodeCompactClosestProofGob(goGob);
    const siblingData = compact.closestProof!.siblingData.slice();
    assert.equal(siblingData[0], 0x02);
    siblingData[siblingData.length - 1] ^= 1; // the extension's own count, which Go ignores
    const tampered = { ...compact, closestProof: { ...compact.closestProof!, siblingData } };
    assertRejected(verifyClosestProof(tampered, root, path), /sum\/count/);
  });

  test("malformed objects give a verdict, never an exception", () => {
    const compact = compactOf(five);
    const proof = compact.closestProof!;
    const odd: CompactClosestProof[] = [
      { ...compact, closestProof: null },
      { ...compact, depth: new Uint8Array(0) },
      { ...compact, depth: Uint8Array.of(0, 4) },
      { ...compact, depth: Uint8Array.of(1, 0, 0) },
      { ...compact, closestValueHash: new Uint8Array(3) },
      { ...compact, closestPath: new Uint8Array(31) },
      { ...compact, closestProof: { ...proof, numSideNodes: -1 } },
      { ...compact, closestProof: { ...proof, numSideNodes: 1e9 } },
      { ...compact, closestProof: { ...proof, sideNodes: [new Uint8Array(47), ...proof.sideNodes.slice(1)] } },
      { ...compact, closestProof: { ...proof, siblingData: Uint8Array.of(2, 1) } },
      { ...compact, closestProof: { ...proof, siblingData: Uint8Array.of(9) } },
    ];
    for (const candidate of odd) assert.equal(verifyClosestProof(candidate, five.root, five.path).valid, false);
  });

  test("verifyDecompactedClosestProof checks the decompacted form directly", () => {
    const proof = decompactClosestProof(compactOf(five));
    assert.ok(verifyDecompactedClosestProof(proof, five.root).valid);
    assert.equal(verifyDecompactedClosestProof({ ...proof, flippedBits: [] }, five.root).valid, false);
  });
});
