// Supplier (RelayMiner operator) signature over a RelayResponse (docs/protocol.md §4.5): cosmos-sdk's
// secp256k1 PrivKey.Sign(h) with h = SHA256(signable response bytes). Sign hashes h AGAIN, so the
// ECDSA message is SHA256(h): RFC 6979 nonce, low-S, 64-byte R‖S, exactly as the non-CGO (decred)
// cosmos-sdk build produces and verifies it.
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToNumberBE, numberToBytesBE } from "@noble/curves/utils.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { KeyError, assertPrivateKey } from "./keys.js";
import { nativeSecp256k1 } from "./native-secp256k1.js";

export const RESPONSE_SIGNATURE_LENGTH = 64;

const Fn = secp256k1.Point.Fn;
const HALF_ORDER = Fn.ORDER >> 1n;
const COMPONENT_LENGTH = 32;
const ECDSA_OPTIONS = { prehash: true, lowS: true, format: "compact" } as const;

/** The digest that is signed: RelayResponse.GetSignableBytesHash() = SHA256(signable bytes). */
export function responseSignableHash(signableBytes: Uint8Array): Uint8Array {
  return sha256(signableBytes);
}

/**
 * cosmos PrivKey.Sign(msgHash): ECDSA over SHA256(msgHash). Deterministic (RFC 6979), low-S.
 * @throws KeyError for a private key outside [1, n-1]
 */
export function signResponseHash(msgHash: Uint8Array, privateKey: Uint8Array): Uint8Array {
  assertPrivateKey(privateKey);
  if (!(msgHash instanceof Uint8Array)) throw new TypeError("msgHash must be a Uint8Array");
  // libsecp256k1 and noble both sign with RFC 6979 nonces and low S, so the bytes are the same (pinned by vectors).
  if (nativeSecp256k1) return nativeSecp256k1.ecdsaSign(sha256(msgHash), privateKey).signature;
  return secp256k1.sign(msgHash, privateKey, ECDSA_OPTIONS);
}

/** Signs SHA256(signableBytes) as signResponseHash does. */
export function signResponseSignableBytes(signableBytes: Uint8Array, privateKey: Uint8Array): Uint8Array {
  return signResponseHash(responseSignableHash(signableBytes), privateKey);
}

/**
 * cosmos PubKey.VerifySignature(msgHash, signature) of the decred build: false unless the signature
 * is exactly 64 bytes, r and s (read mod n, as decred does) are non-zero, s ≤ n/2 (malleable high-S
 * forms are refused) and ECDSA over SHA256(msgHash) holds. Never throws on untrusted input.
 */
export function verifyResponseSignature(params: {
  readonly publicKey: Uint8Array;
  readonly msgHash: Uint8Array;
  readonly signature: Uint8Array;
}): boolean {
  const { publicKey, msgHash, signature } = params;
  if (!(signature instanceof Uint8Array) || signature.length !== RESPONSE_SIGNATURE_LENGTH) return false;
  if (!(publicKey instanceof Uint8Array) || !(msgHash instanceof Uint8Array)) return false;
  const r = Fn.create(bytesToNumberBE(signature.subarray(0, COMPONENT_LENGTH)));
  const s = Fn.create(bytesToNumberBE(signature.subarray(COMPONENT_LENGTH)));
  if (r === 0n || s === 0n || s > HALF_ORDER) return false;
  const canonical = new Uint8Array(RESPONSE_SIGNATURE_LENGTH);
  canonical.set(numberToBytesBE(r, COMPONENT_LENGTH), 0);
  canonical.set(numberToBytesBE(s, COMPONENT_LENGTH), COMPONENT_LENGTH);
  try {
    return secp256k1.verify(canonical, msgHash, publicKey, ECDSA_OPTIONS);
  } catch {
    return false; // a public key that does not decode
  }
}

export { KeyError };
