// libsecp256k1 (the `secp256k1` package's N-API binding; decred's Go backend, which the chain runs, mirrors this C
// library) for the relay path's hot curve work: ring verification's point arithmetic (~5x faster than table-driven
// BigInt, and it hands back the compressed encodings the challenge hash needs) and the supplier's response
// signatures. Absent (a platform without a prebuilt binary, or POCKETFORGE_SECP256K1=js), the pure-JS code runs.
import { createRequire } from "node:module";

/**
 * The operations the relay path needs. Points go in as 33-byte compressed or 65-byte uncompressed SEC1
 * encodings and come out as `compressed` asks: an uncompressed input is parsed without a square root, so
 * intermediate points travel uncompressed (a third of a two-point sum's cost, ~10 % of a multiplication's).
 */
export interface NativeSecp256k1 {
  /** t·P. @throws for t = 0 or t ≥ n, or a point not on the curve */
  publicKeyTweakMul(point: Uint8Array, tweak: Uint8Array, compressed: boolean): Uint8Array;
  /**
   * The public key an ECDSA signature (r‖s, 64 bytes) over the 32-byte digest recovers: r⁻¹·(s·R − e·G), where R is
   * the point with x = r and y's parity `recid`. One variable-time multi-scalar multiplication, which makes it the
   * cheapest way this binding offers to compute α·A + β·G. @throws for r or s zero or ≥ n, or an identity result
   */
  ecdsaRecover(signature: Uint8Array, recid: number, message: Uint8Array, compressed: boolean): Uint8Array;
  /** The sum of the points. @throws when it is the identity (which has no compressed form) */
  publicKeyCombine(points: Uint8Array[], compressed: boolean): Uint8Array;
  /** ECDSA with RFC 6979 nonces, s normalised low; `message` is the 32-byte digest that is signed. */
  ecdsaSign(message: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number };
}

function load(): NativeSecp256k1 | null {
  if (process.env.POCKETFORGE_SECP256K1 === "js") return null;
  try {
    // bindings.js loads only the prebuilt addon (index.js would fall back to elliptic's slow pure JS).
    return createRequire(import.meta.url)("secp256k1/bindings.js") as NativeSecp256k1;
  } catch {
    return null;
  }
}

export const nativeSecp256k1: NativeSecp256k1 | null = load();
