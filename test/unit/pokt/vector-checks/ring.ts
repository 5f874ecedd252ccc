// Checks for the ring-signature vector kinds of ../shared/vectors (see its README for the fields).
import assert from "node:assert/strict";
import { bytesToNumberBE } from "@noble/curves/utils.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import {
  CURVE_ORDER,
  RingSignatureError,
  decodeScalar,
  deserializeRingSignature,
  encodePoint,
  encodeScalar,
  hashToPoint,
  hashToScalar,
  hashToScalarWithoutQuirk,
  serializeRingSignature,
  signRing,
  traceRingVerification,
  verifyRingSignature,
  verifyRingSignatureBytes,
} from "../../../../electron/core/pokt/ring/index.js";
import type { VectorCheck } from "./types.js";

const hex = (bytes: Uint8Array) => bytesToHex(bytes);
const scalarHex = (scalar: bigint) => hex(encodeScalar(scalar));

/** Go's crypto/rand replayed: the i-th 32-byte read is SHA256(label_i), reduced mod n by ring-go. */
function labelledScalarSource(labels: readonly string[]) {
  let consumed = 0;
  const next = () => {
    assert.ok(consumed < labels.length, `signing drew more than the ${labels.length} random scalars Go drew`);
    return bytesToNumberBE(sha256(utf8ToBytes(labels[consumed++]))) % CURVE_ORDER;
  };
  return { next, consumed: () => consumed };
}

function checkVerifies(messageHex: string, signatureHex: string, expected: boolean) {
  assert.equal(verifyRingSignatureBytes(hexToBytes(signatureHex), hexToBytes(messageHex)), expected);
}

export const ringChecks: Record<string, VectorCheck> = {
  ring_hash_to_point(inputs, expected) {
    assert.equal(hex(encodePoint(hashToPoint(hexToBytes(inputs.point)))), expected.hp);
  },

  ring_hash_to_scalar(inputs, expected) {
    const input = hexToBytes(inputs.input_hex);
    assert.equal(scalarHex(hashToScalar(input)), expected.go_scalar);
    if (expected.plain_mod_n !== undefined) assert.equal(scalarHex(hashToScalarWithoutQuirk(input)), expected.plain_mod_n);
    if (expected.quirk_applies !== undefined) {
      assert.equal(hashToScalar(input) !== hashToScalarWithoutQuirk(input), expected.quirk_applies);
    }
  },

  ring_scalar_decode(inputs, expected) {
    const decoded = (inputs.inputs as string[]).map((input) => scalarHex(decodeScalar(hexToBytes(input))));
    assert.deepEqual(decoded, expected.encoded);
  },

  ring_sign_deterministic(inputs, expected) {
    const labels = inputs.rand_labels_consumed as string[];
    const source = labelledScalarSource(labels);
    const message = hexToBytes(inputs.message_hex);
    const signature = signRing({
      message,
      ring: (inputs.ring_pubkeys as string[]).map(hexToBytes),
      privateKey: hexToBytes(inputs.signer_priv),
      signerIndex: inputs.signer_index,
      randomScalar: source.next,
    });
    assert.equal(source.consumed(), labels.length, "every random scalar Go drew is consumed, in Go's order");
    const serialized = serializeRingSignature(signature);
    assert.equal(hex(serialized), expected.signature_hex);
    if (expected.key_image !== undefined) assert.equal(hex(signature.keyImage), expected.key_image);
    assert.equal(verifyRingSignature(signature, message), expected.go_verify ?? true);
    assert.equal(verifyRingSignatureBytes(serialized, message), expected.go_verify ?? true);
  },

  ring_sign_random(inputs, expected) {
    const signature = deserializeRingSignature(hexToBytes(expected.signature_hex));
    if (inputs.ring_pubkeys !== undefined) assert.deepEqual(signature.publicKeys.map(hex), inputs.ring_pubkeys);
    assert.equal(verifyRingSignature(signature, hexToBytes(inputs.message_hex)), expected.go_verify);
  },

  ring_verify(inputs, expected) {
    const bytes = hexToBytes(inputs.signature_hex);
    if (expected.deserialize_error) {
      assert.throws(() => deserializeRingSignature(bytes), RingSignatureError);
      assert.equal(expected.go_verify ?? false, false);
    } else {
      deserializeRingSignature(bytes);
    }
    checkVerifies(inputs.message_hex, inputs.signature_hex, expected.go_verify);
  },

  ring_verify_trace(inputs, expected) {
    const message = hexToBytes(inputs.message_hex);
    const signature = deserializeRingSignature(hexToBytes(inputs.signature_hex));
    const trace = traceRingVerification(signature, message);
    assert.equal(trace.valid, expected.go_verify);
    assert.equal(trace.links.length, expected.chain.length);
    for (const [i, link] of trace.links.entries()) {
      const want = expected.chain[i];
      assert.equal(link.index, want.i);
      assert.equal(hex(link.l), want.L, `L_${i}`);
      assert.equal(hex(link.r), want.R, `R_${i}`);
      assert.equal(scalarHex(link.nextChallenge), want.challenge_go, `challenge after member ${i}`);
      const plain = hashToScalarWithoutQuirk(Uint8Array.from([...message, ...link.l, ...link.r]));
      assert.equal(scalarHex(plain), want.challenge_plain, `quirk-free challenge after member ${i}`);
      assert.equal(plain !== link.nextChallenge, want.quirk_applies);
    }
    if (expected.verify_without_quirk !== undefined) {
      assert.equal(traceRingVerification(signature, message, hashToScalarWithoutQuirk).valid, expected.verify_without_quirk);
    }
  },
};
