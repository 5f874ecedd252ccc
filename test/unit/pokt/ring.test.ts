import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { bytesToNumberBE, numberToBytesBE } from "@noble/curves/utils.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { publicKeyFromPrivateKey } from "../../../electron/core/pokt/keys.js";
import {
  CURVE_ORDER,
  type RingSignature,
  RingSignatureError,
  computeKeyImage,
  decodeScalar,
  deserializeRingSignature,
  encodeScalar,
  ringSignatureLength,
  serializeRingSignature,
  signRing,
  verifyRingSignature,
  verifyRingSignatureBytes,
} from "../../../electron/core/pokt/ring/index.js";
import { writeScalar } from "../../../electron/core/pokt/ring/scalar.js";

const privateKey = (label: string) =>
  numberToBytesBE((bytesToNumberBE(sha256(utf8ToBytes(label))) % (CURVE_ORDER - 1n)) + 1n, 32);
const message = (label: string) => sha256(utf8ToBytes(label));

const keys = Array.from({ length: 8 }, (_, i) => privateKey(`ring-test-key-${i}`));
const publicKeys = keys.map(publicKeyFromPrivateKey);
const outsiderKey = privateKey("ring-test-outsider");
const m = message("ring-test-message");

/** Deterministic scalars, so failures reproduce. */
function countingSource(seed: string) {
  let i = 0;
  return () => bytesToNumberBE(sha256(utf8ToBytes(`${seed}-${i++}`))) % CURVE_ORDER;
}

function signAs(signer: number, size: number, msg = m): RingSignature {
  return signRing({ message: msg, ring: publicKeys.slice(0, size), privateKey: keys[signer], signerIndex: signer });
}

function expectRingError(action: () => unknown, code: RingSignatureError["code"]) {
  assert.throws(action, (error: unknown) => error instanceof RingSignatureError && error.code === code);
}

describe("ring signature round trips", () => {
  for (let size = 1; size <= 8; size++) {
    test(`ring of ${size}: every signature verifies, survives serialization and binds the message`, () => {
      const signer = Math.floor(size / 2);
      const signature = signAs(signer, size);
      assert.equal(signature.publicKeys.length, size);
      assert.equal(verifyRingSignature(signature, m), true);
      const bytes = serializeRingSignature(signature);
      assert.equal(bytes.length, ringSignatureLength(size));
      assert.equal(bytes.length, 69 + 65 * size);
      assert.deepEqual(deserializeRingSignature(bytes), signature);
      assert.equal(verifyRingSignatureBytes(bytes, m), true);
      assert.equal(verifyRingSignatureBytes(bytes, message("another message")), false);
    });
  }

  test("each ring position can sign", () => {
    for (let signer = 0; signer < 4; signer++) assert.equal(verifyRingSignature(signAs(signer, 4), m), true);
  });

  test("the signer is found in the ring when no index is given", () => {
    const signature = signRing({ message: m, ring: publicKeys.slice(0, 3), privateKey: keys[2] });
    assert.equal(verifyRingSignature(signature, m), true);
  });

  test("injected random scalars make signing deterministic; the default source does not", () => {
    const request = { message: m, ring: publicKeys.slice(0, 3), privateKey: keys[1] };
    const first = serializeRingSignature(signRing({ ...request, randomScalar: countingSource("s") }));
    const again = serializeRingSignature(signRing({ ...request, randomScalar: countingSource("s") }));
    assert.deepEqual(first, again);
    const randomA = serializeRingSignature(signRing(request));
    const randomB = serializeRingSignature(signRing(request));
    assert.notDeepEqual(randomA, randomB);
    assert.equal(verifyRingSignatureBytes(randomA, m) && verifyRingSignatureBytes(randomB, m), true);
  });

  test("a random scalar source returning values outside [0, n) is refused", () => {
    assert.throws(() => signRing({ message: m, ring: publicKeys.slice(0, 2), privateKey: keys[0], randomScalar: () => CURVE_ORDER }), RangeError);
  });
});

describe("who can sign", () => {
  test("a key outside the ring cannot sign for it", () => {
    expectRingError(() => signRing({ message: m, ring: publicKeys.slice(0, 3), privateKey: outsiderKey }), "signer_not_in_ring");
    expectRingError(
      () => signRing({ message: m, ring: publicKeys.slice(0, 3), privateKey: outsiderKey, signerIndex: 1 }),
      "signer_not_in_ring",
    );
    expectRingError(() => signRing({ message: m, ring: publicKeys.slice(0, 3), privateKey: keys[0], signerIndex: 3 }), "signer_not_in_ring");
  });

  test("an outsider's signature does not verify once its own key is swapped for a ring member", () => {
    const outsiderPublicKey = publicKeyFromPrivateKey(outsiderKey);
    const signature = signRing({ message: m, ring: [publicKeys[0], outsiderPublicKey], privateKey: outsiderKey });
    assert.equal(verifyRingSignature(signature, m), true);
    const forged = { ...signature, publicKeys: [publicKeys[0], publicKeys[1]] };
    assert.equal(verifyRingSignature(forged, m), false);
  });

  test("a ring with a repeated key ([app, app]) signs and verifies from either position", () => {
    const ring = [publicKeys[0], publicKeys[0]];
    for (const signerIndex of [0, 1]) {
      const signature = signRing({ message: m, ring, privateKey: keys[0], signerIndex });
      assert.equal(verifyRingSignatureBytes(serializeRingSignature(signature), m), true);
    }
  });

  test("the key image is fixed per signer and differs between signers", () => {
    const a = signAs(1, 3);
    const b = signRing({ message: message("other"), ring: publicKeys.slice(1, 5), privateKey: keys[1] });
    assert.deepEqual(a.keyImage, b.keyImage);
    assert.deepEqual(a.keyImage, computeKeyImage(keys[1]));
    assert.notDeepEqual(a.keyImage, computeKeyImage(keys[2]));
  });

  test("a zero or wrongly sized private key is refused", () => {
    expectRingError(() => signRing({ message: m, ring: publicKeys.slice(0, 2), privateKey: new Uint8Array(32) }), "invalid_private_key");
    expectRingError(() => signRing({ message: m, ring: publicKeys.slice(0, 2), privateKey: keys[0].slice(1) }), "invalid_private_key");
    // n itself reduces to zero, as Go's scalar decoding does
    expectRingError(
      () => signRing({ message: m, ring: publicKeys.slice(0, 2), privateKey: numberToBytesBE(CURVE_ORDER, 32) }),
      "invalid_private_key",
    );
  });

  test("messages must be 32 bytes", () => {
    expectRingError(() => signRing({ message: m.slice(1), ring: publicKeys.slice(0, 2), privateKey: keys[0] }), "invalid_message");
    const bytes = serializeRingSignature(signAs(0, 2));
    expectRingError(() => verifyRingSignatureBytes(bytes, new Uint8Array(33)), "invalid_message");
  });
});

describe("decoding like ring-go", () => {
  const valid = serializeRingSignature(signAs(1, 2));
  const withByte = (offset: number, value: number) => {
    const copy = Uint8Array.from(valid);
    copy[offset] = value;
    return copy;
  };
  const keyImageOffset = 4 + 32;
  const firstMemberOffset = keyImageOffset + 33 + 32;

  test("bytes after the declared ring are ignored, as Go ignores them", () => {
    const padded = new Uint8Array([...valid, 0xde, 0xad, 0xbe, 0xef]);
    assert.deepEqual(deserializeRingSignature(padded), deserializeRingSignature(valid));
    assert.equal(verifyRingSignatureBytes(padded, m), true);
  });

  for (const prefix of [0x00, 0x04, 0x05, 0x06, 0x07, 0xff]) {
    test(`a point with prefix 0x${prefix.toString(16).padStart(2, "0")} is rejected (key image and ring member)`, () => {
      for (const offset of [keyImageOffset, firstMemberOffset]) {
        expectRingError(() => deserializeRingSignature(withByte(offset, prefix)), "invalid_point");
        assert.equal(verifyRingSignatureBytes(withByte(offset, prefix), m), false);
      }
    });
  }

  test("an x coordinate that is not on the curve or not below p is rejected", () => {
    const notOnCurve = Uint8Array.from(valid);
    notOnCurve.fill(0, firstMemberOffset + 1, firstMemberOffset + 33); // x = 0: 7 has no square root mod p
    expectRingError(() => deserializeRingSignature(notOnCurve), "invalid_point");
    // x = p + 1 would wrap to x = 1, a valid x coordinate; decred refuses x >= p and so must we.
    const fieldPrime = 2n ** 256n - 2n ** 32n - 977n;
    const beyondP = Uint8Array.from(valid);
    beyondP.set(numberToBytesBE(fieldPrime + 1n, 32), firstMemberOffset + 1);
    expectRingError(() => deserializeRingSignature(beyondP), "invalid_point");
    const wrapped = Uint8Array.from(valid);
    wrapped.set(numberToBytesBE(1n, 32), firstMemberOffset + 1);
    assert.doesNotThrow(() => deserializeRingSignature(wrapped));
  });

  test("truncated input fails with typed errors at every length", () => {
    for (let length = 0; length < valid.length; length++) {
      assert.throws(() => deserializeRingSignature(valid.slice(0, length)), RingSignatureError, `length ${length}`);
      assert.equal(verifyRingSignatureBytes(valid.slice(0, length), m), false);
    }
  });

  test("a huge declared ring size is refused before any allocation", () => {
    const huge = Uint8Array.from(valid);
    huge.set([0xff, 0xff, 0xff, 0xff], 0);
    expectRingError(() => deserializeRingSignature(huge), "truncated");
  });

  test("a ring size of 0 decodes (as in Go) but never verifies", () => {
    const empty = Uint8Array.from(valid.slice(0, 69));
    empty.set([0, 0, 0, 0], 0);
    const signature = deserializeRingSignature(empty);
    assert.equal(signature.publicKeys.length, 0);
    assert.equal(verifyRingSignature(signature, m), false);
    assert.equal(verifyRingSignatureBytes(empty, m), false);
  });

  test("scalars decode modulo n and encode as 32 bytes", () => {
    assert.equal(decodeScalar(numberToBytesBE(CURVE_ORDER + 5n, 32)), 5n);
    assert.equal(bytesToHex(encodeScalar(CURVE_ORDER + 1n)), "00".repeat(31) + "01");
    expectRingError(() => decodeScalar(new Uint8Array(31)), "invalid_scalar_length");
  });

  test("writeScalar (and so encodeScalar) writes the 32 big-endian bytes in place, for reduced scalars only", () => {
    const target = new Uint8Array(40).fill(0xee);
    const view = new DataView(target.buffer);
    for (const scalar of [0n, 1n, 255n, 1n << 64n, (1n << 192n) + 7n, CURVE_ORDER - 1n, bytesToNumberBE(sha256(utf8ToBytes("scalar"))) % CURVE_ORDER]) {
      writeScalar(scalar, view, 4);
      assert.equal(bytesToHex(target.subarray(4, 36)), bytesToHex(numberToBytesBE(scalar, 32)), `scalar ${scalar}`);
      assert.equal(bytesToHex(encodeScalar(scalar)), bytesToHex(numberToBytesBE(scalar, 32)), `encodeScalar(${scalar})`);
      assert.equal(bytesToHex(target.subarray(0, 4)) + bytesToHex(target.subarray(36)), "ee".repeat(8), "the bytes around are untouched");
    }
    assert.throws(() => writeScalar(CURVE_ORDER, view, 0), RangeError);
    assert.throws(() => writeScalar(-1n, view, 0), RangeError);
  });

  test("zero challenge or responses give false, not a crash", () => {
    const signature = signAs(0, 2);
    assert.equal(verifyRingSignature({ ...signature, challenge: 0n }, m), false);
    assert.equal(verifyRingSignature({ ...signature, responses: [0n, 0n] }, m), false);
    assert.equal(verifyRingSignature({ ...signature, challenge: 0n, responses: [0n, 0n] }, m), false);
  });

  test("hand-built signatures with inconsistent parts are typed errors", () => {
    const signature = signAs(0, 2);
    expectRingError(() => verifyRingSignature({ ...signature, responses: [1n] }, m), "malformed_signature");
    expectRingError(() => verifyRingSignature({ ...signature, challenge: CURVE_ORDER }, m), "malformed_signature");
    expectRingError(() => serializeRingSignature({ ...signature, keyImage: signature.keyImage.slice(1) }), "malformed_signature");
    const offCurve = hexToBytes("02" + "00".repeat(32));
    expectRingError(() => verifyRingSignature({ ...signature, keyImage: offCurve }, m), "invalid_point");
  });
});
