// Property: no single flipped byte of a ring signature or of its message leaves it valid.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { bytesToNumberBE, numberToBytesBE } from "@noble/curves/utils.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { publicKeyFromPrivateKey } from "../../../electron/core/pokt/keys.js";
import { CURVE_ORDER, serializeRingSignature, signRing, verifyRingSignatureBytes } from "../../../electron/core/pokt/ring/index.js";

const keys = [0, 1, 2].map((i) =>
  numberToBytesBE((bytesToNumberBE(sha256(utf8ToBytes(`property-key-${i}`))) % (CURVE_ORDER - 1n)) + 1n, 32),
);
const message = sha256(utf8ToBytes("property-message"));
const signature = serializeRingSignature(signRing({ message, ring: keys.map(publicKeyFromPrivateKey), privateKey: keys[1] }));

// Each verification costs milliseconds; this many runs still visits every region of the encoding.
const RUNS = 120;

function flipped(bytes: Uint8Array, index: number, mask: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[index] ^= mask;
  return copy;
}

test("the unmodified signature verifies", () => {
  assert.equal(verifyRingSignatureBytes(signature, message), true);
});

test("flipping any bits of any signature byte invalidates it (or fails to decode), never throws", () => {
  fc.assert(
    fc.property(fc.nat({ max: signature.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, mask) => {
      assert.equal(verifyRingSignatureBytes(flipped(signature, index, mask), message), false);
    }),
    { numRuns: RUNS },
  );
});

test("flipping any bits of any message byte invalidates the signature", () => {
  fc.assert(
    fc.property(fc.nat({ max: message.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, mask) => {
      assert.equal(verifyRingSignatureBytes(signature, flipped(message, index, mask)), false);
    }),
    { numRuns: RUNS / 4 },
  );
});

test("arbitrary byte strings never crash the decoder", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      assert.equal(verifyRingSignatureBytes(bytes, message), false);
    }),
    { numRuns: RUNS },
  );
});
