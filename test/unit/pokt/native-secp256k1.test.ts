import { test } from "node:test";
import assert from "node:assert/strict";
import { bytesToNumberBE, numberToBytesBE } from "@noble/curves/utils.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { publicKeyFromPrivateKey } from "../../../electron/core/pokt/keys.js";
import { nativeSecp256k1 } from "../../../electron/core/pokt/native-secp256k1.js";
import { CURVE_ORDER, type RingSignature, signRing, traceRingVerification, verifyRingSignature } from "../../../electron/core/pokt/ring/index.js";

// verifyRingSignature runs on libsecp256k1 where it loads; traceRingVerification always walks the BigInt path that the
// upstream Go vectors pin link by link. The two must reach the same verdict on every signature.

const key = (label: string) => numberToBytesBE((bytesToNumberBE(sha256(utf8ToBytes(label))) % (CURVE_ORDER - 1n)) + 1n, 32);
const keys = Array.from({ length: 8 }, (_, i) => key(`native-ring-key-${i}`));
const ring = keys.map(publicKeyFromPrivateKey);
const message = (label: string) => sha256(utf8ToBytes(label));

function sameVerdict(signature: RingSignature, msg: Uint8Array, expected: boolean, why: string) {
  assert.equal(traceRingVerification(signature, msg).valid, expected, `BigInt path: ${why}`);
  assert.equal(verifyRingSignature(signature, msg), expected, `verifyRingSignature: ${why}`);
}

test("libsecp256k1 is what verifies on this platform (linux-x64 has a prebuilt N-API binary)", { skip: process.env.POCKETFORGE_SECP256K1 === "js" }, () => {
  assert.ok(nativeSecp256k1, "the secp256k1 binding loads");
});

test("both paths agree on honest, tampered and foreign signatures for rings of 1 to 8", () => {
  for (let size = 1; size <= 8; size++) {
    for (let signer = 0; signer < size; signer += 3) {
      const msg = message(`native-${size}-${signer}`);
      const signature = signRing({ message: msg, ring: ring.slice(0, size), privateKey: keys[signer], signerIndex: signer });
      sameVerdict(signature, msg, true, `ring of ${size}, signer ${signer}`);
      sameVerdict(signature, message("another message"), false, "another message");
      const responses = [...signature.responses];
      responses[size - 1] = (responses[size - 1] + 1n) % CURVE_ORDER;
      sameVerdict({ ...signature, responses }, msg, false, "a changed response");
      sameVerdict({ ...signature, challenge: (signature.challenge + 1n) % CURVE_ORDER }, msg, false, "a changed challenge");
      if (size > 1) sameVerdict({ ...signature, keyImage: ring[(signer + 1) % size] }, msg, false, "someone else's key image");
    }
  }
});

test("scalars libsecp256k1 refuses (zero) fall back to the BigInt path and keep Go's verdict", () => {
  const msg = message("zero-response");
  // The first draw is the signer's nonce; the second is the decoy's response, here 0, which Go accepts.
  const draws = [12345678901234567890n, 0n];
  const signature = signRing({ message: msg, ring: ring.slice(0, 2), privateKey: keys[0], signerIndex: 0, randomScalar: () => draws.shift() ?? 7n });
  assert.equal(signature.responses[1], 0n);
  sameVerdict(signature, msg, true, "a valid signature whose decoy response is 0");
  sameVerdict({ ...signature, challenge: 0n }, msg, false, "a zero challenge");
  const zeroed = [0n, 0n];
  sameVerdict({ ...signature, responses: zeroed }, msg, false, "all responses zero");
});

test("response signatures from libsecp256k1 are byte for byte the pure-JS (RFC 6979, low-S) ones", async () => {
  const { secp256k1 } = await import("@noble/curves/secp256k1.js");
  const { signResponseHash, verifyResponseSignature } = await import("../../../electron/core/pokt/response-signature.js");
  for (let i = 0; i < 64; i++) {
    const privateKey = key(`native-response-key-${i}`);
    const msgHash = message(`native-response-${i}`);
    const signature = signResponseHash(msgHash, privateKey);
    assert.deepEqual(signature, secp256k1.sign(msgHash, privateKey, { prehash: true, lowS: true, format: "compact" }), `signature ${i}`);
    assert.equal(verifyResponseSignature({ publicKey: publicKeyFromPrivateKey(privateKey), msgHash, signature }), true);
  }
});

test("a ring member whose x is at least n (no ECDSA recovery reaches it) falls back to the BigInt path and keeps Go's verdict", async () => {
  const { secp256k1 } = await import("@noble/curves/secp256k1.js");
  const Fp = secp256k1.Point.Fp;
  // Points with n ≤ x < p exist (about one x in 2^128): a decoy member needs no private key, so one can sit in a ring.
  let decoy: Uint8Array | undefined;
  for (let x = CURVE_ORDER; decoy === undefined; x++) {
    try {
      decoy = secp256k1.Point.fromAffine({ x, y: Fp.sqrt(Fp.add(Fp.mul(Fp.sqr(x), x), 7n)) }).toBytes(true);
    } catch {
      // x³ + 7 is not a square: no point with this x
    }
  }
  const msg = message("x-beyond-n");
  const signature = signRing({ message: msg, ring: [ring[0], decoy], privateKey: keys[0], signerIndex: 0 });
  sameVerdict(signature, msg, true, "a valid signature with a decoy whose x ≥ n");
  sameVerdict(signature, message("another"), false, "the same ring over another message");
});
