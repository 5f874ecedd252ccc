// The gob codec of MsgSubmitProof.proof: Go's framing and type definitions, strict canonical decoding,
// and fuzzing (random, truncated and mutated streams must end in a GobDecodeError, quickly).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { vectorsDir } from "../../fixtures/paths.js";
import {
  GobDecodeError,
  MAX_PROOF_GOB_BYTES,
  decodeCompactClosestProofGob,
  encodeCompactClosestProofGob,
  verifyClosestProof,
} from "../../../electron/core/pokt/smst/index.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "hex"));

const fixture = JSON.parse(readFileSync(join(vectorsDir, "upstream-go.json"), "utf8")).vectors.find(
  (v: any) => v.name === "five_minable_fixture_relays_w10",
);
const reference = unhex(fixture.expected.gob_hex);
const referenceRoot = unhex(fixture.expected.root);
const referencePath = unhex(fixture.inputs.path);

/** gob uint, for building test streams. */
function gobUint(value: number): Uint8Array {
  if (value < 0x80) return Uint8Array.of(value);
  const bytes: number[] = [];
  for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Uint8Array.of(256 - bytes.length, ...bytes);
}

/** Splits a stream into its message bodies (each framed by a gob uint length). */
function messages(stream: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < stream.length) {
    const first = stream[at];
    let length = first;
    let header = 1;
    if (first >= 0x80) {
      header += 256 - first;
      length = 0;
      for (let i = 1; i < header; i++) length = length * 256 + stream[at + i];
    }
    out.push(stream.slice(at + header, at + header + length));
    at += header + length;
  }
  return out;
}

const frame = (...bodies: Uint8Array[]): Uint8Array =>
  new Uint8Array(bodies.flatMap((body) => [...gobUint(body.length), ...body]));

function expectGobError(stream: Uint8Array): void {
  assert.throws(() => decodeCompactClosestProofGob(stream), GobDecodeError);
}

describe("gob encoding", () => {
  test("re-encoding a decoded Go stream reproduces it byte for byte", () => {
    assert.equal(hex(encodeCompactClosestProofGob(decodeCompactClosestProofGob(reference))), hex(reference));
  });

  test("the stream is three type definitions (ids 65, 66, 67) then the value", () => {
    const [closestType, sliceType, proofType, value] = messages(reference);
    assert.equal(hex(closestType.subarray(0, 2)), "ff81", "int(-65)");
    assert.equal(hex(sliceType.subarray(0, 2)), "ff83", "int(-66)");
    assert.equal(hex(proofType.subarray(0, 2)), "ff85", "int(-67)");
    assert.equal(hex(value.subarray(0, 2)), "ff82", "int(65)");
    assert.ok(Buffer.from(closestType).includes("SparseCompactMerkleClosestProof"));
    assert.ok(Buffer.from(sliceType).includes("[][]uint8"));
  });

  test("an all-zero proof omits every field (Go's zero-value rule)", () => {
    const stream = encodeCompactClosestProofGob({
      path: new Uint8Array(0),
      flippedBits: [],
      depth: new Uint8Array(0),
      closestPath: new Uint8Array(0),
      closestValueHash: new Uint8Array(0),
      closestProof: {
        sideNodes: [],
        nonMembershipLeafData: new Uint8Array(0),
        bitMask: new Uint8Array(0),
        numSideNodes: 0,
        siblingData: new Uint8Array(0),
      },
    });
    // int(65), delta 6 to ClosestProof, its empty field list, end of struct.
    assert.equal(hex(messages(stream)[3]), "ff82060000");
  });
});

describe("gob decoding accepts what any Go encoder writes", () => {
  test("other type ids (a Go process that gob-encoded other types first)", () => {
    const renumber = (body: Uint8Array): Uint8Array =>
      unhex(
        hex(body)
          .replace(/ff81/g, "ffc7") // -65 → -100
          .replace(/ff82/g, "ffc8") // 65 → 100
          .replace(/ff83/g, "ffb3") // -66 → -90
          .replace(/ff84/g, "ffb4") // 66 → 90
          .replace(/ff85/g, "ff9f") // -67 → -80
          .replace(/ff86/g, "ffa0"), // 67 → 80
      );
    const [a, b, c, value] = messages(reference);
    const renumberedValue = value.slice();
    renumberedValue.set(unhex("ffc8"), 0); // only the value's leading type id, not its data
    const stream = frame(renumber(b), renumber(c), renumber(a), renumberedValue);
    assert.deepEqual(decodeCompactClosestProofGob(stream), decodeCompactClosestProofGob(reference));
    assert.ok(verifyClosestProof(stream, referenceRoot, referencePath).valid);
  });
});

describe("gob decoding rejects non-canonical streams Go would tolerate", () => {
  const [closestType, sliceType, proofType, value] = messages(reference);

  test("trailing bytes after the value", () => {
    expectGobError(new Uint8Array([...reference, 0x00]));
  });

  test("a fourth, unused type definition", () => {
    const extra = unhex(hex(sliceType).replace("ff83", "ff87").replace("ff84", "ff88"));
    expectGobError(frame(closestType, sliceType, extra, proofType, value));
  });

  test("a renamed field (Go would ignore it)", () => {
    const renamed = unhex(hex(proofType).replace(hex(Buffer.from("NonMembership")), hex(Buffer.from("NonMembershiq"))));
    expectGobError(frame(closestType, sliceType, renamed, value));
  });

  test("a non-minimal integer (Path's length written in two bytes)", () => {
    const nonMinimal = unhex(hex(value).replace(/^ff820120/, "ff8201ff20"));
    expectGobError(frame(closestType, sliceType, proofType, nonMinimal));
  });

  test("an explicitly encoded empty field", () => {
    // Path written as (delta 1, length 0) instead of being left out.
    const emptyPath = unhex("ff82" + "0100" + hex(value).slice("ff820120".length + 64));
    expectGobError(frame(closestType, sliceType, proofType, emptyPath));
  });

  test("the value before its type definitions", () => {
    expectGobError(frame(value, closestType, sliceType, proofType));
  });
});

describe("gob decoding of hostile input", () => {
  test("every truncation is a GobDecodeError", () => {
    for (let length = 0; length < reference.length; length++) expectGobError(reference.subarray(0, length));
  });

  test("absurd lengths and counts are refused without allocating", () => {
    const [closestType, sliceType, proofType] = messages(reference);
    // A message claiming 2^50 bytes.
    expectGobError(unhex("f9040000000000000000"));
    // FlippedBits claiming 2^31 items.
    expectGobError(frame(closestType, sliceType, proofType, unhex("ff8202fc80000000")));
    // A byte string claiming 2^40 bytes.
    expectGobError(frame(closestType, sliceType, proofType, unhex("ff8201fb010000000000")));
    // An 8-byte uint (beyond what any field of a proof needs).
    expectGobError(unhex("f8ffffffffffffffff"));
    expectGobError(new Uint8Array(MAX_PROOF_GOB_BYTES + 1));
  });

  test("random buffers only ever raise GobDecodeError", () => {
    const started = performance.now();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        expectGobError(bytes);
      }),
      { numRuns: 2500 },
    );
    // Random tails after the genuine type definitions reach the value decoder.
    const definitions = reference.subarray(0, reference.length - (messages(reference)[3].length + 3));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (tail) => {
        expectGobError(new Uint8Array([...definitions, ...gobUint(tail.length), ...tail]));
      }),
      { numRuns: 1500 },
    );
    assert.ok(performance.now() - started < 30_000, "decoding 4000 hostile buffers must stay fast");
  });

  test("mutated genuine streams either fail to decode or fail to verify", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        (edits) => {
          const mutated = reference.slice();
          for (const [at, mask] of edits) mutated[at % mutated.length] ^= mask;
          if (hex(mutated) === hex(reference)) return; // edits that cancelled out
          try {
            decodeCompactClosestProofGob(mutated);
          } catch (error) {
            assert.ok(error instanceof GobDecodeError, String(error));
            return;
          }
          assert.equal(verifyClosestProof(mutated, referenceRoot, referencePath).valid, false);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
