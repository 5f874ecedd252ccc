import { pbkdf2 } from "node:crypto";
import { HDKey } from "@scure/bip32";
import { ApiError } from "../../../shared/api/index.js";
import { KeyError, addressFromPublicKey, assertPrivateKey, publicKeyFromPrivateKey } from "../pokt/keys.js";

/** A secp256k1 key pair with its POKT address. */
export interface KeyPair {
  privateKey: Uint8Array;
  /** 33-byte compressed form, the one Cosmos SDK puts on chain. */
  publicKey: Uint8Array;
  address: string;
}

/** Cosmos coin type 118, as `pocketd keys add` uses: m/44'/118'/0'/0/{index}. */
export function poktHdPath(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** 31) throw new Error(`invalid address index ${index}`);
  return `m/44'/118'/0'/0/${index}`;
}

/**
 * Derives the key at `hdPath` from a BIP39 phrase held as bytes: its UTF-8 form, already validated and NFKD-normalized
 * (as `parseMnemonic` and `createMnemonic` return it and the keystore stores it), no BIP39 passphrase. The phrase
 * never becomes a JS string, which could not be wiped; the caller still owns `phrase` and wipes it. The seed and the
 * HD nodes are wiped here.
 */
export async function keyPairFromPhrase(phrase: Uint8Array, hdPath: string): Promise<KeyPair> {
  const seed = await bip39Seed(phrase);
  const root = HDKey.fromMasterSeed(seed);
  try {
    const node = root.derive(hdPath);
    try {
      if (!node.privateKey) throw new Error("derivation produced no private key");
      return keyPairFromPrivateKey(Uint8Array.from(node.privateKey));
    } finally {
      node.wipePrivateData();
    }
  } finally {
    root.wipePrivateData();
    seed.fill(0);
  }
}

/** The same from a phrase typed as text (tests, tools); the wallet itself keeps phrases as bytes. */
export async function keyPairFromMnemonic(mnemonic: string, hdPath: string): Promise<KeyPair> {
  const phrase = new TextEncoder().encode(mnemonic.normalize("NFKD"));
  try {
    return await keyPairFromPhrase(phrase, hdPath);
  } finally {
    phrase.fill(0);
  }
}

/**
 * BIP39's seed: PBKDF2-HMAC-SHA512 of the phrase bytes, salt "mnemonic" (no BIP39 passphrase), 2048 rounds, 64 bytes.
 * Node's native PBKDF2 takes the bytes as they are and runs on the thread pool.
 */
function bip39Seed(phrase: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) =>
    pbkdf2(phrase, "mnemonic", 2048, 64, "sha512", (error, seed) =>
      error ? reject(error) : resolve(new Uint8Array(seed.buffer, seed.byteOffset, seed.byteLength)),
    ),
  );
}

export function keyPairFromPrivateKey(privateKey: Uint8Array): KeyPair {
  const publicKey = publicKeyFromPrivateKey(privateKey);
  return { privateKey, publicKey, address: addressFromPublicKey(publicKey) };
}

/**
 * Reads a raw private key as operators paste it: 64 hex digits, optionally `0x`-prefixed, any case, surrounding
 * whitespace (what `pocketd keys export <name> --unarmored-hex --unsafe` prints). Rejects zero and values ≥ the
 * curve order, which no signer accepts.
 */
export function parsePrivateKeyHex(input: string): Uint8Array {
  const hex = input.trim().replace(/^0x/i, "");
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    const digits = hex.replace(/[^0-9a-fA-F]/g, "").length;
    throw new ApiError(
      "invalid_params",
      `A private key is 64 hexadecimal digits (0-9, a-f); this one has ${hex.length} characters` +
        (digits !== hex.length ? ", some of them not hexadecimal" : ""),
      { reason: "private_key_format" },
    );
  }
  const decoded = Buffer.from(hex, "hex");
  const key = Uint8Array.from(decoded);
  decoded.fill(0);
  try {
    assertPrivateKey(key);
  } catch (error) {
    if (!(error instanceof KeyError)) throw error;
    throw new ApiError("invalid_params", "This is not a valid secp256k1 private key (zero, or not below the curve order)", {
      reason: "private_key_range",
    });
  }
  return key;
}
