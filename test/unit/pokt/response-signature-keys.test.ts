// Key helpers the response signatures (and the ring placeholder) rely on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import {
  KeyError,
  PLACEHOLDER_RING_KEY_SECRET,
  addressFromPublicKey,
  isCompressedPublicKey,
  placeholderRingPublicKey,
  privateKeyFromSecret,
  publicKeyFromPrivateKey,
} from "../../../electron/core/pokt/keys.js";

const one = hexToBytes("00".repeat(31) + "01");
const generator = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";

test("the public key of 1 is the compressed generator", () => {
  assert.equal(bytesToHex(publicKeyFromPrivateKey(one)), generator);
});

test("private keys outside [1, n-1] or not 32 bytes are refused", () => {
  assert.throws(() => publicKeyFromPrivateKey(new Uint8Array(32)), KeyError);
  assert.throws(() => publicKeyFromPrivateKey(hexToBytes("ff".repeat(32))), KeyError);
  assert.throws(() => publicKeyFromPrivateKey(one.subarray(1)), KeyError);
});

test("GenPrivKeyFromSecret reproduces poktroll's placeholder ring key", () => {
  const priv = privateKeyFromSecret(utf8ToBytes(PLACEHOLDER_RING_KEY_SECRET));
  assert.equal(bytesToHex(priv), "60c6cbe6b5011807d6486f351cbde6f964356df1d0bc1b04f8589cead5ab5206");
  assert.deepEqual(publicKeyFromPrivateKey(priv), placeholderRingPublicKey());
});

test("the shared placeholder key cannot be altered through the returned copy", () => {
  placeholderRingPublicKey().fill(0);
  assert.equal(bytesToHex(placeholderRingPublicKey()), "021066f293709356a33e9c13017867586baf52513e845bc4335233a15ed1e00baf");
});

test("addresses are bech32 of RIPEMD160(SHA256(pubkey))", () => {
  assert.equal(addressFromPublicKey(placeholderRingPublicKey()), "pokt1v9utztg8z8e6jv9xzv7rnt3m38570xsyjr2crf");
  assert.match(addressFromPublicKey(hexToBytes(generator), "cosmos"), /^cosmos1/);
  assert.throws(() => addressFromPublicKey(new Uint8Array(33)), KeyError);
});

test("compressed public key recognition", () => {
  assert.equal(isCompressedPublicKey(hexToBytes(generator)), true);
  assert.equal(isCompressedPublicKey(hexToBytes("04" + generator.slice(2))), false);
  assert.equal(isCompressedPublicKey(hexToBytes("02" + "00".repeat(32))), false);
  assert.equal(isCompressedPublicKey(hexToBytes(generator).subarray(1)), false);
});
