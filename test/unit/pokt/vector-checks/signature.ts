// Checks for the supplier response-signature and secp256k1 key vector kinds of ../shared/vectors.
import assert from "node:assert/strict";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToNumberBE, numberToBytesBE } from "@noble/curves/utils.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { privateKeyFromSecret, publicKeyFromPrivateKey } from "../../../../electron/core/pokt/keys.js";
import {
  responseSignableHash,
  signResponseHash,
  signResponseSignableBytes,
  verifyResponseSignature,
} from "../../../../electron/core/pokt/response-signature.js";
import type { VectorCheck } from "./types.js";

const hex = (bytes: Uint8Array) => bytesToHex(bytes);

/** The vectors' label rule: priv = int(SHA256(label)) mod n. */
function privateKeyFromLabel(label: string): string {
  return hex(numberToBytesBE(bytesToNumberBE(sha256(utf8ToBytes(label))) % secp256k1.Point.Fn.ORDER, 32));
}

/** Expected `<role>_priv` / `<role>_pub` pairs of a labelled-keys vector. */
function expectedKeyPairs(expected: Record<string, string>): Array<{ priv: string; pub: string }> {
  return Object.keys(expected)
    .filter((key) => key.endsWith("_priv"))
    .map((key) => ({ priv: expected[key], pub: expected[`${key.slice(0, -"_priv".length)}_pub`] }));
}

export const signatureChecks: Record<string, VectorCheck> = {
  response_signature(inputs, expected) {
    const priv = hexToBytes(inputs.priv);
    const msgHash = hexToBytes(inputs.msg_hash);
    if (inputs.pub !== undefined) assert.equal(hex(publicKeyFromPrivateKey(priv)), inputs.pub);
    const signature = signResponseHash(msgHash, priv);
    assert.equal(hex(signature), expected.signature_hex);
    if (inputs.signable_bytes !== undefined) {
      const signable = hexToBytes(inputs.signable_bytes);
      assert.equal(hex(responseSignableHash(signable)), inputs.msg_hash);
      assert.equal(hex(signResponseSignableBytes(signable, priv)), expected.signature_hex);
    }
    const publicKey = publicKeyFromPrivateKey(priv);
    assert.equal(verifyResponseSignature({ publicKey, msgHash, signature }), expected.go_verify ?? true);
  },

  response_signature_verify(inputs, expected) {
    const verified = verifyResponseSignature({
      publicKey: hexToBytes(inputs.pub),
      msgHash: hexToBytes(inputs.msg_hash),
      signature: hexToBytes(inputs.signature_hex),
    });
    assert.equal(verified, expected.go_verify);
  },

  secp256k1_keys(inputs, expected) {
    if (inputs.labels !== undefined) {
      const pairs = expectedKeyPairs(expected);
      assert.equal(pairs.length, inputs.labels.length, "one expected key pair per label");
      assert.deepEqual(
        (inputs.labels as string[]).map(privateKeyFromLabel).sort(),
        pairs.map((pair) => pair.priv).sort(),
      );
      for (const pair of pairs) assert.equal(hex(publicKeyFromPrivateKey(hexToBytes(pair.priv))), pair.pub);
      return;
    }
    const secret = inputs.secret_hex !== undefined ? hexToBytes(inputs.secret_hex) : utf8ToBytes(inputs.secret_ascii);
    const priv = privateKeyFromSecret(secret);
    assert.equal(hex(priv), expected.priv);
    assert.equal(hex(publicKeyFromPrivateKey(priv)), expected.pub);
  },
};
