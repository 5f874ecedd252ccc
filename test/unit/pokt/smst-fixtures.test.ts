// The SMST fixtures of docs/protocol.md §14.3 (smt's own test values), §14.4 (one relay) and §14.5 (the five
// minable fixture relays: root, closest proof, compact form, gob bytes), read from the steering folder's spec itself.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { sharedAssetsDir, vectorsDir } from "../../fixtures/paths.js";
import {
  SparseMerkleSumTrie,
  compactClosestProof,
  encodeCompactClosestProofGob,
  verifyClosestProof,
} from "../../../electron/core/pokt/smst/index.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "hex"));
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

const protocol = readFileSync(join(sharedAssetsDir, "protocol.md"), "utf8");

/** The first ``` block after the given heading of the steering folder's spec (docs/protocol.md §14). */
function codeBlockAfter(heading: string): string {
  const at = protocol.indexOf(heading);
  assert.ok(at >= 0, `protocol.md has no "${heading}"`);
  const open = protocol.indexOf("```", at);
  const close = protocol.indexOf("```", open + 3);
  return protocol.slice(open + 3, close);
}

/** §15.5 writes `KEY value` pairs (several per line); lowercase prose lines are skipped. */
function upperCaseFields(block: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of block.split("\n")) {
    const tokens = line.trim().split(/\s+/);
    for (let i = 0; i + 1 < tokens.length; i += 2) {
      if (!/^[A-Z_]+$/.test(tokens[i])) break;
      fields[tokens[i]] = tokens[i + 1];
    }
  }
  return fields;
}

/** §15.4 writes `name = value` lines (`name = formula = value` for derived ones). */
function assignments(block: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of block.split("\n")) {
    const first = line.indexOf(" = ");
    if (first > 0) fields[line.slice(0, first).trim()] = line.slice(line.lastIndexOf(" = ") + 3).trim();
  }
  return fields;
}

describe("§15.3 smt repository values", () => {
  test("default (sha256) value hasher, testKey1..4 with weights 1..4", () => {
    const trie = new SparseMerkleSumTrie({ valueHasher: "sha256" });
    for (let i = 1; i <= 4; i++) trie.update(ascii(`testKey${i}`), ascii(`testValue${i}`), i);
    assert.equal(
      hex(trie.root()),
      "633c469bac5978c3ee056609bfcc1558d59106ae9744cfa62520dbc3311eecb2000000000000000a0000000000000004",
    );
    // The proof of testKey1 carries the digest of the subtree holding keys 2, 3 and 4 (sum 9, count 3).
    const proof = trie.proveClosest(sha256(ascii("testKey1")));
    assert.equal(hex(proof.closestPath), hex(sha256(ascii("testKey1"))));
    assert.ok(
      proof.closestProof.sideNodes.map(hex).includes(
        "3c54b08cc0074a44a12cb0ea0486d29d799a6026c448b3eacafa2b82ca1ff7f200000000000000090000000000000003",
      ),
    );
  });

  const tenLeaves: Array<[string, string, number]> = [
    ["foo", "oof", 3],
    ["bar", "rab", 6],
    ["baz", "zab", 9],
    ["bin", "nib", 12],
    ["fiz", "zif", 15],
    ["fob", "bof", 18],
    ["testKey", "testValue", 21],
    ["testKey2", "testValue2", 24],
    ["testKey3", "testValue3", 27],
    ["testKey4", "testValue4", 30],
  ];
  const buildTen = (): SparseMerkleSumTrie => {
    const trie = new SparseMerkleSumTrie();
    for (const [key, value, weight] of tenLeaves) trie.update(ascii(key), ascii(value), weight);
    return trie;
  };
  const flipped = (path: Uint8Array, ...bits: number[]): Uint8Array => {
    const out = path.slice();
    for (const bit of bits) out[bit >> 3] ^= 0x80 >> (bit & 7);
    return out;
  };
  const testKey2Path = sha256(ascii("testKey2"));

  test("nil value hasher, ten leaves: root, sum 165, count 10", () => {
    const trie = buildTen();
    assert.equal(hex(testKey2Path), "8d13809f932d0296b88c1913231ab4b403f05c88363575476204fef6930f22ae");
    assert.equal(
      hex(trie.root()),
      "c323f54f4bec21df5377542c6825a03ea5ef6e0873655052735e04e12340689a00000000000000a5000000000000000a",
    );
    assert.equal(trie.sum(), 165n);
    assert.equal(trie.count(), 10n);
  });

  test("ProveClosest(testKey2 path with bits 3 and 6 flipped) flips both back and finds testKey2", () => {
    const proof = buildTen().proveClosest(flipped(testKey2Path, 3, 6));
    assert.deepEqual(proof.flippedBits, [3, 6]);
    assert.equal(proof.depth, 8);
    assert.equal(hex(proof.closestPath), hex(testKey2Path));
    assert.equal(hex(proof.closestValueHash), hex(ascii("testValue2")) + "0000000000000018" + "0000000000000001");
  });

  test("ProveClosest(testKey2 path with bits 3 and 7 flipped) lands on testKey4", () => {
    const proof = buildTen().proveClosest(flipped(testKey2Path, 3, 7));
    assert.deepEqual(proof.flippedBits, [3]);
    assert.equal(proof.depth, 8);
    assert.equal(hex(proof.closestPath), hex(sha256(ascii("testKey4"))));
    assert.equal(hex(proof.closestValueHash), hex(ascii("testValue4")) + "000000000000001e" + "0000000000000001");
  });

  test("single leaf testKey/testValue with weight 5", () => {
    const trie = new SparseMerkleSumTrie();
    trie.update(ascii("testKey"), ascii("testValue"), 5);
    assert.equal(
      hex(trie.root()),
      "95c0ed8e02721ecbf23d88ced75e02c8bc08ea45b562d2ebb057ca3a84d7a21300000000000000050000000000000001",
    );
  });
});

describe("§15.4 one relay, weight 100", () => {
  test("SMST path and root of the example relay", () => {
    const example = assignments(codeBlockAfter("### 15.4"));
    const relayBytes = unhex(example["Relay (SMST value, 770 bytes)"]);
    assert.equal(relayBytes.length, 770);
    const relayHash = sha256(relayBytes);
    assert.equal(hex(relayHash), example["relay hash"]);
    assert.equal(hex(sha256(relayHash)), example["SMST path"]);
    const trie = new SparseMerkleSumTrie();
    trie.update(relayHash, relayBytes, 100);
    assert.equal(hex(trie.root()), example["SMST root (1 relay, weight 100)"]);
  });
});

describe("§15.5 five minable fixture relays, weight 10", () => {
  const expected = upperCaseFields(codeBlockAfter("### 15.5"));
  // §15.1 prints only minable[0] in full; all five relays' bytes come with the vectors.
  const fixture = JSON.parse(readFileSync(join(vectorsDir, "upstream-go.json"), "utf8")).vectors.find(
    (v: any) => v.name === "five_minable_fixture_relays_w10",
  );
  const relays: Uint8Array[] = fixture.inputs.leaves.map((leaf: { value: string }) => unhex(leaf.value));
  const minableHashes = [
    "000017d1fbb181044854b1fe76dc5db0dc6d95797310747b1290ffc52b7cab0d",
    "0000c1cc08625e9457d7bbb5045b7d981f97780705bc06e3f49a189971f97082",
    "000090c31bd08b86ff07f6bdbaa647fb0a2c8cf11f1e32dc51fb54ad7ebeb382",
    "00006d311fce520abeff58a4980b77b1e00a18eae900d2dc15caecc393c69e3d",
    "0000fd176a0c90a7c60c697a8843062c736168a14ad1823c05b16c49ee3b87a2",
  ];

  const trie = new SparseMerkleSumTrie();
  for (const relay of relays) trie.update(sha256(relay), relay, 10);
  const path = sha256(new Uint8Array([...sha256(ascii("seed-0")), ...ascii("session_id")]));

  test("the relays are §15.1's minable fixtures", () => {
    assert.deepEqual(relays.map((relay) => hex(sha256(relay))), minableHashes);
  });

  test("root", () => {
    assert.equal(hex(trie.root()), expected.ROOT);
    assert.equal(trie.sum(), 50n);
    assert.equal(trie.count(), 5n);
  });

  test("closest proof and its compact form", () => {
    assert.equal(hex(path), expected.PATH);
    const proof = trie.proveClosest(path);
    assert.deepEqual(proof.flippedBits, JSON.parse(expected.FLIPPED));
    assert.equal(proof.depth, Number(expected.DEPTH));
    assert.equal(hex(proof.closestPath), expected.CLOSEST_PATH);
    assert.equal(hex(proof.closestPath), hex(sha256(sha256(relays[2]))), "closest relay is fixture 2");
    assert.equal(hex(proof.closestProof.siblingData), expected.SIBLINGDATA);
    const compact = compactClosestProof(proof);
    assert.ok(compact.closestProof);
    assert.equal(compact.closestProof.numSideNodes, Number(expected.NUMSIDENODES));
    assert.equal(hex(compact.closestProof.bitMask), expected.BITMASK);
    assert.equal(compact.closestProof.sideNodes.length, Number(expected.COMPACTED));
  });

  test("gob bytes of MsgSubmitProof.proof, and the chain accepts them", () => {
    const gob = encodeCompactClosestProofGob(compactClosestProof(trie.proveClosest(path)));
    assert.equal(gob.length, Number(expected.GOB_LEN));
    assert.equal(hex(gob), expected.GOB);
    assert.equal(expected.VERIFY, "True");
    const verdict = verifyClosestProof(gob, trie.root(), path);
    assert.ok(verdict.valid, verdict.valid ? "" : verdict.reason);
  });
});
