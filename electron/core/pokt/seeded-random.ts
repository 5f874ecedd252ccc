// poktroll's pkg/crypto/rand SeededFloat64 (docs/protocol.md §8.3): SHA-256 of the joined seed parts, the
// hash's leading varint as a Go math/rand seed, and that generator's first Float64.
import { sha256 } from "@noble/hashes/sha2.js";
import { GoMathRand } from "./go-math-rand.js";
import { goVarint } from "./go-varint.js";

export interface SeededFloat64Trace {
  sha256: Uint8Array;
  /** binary.Varint of the hash: only its leading base-128 group(s), so usually a small number. */
  seed: bigint;
  varintBytesRead: number;
  /** The generator's first Int63, which Float64 scales to [0, 1). */
  firstInt63: bigint;
  float64: number;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Every intermediate of SeededFloat64, for diagnostics and vector checks. */
export function traceSeededFloat64(...parts: Uint8Array[]): SeededFloat64Trace {
  const hash = sha256(concat(parts));
  const { value: seed, bytesRead } = goVarint(hash);
  const firstInt63 = new GoMathRand(seed).int63();
  return { sha256: hash, seed, varintBytesRead: bytesRead, firstInt63, float64: new GoMathRand(seed).float64() };
}

/** SeededFloat64(parts...) exactly as poktroll computes it. */
export function seededFloat64(...parts: Uint8Array[]): number {
  const { value: seed } = goVarint(sha256(concat(parts)));
  return new GoMathRand(seed).float64();
}
