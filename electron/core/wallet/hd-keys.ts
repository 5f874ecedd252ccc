import { HDKey } from "@scure/bip32";
import { mnemonicToSeed } from "@scure/bip39";
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

/** Derives the key at `hdPath` from an already validated, normalized BIP39 phrase (no BIP39 passphrase). */
export async function keyPairFromMnemonic(mnemonic: string, hdPath: string): Promise<KeyPair> {
  const seed = await mnemonicToSeed(mnemonic);
  const root = HDKey.fromMasterSeed(seed);
  const node = root.derive(hdPath);
  try {
    if (!node.privateKey) throw new Error("derivation produced no private key");
    return keyPairFromPrivateKey(Uint8Array.from(node.privateKey));
  } finally {
    node.wipePrivateData();
    root.wipePrivateData();
    seed.fill(0);
  }
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
  const key = Uint8Array.from(Buffer.from(hex, "hex"));
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
