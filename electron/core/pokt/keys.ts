// secp256k1 key helpers for POKT (cosmos-sdk "secp256k1" keys: 32-byte secrets, 33-byte compressed
// public keys, bech32 addresses of RIPEMD160(SHA256(pubkey))).
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToNumberBE, numberToBytesBE } from "@noble/curves/utils.js";
import { toBech32 } from "@cosmjs/encoding";
import { ripemd160 } from "@noble/hashes/legacy.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";

export const PRIVATE_KEY_LENGTH = 32;
export const COMPRESSED_PUBLIC_KEY_LENGTH = 33;
export const POKT_ADDRESS_PREFIX = "pokt";

const Point = secp256k1.Point;
const CURVE_ORDER = Point.Fn.ORDER;

/** A private or public key that is not a valid secp256k1 key. */
export class KeyError extends Error {
  override readonly name = "KeyError";
}

/** 33-byte compressed public key of a 32-byte private key in [1, n-1]. @throws KeyError */
export function publicKeyFromPrivateKey(privateKey: Uint8Array): Uint8Array {
  assertPrivateKey(privateKey);
  return secp256k1.getPublicKey(privateKey, true);
}

/** True for a 33-byte 02/03 compressed encoding of a point on the curve. */
export function isCompressedPublicKey(bytes: Uint8Array): boolean {
  if (!(bytes instanceof Uint8Array) || bytes.length !== COMPRESSED_PUBLIC_KEY_LENGTH) return false;
  if (bytes[0] !== 0x02 && bytes[0] !== 0x03) return false;
  try {
    Point.fromBytes(bytes);
    return true;
  } catch {
    return false;
  }
}

/** @throws KeyError unless the bytes are a 32-byte scalar in [1, n-1]. */
export function assertPrivateKey(privateKey: Uint8Array): void {
  if (!(privateKey instanceof Uint8Array) || privateKey.length !== PRIVATE_KEY_LENGTH) {
    throw new KeyError(`a private key is ${PRIVATE_KEY_LENGTH} bytes`);
  }
  const scalar = bytesToNumberBE(privateKey);
  if (scalar === 0n || scalar >= CURVE_ORDER) throw new KeyError("private key out of range [1, n-1]");
}

/**
 * cosmos-sdk GenPrivKeyFromSecret: (SHA256(secret) mod (n−1)) + 1, left-padded to 32 bytes.
 * Deterministic, so only for well-known keys (the ring placeholder), never for funds.
 */
export function privateKeyFromSecret(secret: Uint8Array): Uint8Array {
  const scalar = (bytesToNumberBE(sha256(secret)) % (CURVE_ORDER - 1n)) + 1n;
  return numberToBytesBE(scalar, PRIVATE_KEY_LENGTH);
}

/** Bech32 account address (RIPEMD160 of SHA256 of the compressed key). @throws KeyError */
export function addressFromPublicKey(publicKey: Uint8Array, prefix: string = POKT_ADDRESS_PREFIX): string {
  if (!isCompressedPublicKey(publicKey)) throw new KeyError("not a compressed secp256k1 public key");
  return toBech32(prefix, ripemd160(sha256(publicKey)));
}

/**
 * poktroll's stand-in ring member for an application without delegated gateways, so that its ring
 * has two distinct keys. Its private key is public knowledge (derived from this secret).
 */
export const PLACEHOLDER_RING_KEY_SECRET = "placeholder_ring_key_for_apps_without_gateways";
const placeholderPublicKey = publicKeyFromPrivateKey(privateKeyFromSecret(utf8ToBytes(PLACEHOLDER_RING_KEY_SECRET)));
export const PLACEHOLDER_RING_ADDRESS: string = addressFromPublicKey(placeholderPublicKey);

/** The placeholder's compressed public key (a fresh copy: callers cannot alter the shared one). */
export function placeholderRingPublicKey(): Uint8Array {
  return Uint8Array.from(placeholderPublicKey);
}
