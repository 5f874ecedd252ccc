import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { bytesToNumberBE, numberToBytesBE } from "@noble/curves/utils.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { KeyError, publicKeyFromPrivateKey } from "../../../electron/core/pokt/keys.js";
import {
  RESPONSE_SIGNATURE_LENGTH,
  responseSignableHash,
  signResponseHash,
  signResponseSignableBytes,
  verifyResponseSignature,
} from "../../../electron/core/pokt/response-signature.js";

const ORDER = secp256k1.Point.Fn.ORDER;
const privateKey = (label: string) => numberToBytesBE((bytesToNumberBE(sha256(utf8ToBytes(label))) % (ORDER - 1n)) + 1n, 32);
const supplierKey = privateKey("response-supplier");
const publicKey = publicKeyFromPrivateKey(supplierKey);
const msgHash = responseSignableHash(utf8ToBytes("signable relay response bytes"));
const signature = signResponseHash(msgHash, supplierKey);

const sComponent = (sig: Uint8Array) => bytesToNumberBE(sig.subarray(32));
function withS(sig: Uint8Array, s: bigint): Uint8Array {
  const copy = Uint8Array.from(sig);
  copy.set(numberToBytesBE(s, 32), 32);
  return copy;
}
const verify = (sig: Uint8Array, hash = msgHash, key = publicKey) => verifyResponseSignature({ publicKey: key, msgHash: hash, signature: sig });

describe("supplier response signatures", () => {
  test("sign then verify; signing is deterministic (RFC 6979) and 64 bytes", () => {
    assert.equal(signature.length, RESPONSE_SIGNATURE_LENGTH);
    assert.deepEqual(signResponseHash(msgHash, supplierKey), signature);
    assert.equal(verify(signature), true);
  });

  test("the ECDSA message is SHA256(msgHash): a plain ECDSA check over msgHash itself fails", () => {
    assert.equal(secp256k1.verify(signature, sha256(msgHash), publicKey, { prehash: false }), true);
    assert.equal(secp256k1.verify(signature, msgHash, publicKey, { prehash: false }), false);
  });

  test("signing the signable bytes equals signing their SHA-256", () => {
    const signable = utf8ToBytes("signable relay response bytes");
    assert.deepEqual(signResponseSignableBytes(signable, supplierKey), signature);
  });

  test("signatures are always low-S", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (hash) => {
        assert.ok(sComponent(signResponseHash(hash, supplierKey)) <= ORDER >> 1n);
      }),
      { numRuns: 40 },
    );
  });

  test("the high-S twin of a valid signature is rejected", () => {
    const highS = withS(signature, ORDER - sComponent(signature));
    assert.ok(secp256k1.verify(highS, msgHash, publicKey, { lowS: false }), "the twin is a mathematically valid ECDSA signature");
    assert.equal(verify(highS), false);
  });

  test("wrong lengths, zero r or s, wrong key and wrong message are rejected", () => {
    assert.equal(verify(signature.subarray(0, 63)), false);
    assert.equal(verify(new Uint8Array([...signature, 0])), false);
    assert.equal(verify(new Uint8Array(0)), false);
    assert.equal(verify(withS(signature, 0n)), false);
    const zeroR = Uint8Array.from(signature);
    zeroR.fill(0, 0, 32);
    assert.equal(verify(zeroR), false);
    assert.equal(verify(signature, msgHash, publicKeyFromPrivateKey(privateKey("someone else"))), false);
    assert.equal(verify(signature, sha256(msgHash)), false);
  });

  test("a public key that does not decode gives false, not an exception", () => {
    assert.equal(verify(signature, msgHash, hexToBytes("04" + "11".repeat(32))), false);
    assert.equal(verify(signature, msgHash, new Uint8Array(0)), false);
    assert.equal(verify(signature, msgHash, hexToBytes("02" + "00".repeat(32))), false);
  });

  test("any flipped byte of the signature or the message hash is rejected", () => {
    fc.assert(
      fc.property(fc.nat({ max: 95 }), fc.integer({ min: 1, max: 255 }), (index, mask) => {
        const sig = Uint8Array.from(signature);
        const hash = Uint8Array.from(msgHash);
        if (index < 64) sig[index] ^= mask;
        else hash[index - 64] ^= mask;
        assert.equal(verify(sig, hash), false);
      }),
      { numRuns: 150 },
    );
  });

  test("invalid private keys are refused with KeyError", () => {
    for (const bad of [new Uint8Array(32), numberToBytesBE(ORDER, 32), supplierKey.subarray(1)]) {
      assert.throws(() => signResponseHash(msgHash, bad), KeyError);
    }
  });
});
