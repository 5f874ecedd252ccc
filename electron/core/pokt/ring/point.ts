// Points of the ring signature: 33-byte SEC1 compressed secp256k1 points, decoded, encoded and
// hashed to the curve exactly as go-dleq's decred backend and ring-go do.
import { secp256k1 } from "@noble/curves/secp256k1.js";
import type { WeierstrassPoint } from "@noble/curves/abstract/weierstrass.js";
import { bytesToNumberBE, numberToBytesBE } from "@noble/curves/utils.js";
import { sha3_256 } from "@noble/hashes/sha3.js";
import { RingSignatureError } from "./errors.js";

export type CurvePoint = WeierstrassPoint<bigint>;

export const Point = secp256k1.Point;
const Fp = Point.Fp;

export const POINT_LENGTH = 33;
const COORDINATE_LENGTH = 32;
const HASH_TO_POINT_ATTEMPTS = 128;

/**
 * Strict decoder matching decred's ParsePubKey on a 33-byte window: only the compressed 02/03
 * forms with x < p on the curve are accepted (0x04 / hybrid prefixes need 65 bytes, so they fail).
 */
export function decodePoint(bytes: Uint8Array): CurvePoint {
  if (bytes.length !== POINT_LENGTH) {
    throw new RingSignatureError("invalid_point", `malformed public key: invalid length: ${bytes.length}`);
  }
  if (bytes[0] !== 0x02 && bytes[0] !== 0x03) {
    throw new RingSignatureError("invalid_point", `malformed public key: invalid format: ${bytes[0]}`);
  }
  try {
    return Point.fromBytes(bytes);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new RingSignatureError("invalid_point", `invalid public key: ${reason}`);
  }
}

/**
 * Compressed encoding as Go produces it. The identity has no SEC1 compressed form; decred turns it
 * into affine (0, 0) and serialises that as 02‖0³², which is what enters Go's challenge hash.
 */
export function encodePoint(point: CurvePoint): Uint8Array {
  const out = new Uint8Array(POINT_LENGTH);
  writeEncodedPoint(point, out, 0);
  return out;
}

/** Writes encodePoint(point) into `target` at `offset` without an intermediate array. */
export function writeEncodedPoint(point: CurvePoint, target: Uint8Array, offset: number): void {
  const { x, y } = point.toAffine(); // the identity maps to (0, 0), matching decred
  target[offset] = (y & 1n) === 1n ? 0x03 : 0x02;
  target.set(numberToBytesBE(x, COORDINATE_LENGTH), offset + 1);
}

/**
 * ring-go's hash-to-curve: x = SHA3-256(compressed point) read as a field element; while x³+7 is not
 * a square, x = SHA3-256(previous digest). The point takes the even y.
 */
export function hashToPoint(encodedPoint: Uint8Array): CurvePoint {
  let digest = sha3_256(encodedPoint);
  for (let attempt = 0; attempt < HASH_TO_POINT_ATTEMPTS; attempt++) {
    const x = Fp.create(bytesToNumberBE(digest));
    const y = evenSquareRootOfCurveRhs(x);
    if (y !== undefined) return Point.fromAffine({ x, y });
    digest = sha3_256(digest);
  }
  // Go returns nil here and then panics on first use: a 2^-128 event, refused explicitly.
  throw new RingSignatureError("hash_out_of_range", "failed to hash point to curve");
}

function evenSquareRootOfCurveRhs(x: bigint): bigint | undefined {
  const rhs = Fp.add(Fp.mul(Fp.sqr(x), x), Point.CURVE().b);
  let y: bigint;
  try {
    y = Fp.sqrt(rhs);
  } catch {
    return undefined; // not a quadratic residue: no point with this x
  }
  return Fp.isOdd!(y) ? Fp.neg(y) : y;
}

/**
 * Constant-time k·P for secret scalars. Go's decred backend maps k = 0 to the identity instead of
 * refusing it, so that value is handled here rather than by noble (which rejects 0).
 */
export function multiplySecret(point: CurvePoint, scalar: bigint): CurvePoint {
  return scalar === 0n ? Point.ZERO : point.multiply(scalar);
}
