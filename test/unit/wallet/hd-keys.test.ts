import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DirectSecp256k1HdWallet, makeCosmoshubPath } from "@cosmjs/proto-signing";
import { HDKey } from "@scure/bip32";
import { mnemonicToSeed } from "@scure/bip39";
import { fromBech32, toBech32 } from "@cosmjs/encoding";
import { ApiError } from "../../../shared/api/index.js";
import { keyPairFromMnemonic, keyPairFromPhrase, keyPairFromPrivateKey, parsePrivateKeyHex, poktHdPath } from "../../../electron/core/wallet/hd-keys.js";
import { createMnemonic } from "../../../electron/core/wallet/mnemonic.js";
import { vectorsDir } from "../../fixtures/paths.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** cosmjs' faucet phrase and its Cosmos Hub address at m/44'/118'/0'/0/0 (cosmjs examples and tests). */
const COSMJS_FAUCET_MNEMONIC =
  "economy stock theory fatal elder harbor betray wasp final emotion task crumble siren bottom lizard educate guess current outdoor pair theory focus wife stone";
const COSMJS_FAUCET_COSMOS_ADDRESS = "cosmos1pkptre7fdkl6gfrzlesjjvhxhlc3r4gmmk8rs6";

/** cosmjs' own derivation of the accounts at `indices` (one wallet per phrase: cosmjs' seed derivation is slow). */
async function cosmjsAccounts(mnemonic: string, indices: number[]) {
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: "pokt", hdPaths: indices.map(makeCosmoshubPath) });
  return wallet.getAccounts();
}

describe("HD derivation on m/44'/118'/0'/0/n with prefix pokt", () => {
  test("the path is the Cosmos coin-type-118 path", () => {
    assert.equal(poktHdPath(0), "m/44'/118'/0'/0/0");
    assert.equal(poktHdPath(7), "m/44'/118'/0'/0/7");
    assert.throws(() => poktHdPath(-1));
    assert.throws(() => poktHdPath(2 ** 31));
  });

  test("the cosmjs faucet vector gives the same account bytes under the pokt prefix", async () => {
    const pair = await keyPairFromMnemonic(COSMJS_FAUCET_MNEMONIC, poktHdPath(0));
    const expected = toBech32("pokt", fromBech32(COSMJS_FAUCET_COSMOS_ADDRESS, 90).data);
    assert.equal(pair.address, expected);
    assert.match(pair.address, /^pokt1/);
  });

  test("agrees with cosmjs DirectSecp256k1HdWallet for several indices and both phrase lengths", async () => {
    const phrases = [COSMJS_FAUCET_MNEMONIC, createMnemonic(12), createMnemonic(24)];
    const indices = [0, 1, 5];
    for (const mnemonic of phrases) {
      const theirs = await cosmjsAccounts(mnemonic, indices);
      for (const [i, index] of indices.entries()) {
        const ours = await keyPairFromMnemonic(mnemonic, poktHdPath(index));
        assert.equal(ours.address, theirs[i].address, `address at index ${index}`);
        assert.equal(hex(ours.publicKey), hex(theirs[i].pubkey), `public key at index ${index}`);
      }
    }
  });

  test("a phrase held as bytes derives what @scure/bip39's seed of the same text derives, and is left as it was", async () => {
    for (const mnemonic of [COSMJS_FAUCET_MNEMONIC, createMnemonic(12), createMnemonic(24)]) {
      const phrase = new TextEncoder().encode(mnemonic);
      const ours = await keyPairFromPhrase(phrase, poktHdPath(2));
      const theirs = HDKey.fromMasterSeed(await mnemonicToSeed(mnemonic)).derive(poktHdPath(2));
      assert.equal(hex(ours.privateKey), hex(theirs.privateKey!));
      assert.equal(hex(ours.publicKey), hex(theirs.publicKey!));
      assert.equal(new TextDecoder().decode(phrase), mnemonic, "the caller's phrase bytes are the caller's to wipe");
    }
  });

  test("different indices give different keys", async () => {
    const a = await keyPairFromMnemonic(COSMJS_FAUCET_MNEMONIC, poktHdPath(0));
    const b = await keyPairFromMnemonic(COSMJS_FAUCET_MNEMONIC, poktHdPath(1));
    assert.notEqual(a.address, b.address);
    assert.notEqual(hex(a.privateKey), hex(b.privateKey));
  });
});

describe("raw private key import", () => {
  const vectors = (JSON.parse(readFileSync(join(vectorsDir, "upstream-go.json"), "utf8")).vectors as Array<{
    kind: string;
    name: string;
    expected: Record<string, string>;
  }>).filter((v) => v.kind === "secp256k1_keys");

  test("the upstream vectors include secp256k1 keys", () => assert.ok(vectors.length > 0));

  for (const vector of vectors) {
    test(`upstream Go secp256k1_keys/${vector.name}: private key → compressed public key`, () => {
      const privNames = Object.keys(vector.expected).filter((k) => k === "priv" || k.endsWith("_priv"));
      assert.ok(privNames.length > 0);
      for (const privName of privNames) {
        const pubName = privName.replace(/priv$/, "pub");
        const pair = keyPairFromPrivateKey(parsePrivateKeyHex(vector.expected[privName]));
        assert.equal(hex(pair.publicKey), vector.expected[pubName], `${privName} → ${pubName}`);
        assert.match(pair.address, /^pokt1[02-9ac-hj-np-z]{38}$/);
      }
    });
  }

  test("the placeholder ring key has the address docs/protocol.md §14.6 lists", () => {
    const pair = keyPairFromPrivateKey(parsePrivateKeyHex("60c6cbe6b5011807d6486f351cbde6f964356df1d0bc1b04f8589cead5ab5206"));
    assert.equal(pair.address, "pokt1v9utztg8z8e6jv9xzv7rnt3m38570xsyjr2crf");
  });

  test("accepts what `pocketd keys export --unarmored-hex` prints, with 0x, capitals or surrounding space", () => {
    const plain = "a934aab7b08c21d9fd69773d5a8f365a375cc78edb8e46ea78f47e6657eb9656";
    for (const input of [plain, `0x${plain}`, plain.toUpperCase(), `  ${plain}\n`]) {
      assert.equal(hex(parsePrivateKeyHex(input)), plain);
    }
  });

  const rejects = (input: string, reason: string) => {
    assert.throws(() => parsePrivateKeyHex(input), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.code, "invalid_params");
      assert.equal(error.details?.reason, reason);
      return true;
    });
  };

  test("rejects wrong lengths and non-hex characters", () => {
    rejects("ab".repeat(31), "private_key_format");
    rejects("ab".repeat(33), "private_key_format");
    rejects("zz" + "ab".repeat(31), "private_key_format");
  });

  test("rejects zero and values not below the curve order", () => {
    rejects("00".repeat(32), "private_key_range");
    rejects("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", "private_key_range");
    rejects("ff".repeat(32), "private_key_range");
  });
});
