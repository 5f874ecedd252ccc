// libsecp256k1 (the `secp256k1` package's N-API binding, the same C library the Go chain's decred backend mirrors)
// for the point arithmetic of ring verification: its multiplications are ~5x faster than table-driven BigInt ones,
// and it hands back compressed encodings, which is what the challenge hash needs. Absent (a platform without a
// prebuilt binary, or POCKETFORGE_RING_BACKEND=js), verification uses the pure-JS path instead.
import { createRequire } from "node:module";

/** The three point operations verification needs; each returns a 33-byte compressed point. */
export interface NativePoints {
  /** s·G. @throws for s = 0 or s ≥ n */
  publicKeyCreate(scalar: Uint8Array, compressed: true): Uint8Array;
  /** t·P. @throws for t = 0 or t ≥ n, or a point not on the curve */
  publicKeyTweakMul(point: Uint8Array, tweak: Uint8Array, compressed: true): Uint8Array;
  /** The sum of the points. @throws when it is the identity (which has no compressed form) */
  publicKeyCombine(points: Uint8Array[], compressed: true): Uint8Array;
}

function load(): NativePoints | null {
  if (process.env.POCKETFORGE_RING_BACKEND === "js") return null;
  try {
    // bindings.js loads only the prebuilt addon (index.js would fall back to elliptic's slow pure JS).
    return createRequire(import.meta.url)("secp256k1/bindings.js") as NativePoints;
  } catch {
    return null;
  }
}

export const nativePoints: NativePoints | null = load();
