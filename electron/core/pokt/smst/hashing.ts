// Node encodings and digests of pokt-network/smt v0.14.1 as poktroll configures it (docs/protocol.md §7.1–7.2):
// SHA-256 everywhere, sum trie, digests of 48 bytes = H(encoding) ‖ sum_be8 ‖ count_be8.
import { sha256 } from "@noble/hashes/sha2.js";

export const HASH_SIZE = 32;
export const PATH_SIZE = 32;
export const PATH_BITS = PATH_SIZE * 8;
export const SUM_SIZE = 8;
export const COUNT_SIZE = 8;
/** Digest of a node as parents and proofs see it: hash ‖ sum ‖ count. */
export const DIGEST_SIZE = HASH_SIZE + SUM_SIZE + COUNT_SIZE;

export const LEAF_PREFIX = 0x00;
export const INNER_PREFIX = 0x01;
export const EXTENSION_PREFIX = 0x02;

/** Byte length of each canonical encoding (a leaf's length depends on its value). */
export const INNER_ENCODING_SIZE = 1 + DIGEST_SIZE + DIGEST_SIZE + SUM_SIZE + COUNT_SIZE;
export const EXTENSION_ENCODING_SIZE = 1 + 2 + PATH_SIZE + DIGEST_SIZE + SUM_SIZE + COUNT_SIZE;
export const MIN_LEAF_ENCODING_SIZE = 1 + PATH_SIZE + SUM_SIZE + COUNT_SIZE;

/** Digest of an empty subtree: 48 zero bytes (sum 0, count 0). Never mutate it. */
export const PLACEHOLDER_DIGEST: Uint8Array = new Uint8Array(DIGEST_SIZE);

// One SHA-256 instance reset from a pristine copy for every hash: the trie hashes millions of tiny
// messages, and noble's one-shot sha256() allocates a fresh hasher (buffers, DataView) each time.
// Safe because hashing is synchronous and never re-entered.
const pristineHasher = sha256.create();
const hasher = sha256.create();

function freshHasher(): typeof hasher {
  pristineHasher._cloneInto(hasher);
  return hasher;
}

/** SHA-256 of `data` as a new 32-byte array. */
export function sha256Bytes(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(HASH_SIZE);
  freshHasher().update(data).digestInto(out);
  return out;
}

/** Bit `position` of `data`, counting from the most significant bit of byte 0 (smt's getPathBit). */
export function getPathBit(data: Uint8Array, position: number): number {
  return (data[position >> 3] >> (7 - (position & 7))) & 1;
}

export function flipPathBit(data: Uint8Array, position: number): void {
  data[position >> 3] ^= 1 << (7 - (position & 7));
}

/** Number of leading bits two paths share (PATH_BITS when equal). */
export function commonPrefixBits(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < PATH_SIZE; i++) {
    const x = a[i] ^ b[i];
    if (x !== 0) return i * 8 + Math.clz32(x) - 24;
  }
  return PATH_BITS;
}

/** True when the first `bits` bits of a and b are equal. */
export function equalPrefixBits(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((a[whole] ^ b[whole]) & mask) === 0;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Writes an unsigned 64-bit big-endian integer given as two 32-bit halves. */
export function writeUint64Halves(out: Uint8Array, offset: number, hi: number, lo: number): void {
  out[offset] = hi >>> 24;
  out[offset + 1] = hi >>> 16;
  out[offset + 2] = hi >>> 8;
  out[offset + 3] = hi;
  out[offset + 4] = lo >>> 24;
  out[offset + 5] = lo >>> 16;
  out[offset + 6] = lo >>> 8;
  out[offset + 7] = lo;
}

export function readUint64BE(data: Uint8Array, offset: number): bigint {
  let value = 0n;
  for (let i = 0; i < 8; i++) value = (value << 8n) | BigInt(data[offset + i]);
  return value;
}

/**
 * out[outOff..+8] = a[aOff..+8] + b[bOff..+8] modulo 2^64, big-endian. Go adds the uint64 sums and counts
 * of two children with wrap-around, so byte arithmetic reproduces it exactly without BigInt.
 */
function addUint64BE(
  a: Uint8Array,
  aOff: number,
  b: Uint8Array,
  bOff: number,
  out: Uint8Array,
  outOff: number,
): void {
  let carry = 0;
  for (let i = 7; i >= 0; i--) {
    const s = a[aOff + i] + b[bOff + i] + carry;
    out[outOff + i] = s & 0xff;
    carry = s >> 8;
  }
}

/** Digest of a finished encoding: H(encoding) ‖ the encoding's trailing sum and count. */
function digestOfEncoding(encoding: Uint8Array): Uint8Array {
  const digest = new Uint8Array(DIGEST_SIZE);
  freshHasher().update(encoding).digestInto(digest); // fills the first 32 bytes
  digest.set(encoding.subarray(encoding.length - SUM_SIZE - COUNT_SIZE), HASH_SIZE);
  return digest;
}

const leafHead = new Uint8Array(1 + PATH_SIZE);
const leafTail = new Uint8Array(SUM_SIZE + COUNT_SIZE);

/**
 * Digest of the leaf `0x00 ‖ path ‖ storedValue ‖ weight_be8 ‖ count_be8(=1)`, hashed piecewise so the
 * (relay-sized) encoding is never materialised.
 */
export function leafDigestOfParts(path: Uint8Array, storedValue: Uint8Array, weightHi: number, weightLo: number): Uint8Array {
  leafHead[0] = LEAF_PREFIX;
  leafHead.set(path, 1);
  writeUint64Halves(leafTail, 0, weightHi, weightLo);
  writeUint64Halves(leafTail, SUM_SIZE, 0, 1);
  const digest = new Uint8Array(DIGEST_SIZE);
  freshHasher().update(leafHead).update(storedValue).update(leafTail).digestInto(digest);
  digest.set(leafTail, HASH_SIZE);
  return digest;
}

/** `0x00 ‖ path ‖ leafValue`, where leafValue = value-or-its-hash ‖ weight_be8 ‖ count_be8. */
export function encodeLeaf(path: Uint8Array, leafValue: Uint8Array): Uint8Array {
  const encoding = new Uint8Array(1 + PATH_SIZE + leafValue.length);
  encoding[0] = LEAF_PREFIX;
  encoding.set(path, 1);
  encoding.set(leafValue, 1 + PATH_SIZE);
  return encoding;
}

/** Digest of a leaf whose leafValue already ends with weight and count (16 bytes or more). */
export function leafDigest(path: Uint8Array, leafValue: Uint8Array): Uint8Array {
  return digestOfEncoding(encodeLeaf(path, leafValue));
}

function writeInnerEncoding(out: Uint8Array, left: Uint8Array, right: Uint8Array): void {
  out[0] = INNER_PREFIX;
  out.set(left, 1);
  out.set(right, 1 + DIGEST_SIZE);
  const sumAt = 1 + 2 * DIGEST_SIZE;
  addUint64BE(left, HASH_SIZE, right, HASH_SIZE, out, sumAt);
  addUint64BE(left, HASH_SIZE + SUM_SIZE, right, HASH_SIZE + SUM_SIZE, out, sumAt + SUM_SIZE);
}

/** `0x01 ‖ left ‖ right ‖ (lsum+rsum) ‖ (lcount+rcount)` for two 48-byte child digests. */
export function encodeInner(left: Uint8Array, right: Uint8Array): Uint8Array {
  const encoding = new Uint8Array(INNER_ENCODING_SIZE);
  writeInnerEncoding(encoding, left, right);
  return encoding;
}

// Inner nodes dominate root computation; their encoding is built here and hashed at once, never kept.
const innerScratch = new Uint8Array(INNER_ENCODING_SIZE);

export function innerDigest(left: Uint8Array, right: Uint8Array): Uint8Array {
  writeInnerEncoding(innerScratch, left, right);
  return digestOfEncoding(innerScratch);
}

/**
 * Digest of the single-child inner node at a depth whose path bit is `bit`: the child on that side, the
 * empty placeholder on the other. Extension nodes and the canonical trie's one-sided chains both reduce
 * to repeated applications of this.
 */
export function chainLinkDigest(child: Uint8Array, bit: number): Uint8Array {
  return bit === 0 ? innerDigest(child, PLACEHOLDER_DIGEST) : innerDigest(PLACEHOLDER_DIGEST, child);
}

/** Parsed `0x02 ‖ [start,end] ‖ path(32) ‖ child(48) ‖ sum ‖ count` (smt's sum extension node). */
export interface ExtensionNode {
  start: number;
  end: number;
  path: Uint8Array;
  childDigest: Uint8Array;
  sumAndCount: Uint8Array;
}

/** Parses an extension node encoding, or returns a reason why it is not a well-formed one. */
export function parseExtension(data: Uint8Array): ExtensionNode | string {
  if (data.length !== EXTENSION_ENCODING_SIZE || data[0] !== EXTENSION_PREFIX) {
    return `extension node must be ${EXTENSION_ENCODING_SIZE} bytes with prefix 02`;
  }
  const start = data[1];
  const end = data[2];
  if (start >= end) return `extension node has empty bounds [${start}, ${end})`;
  const childAt = 3 + PATH_SIZE;
  return {
    start,
    end,
    path: data.subarray(3, childAt),
    childDigest: data.subarray(childAt, childAt + DIGEST_SIZE),
    sumAndCount: data.subarray(childAt + DIGEST_SIZE),
  };
}

/** Digest of an extension node: its chain of single-child inner nodes expanded, deepest first. */
export function extensionDigest(ext: ExtensionNode): Uint8Array {
  let digest: Uint8Array = ext.childDigest;
  for (let depth = ext.end - 1; depth >= ext.start; depth--) {
    digest = chainLinkDigest(digest, getPathBit(ext.path, depth));
  }
  return digest;
}

/**
 * smt's hashPreimage for sum tries, restricted to well-formed encodings: the 48-byte digest of a leaf,
 * inner or extension node encoding (extension nodes expanded). Returns a reason string for anything else
 * (Go would panic on short inputs or silently hash other prefixes, which can never match a side node).
 */
export function hashPreimage(data: Uint8Array): Uint8Array | string {
  if (data.length === 0) return "empty node encoding";
  switch (data[0]) {
    case LEAF_PREFIX:
      if (data.length < MIN_LEAF_ENCODING_SIZE) return "leaf node encoding too short";
      return digestOfEncoding(data);
    case INNER_PREFIX:
      if (data.length !== INNER_ENCODING_SIZE) return `inner node encoding must be ${INNER_ENCODING_SIZE} bytes`;
      return digestOfEncoding(data);
    case EXTENSION_PREFIX: {
      const ext = parseExtension(data);
      if (typeof ext === "string") return ext;
      // Go ignores the extension's own sum/count; requiring them to match the child closes that malleability.
      if (!bytesEqual(ext.sumAndCount, ext.childDigest.subarray(HASH_SIZE))) {
        return "extension node sum/count differ from its child's";
      }
      return extensionDigest(ext);
    }
    default:
      return `unknown node prefix ${data[0]}`;
  }
}
