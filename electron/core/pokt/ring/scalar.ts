// Scalars of the ring signature: 32-byte big-endian integers modulo the secp256k1 group order n,
// decoded and hashed exactly as go-dleq's decred backend does.
import { getHashes, hash } from "node:crypto";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToHex, bytesToNumberBE } from "@noble/curves/utils.js";
import { sha3_512 } from "@noble/hashes/sha3.js";
import { RingSignatureError } from "./errors.js";

const Fn = secp256k1.Point.Fn;

/** secp256k1 group order n. */
export const CURVE_ORDER: bigint = Fn.ORDER;
export const SCALAR_LENGTH = 32;

const TWO_POW_248 = 1n << 248n;

/** Decodes 32 big-endian bytes, reducing modulo n (so n decodes to 0 and n+1 to 1, as in Go). */
export function decodeScalar(bytes: Uint8Array): bigint {
  if (bytes.length !== SCALAR_LENGTH) throw new RingSignatureError("invalid_scalar_length", "invalid scalar length");
  return Fn.create(bytesToNumberBE(bytes));
}

/** 32-byte big-endian encoding of the scalar reduced modulo n. */
export function encodeScalar(scalar: bigint): Uint8Array {
  const out = new Uint8Array(SCALAR_LENGTH);
  writeScalar(Fn.create(scalar), new DataView(out.buffer), 0);
  return out;
}

const MASK_64 = (1n << 64n) - 1n;

/**
 * Writes the 32-byte big-endian encoding of a scalar already in [0, n) into `target` at `offset`: the verifier's hot
 * loop writes five per ring member into one block instead of allocating an array for each.
 */
export function writeScalar(scalar: bigint, target: DataView, offset: number): void {
  if (scalar < 0n || scalar >= CURVE_ORDER) throw new RangeError("writeScalar takes a reduced scalar");
  target.setBigUint64(offset, scalar >> 192n);
  target.setBigUint64(offset + 8, (scalar >> 128n) & MASK_64);
  target.setBigUint64(offset + 16, (scalar >> 64n) & MASK_64);
  target.setBigUint64(offset + 24, scalar & MASK_64);
}

/**
 * Hash-to-scalar of the Go verifier that poktroll runs: v = SHA3-512(input) mod n, then Go copies
 * the minimal big-endian bytes of v into the START of a 32-byte buffer. Whenever v has leading zero
 * bytes it is therefore multiplied by 256 per missing byte. Challenges must reproduce this quirk or
 * ~0.4 % of honest signatures would be rejected.
 */
export function hashToScalar(input: Uint8Array): bigint {
  let scalar = hashToScalarWithoutQuirk(input);
  if (scalar === 0n) return 0n;
  while (scalar < TWO_POW_248) scalar <<= 8n;
  // Left-aligning can overflow n only when v is within 2^128 of 256^k·n; Go panics there.
  if (scalar >= CURVE_ORDER) throw new RingSignatureError("hash_out_of_range", "hash should not be reduced twice");
  return scalar;
}

/**
 * SHA3-512(input) mod n without Go's left-alignment. Not what the chain accepts: only for
 * diagnostics and for showing that a quirk-free verifier rejects real signatures.
 */
export function hashToScalarWithoutQuirk(input: Uint8Array): bigint {
  return Fn.create(BigInt(`0x${sha3_512Hex(input)}`));
}

/** Where SHA3-512 comes from: OpenSSL's, or noble's JavaScript Keccak where the runtime has none. */
export type Sha3Source = "openssl" | "noble";

/**
 * A ring check hashes once per member, and OpenSSL's SHA3-512 takes a fifth of the time of noble's JavaScript Keccak
 * (the one-shot form hands back the hex the BigInt is parsed from, without a Hash object and a digest buffer). The
 * desktop app cannot use it: Electron builds Node on BoringSSL, which has no SHA-3 ("Digest method not supported"),
 * so there, and with POCKETFORGE_SHA3=js (tests of that path), noble's is used.
 */
export const SHA3_SOURCE: Sha3Source = process.env.POCKETFORGE_SHA3 !== "js" && getHashes().includes("sha3-512") ? "openssl" : "noble";

const sha3_512Hex: (input: Uint8Array) => string =
  SHA3_SOURCE === "openssl" ? (input) => hash("sha3-512", input, "hex") : (input) => bytesToHex(sha3_512(input));
