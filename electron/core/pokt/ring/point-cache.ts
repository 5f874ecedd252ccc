// Verification meets the same few public keys (an application and its gateways) and the same key
// images (one per signing gateway) over and over. Decoding a point costs a square root, Hp(P) up to
// several, and a multiplication by an unprepared point ~4x more than by one with a wNAF table.
// These bounded caches keep decoded points and Hp(P), and give a point a table once it is seen again.
import { LRUCache } from "lru-cache";
import { type CurvePoint, decodePoint, hashToPoint } from "./point.js";

/** A table is built on the second use: one-off keys (spam, fresh test keys) never pay for one. */
const PRECOMPUTE_ON_USE = 2;
/**
 * wNAF window of the tables: 44 table additions per multiplication instead of ~190 point operations
 * without one; a table holds 1408 points (~200 kB) and takes ~10-20 ms to build.
 */
const PRECOMPUTE_WINDOW = 6;
/** Bound memory to ~30 MB even if every cached key earned its tables (a member holds two). */
const MAX_RING_MEMBERS = 64;
const MAX_KEY_IMAGES = 32;

/** Use count and table state of cached points. */
abstract class CachedPoints {
  private uses = 0;
  private tables = false;

  protected constructor(private readonly points: readonly CurvePoint[]) {}

  /** True once the points carry (possibly still lazily built) multiplication tables. */
  get precomputed(): boolean {
    return this.tables;
  }

  /** Records that a signing or verification used these points; prepares tables for points that recur. */
  noteUse(): void {
    this.uses += 1;
    if (!this.tables && this.uses >= PRECOMPUTE_ON_USE) {
      // Lazy: noble builds each table inside the point's next multiplication.
      for (const point of this.points) point.precompute(PRECOMPUTE_WINDOW, true);
      this.tables = true;
    }
  }
}

/** A ring public key, decoded, with its hash-to-point. */
export class CachedRingMember extends CachedPoints {
  /** P's x coordinate and y parity: P as the R of an ECDSA recovery (see runNativeChallengeChain). */
  readonly x: bigint;
  readonly yIsOdd: boolean;
  private hashPointEncodedUncompressed: Uint8Array | null = null;

  constructor(
    readonly point: CurvePoint,
    readonly hashPoint: CurvePoint,
  ) {
    super([point, hashPoint]);
    const { x, y } = point.toAffine();
    this.x = x;
    this.yIsOdd = (y & 1n) === 1n;
  }

  /** Hp(P) uncompressed, for the native path (encoded once). */
  get hashPointUncompressed(): Uint8Array {
    return (this.hashPointEncodedUncompressed ??= this.hashPoint.toBytes(false));
  }
}

export class CachedKeyImage extends CachedPoints {
  private encodedUncompressed: Uint8Array | null = null;

  constructor(readonly point: CurvePoint) {
    super([point]);
  }

  /** The key image uncompressed, for the native path (encoded once). */
  get uncompressed(): Uint8Array {
    return (this.encodedUncompressed ??= this.point.toBytes(false));
  }
}

/**
 * A map key for an encoding: its bytes as a one-byte string, made natively (noble's bytesToHex builds twice the
 * characters in JavaScript, and every verification looks up three to nine points).
 */
export function pointKey(encoded: Uint8Array): string {
  return Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength).toString("latin1");
}

const ringMembers = new LRUCache<string, CachedRingMember>({ max: MAX_RING_MEMBERS });
const keyImages = new LRUCache<string, CachedKeyImage>({ max: MAX_KEY_IMAGES });

/** Decodes (strictly, see decodePoint) a ring public key, or returns the cached decoding. */
export function lookupRingMember(encoded: Uint8Array): CachedRingMember {
  const key = pointKey(encoded);
  let entry = ringMembers.get(key);
  if (entry === undefined) {
    entry = new CachedRingMember(decodePoint(encoded), hashToPoint(encoded));
    ringMembers.set(key, entry);
  }
  return entry;
}

/** Decodes (strictly) a key image, or returns the cached decoding. */
export function lookupKeyImage(encoded: Uint8Array): CachedKeyImage {
  const key = pointKey(encoded);
  let entry = keyImages.get(key);
  if (entry === undefined) {
    entry = new CachedKeyImage(decodePoint(encoded));
    keyImages.set(key, entry);
  }
  return entry;
}

/** Empties both caches (benchmarks measuring cold verification, tests). */
export function clearRingPointCaches(): void {
  ringMembers.clear();
  keyImages.clear();
}
