// Verification of ring-go signatures: starting from c_0, for each member i
//   L_i = c_i·P_i + s_i·G,  R_i = c_i·I + s_i·Hp(P_i),  c_{i+1} = Hs(m ‖ L_i ‖ R_i)
// and the signature is valid iff the chain returns to c_0.
import { ChallengeHasher, MESSAGE_LENGTH, assertMessage, type ScalarHash } from "./challenge.js";
import { RingSignatureError } from "./errors.js";
import {
  type CachedKeyImage,
  type CachedRingMember,
  lookupKeyImage,
  lookupRingMember,
} from "./point-cache.js";
import { type NativeSecp256k1, nativeSecp256k1 } from "../native-secp256k1.js";
import { type CurvePoint, POINT_LENGTH, Point } from "./point.js";
import { CURVE_ORDER, SCALAR_LENGTH, hashToScalar, writeScalar } from "./scalar.js";
import { type RingSignature, assertWellFormed, deserializeRingSignature } from "./signature.js";

/** One step of the challenge chain: L_i, R_i and c_{i+1} = Hs(m ‖ L_i ‖ R_i). */
export interface ChallengeLink {
  readonly index: number;
  readonly l: Uint8Array;
  readonly r: Uint8Array;
  readonly nextChallenge: bigint;
}

export interface RingVerificationTrace {
  readonly valid: boolean;
  readonly links: readonly ChallengeLink[];
}

/**
 * True iff `signature` is a valid ring signature over the 32-byte `message` (Go's RingSig.Verify).
 * An empty ring is invalid (Go panics on it).
 * @throws RingSignatureError for a message that is not 32 bytes or a hand-built signature whose
 * parts are malformed (wrong sizes, unreduced scalars, points not on the curve).
 */
export function verifyRingSignature(signature: RingSignature, message: Uint8Array): boolean {
  try {
    if (nativeSecp256k1) {
      const verdict = runNativeChallengeChain(nativeSecp256k1, signature, message);
      if (verdict !== undefined) return verdict;
    }
    return runChallengeChain(signature, message, hashToScalar);
  } catch (error) {
    // Go panics on such a challenge (odds ~2^-128): the signature cannot be accepted.
    if (error instanceof RingSignatureError && error.code === "hash_out_of_range") return false;
    throw error;
  }
}

/**
 * Deserializes and verifies; any malformed signature bytes give false.
 * @throws RingSignatureError only for a message that is not 32 bytes.
 */
export function verifyRingSignatureBytes(signatureBytes: Uint8Array, message: Uint8Array): boolean {
  assertMessage(message);
  let signature: RingSignature;
  try {
    signature = deserializeRingSignature(signatureBytes);
  } catch (error) {
    if (error instanceof RingSignatureError) return false;
    throw error;
  }
  return verifyRingSignature(signature, message);
}

/**
 * Verification that records every link of the challenge chain. `hash` defaults to Go's
 * hash-to-scalar; passing hashToScalarWithoutQuirk shows what a quirk-free verifier concludes.
 */
export function traceRingVerification(
  signature: RingSignature,
  message: Uint8Array,
  hash: ScalarHash = hashToScalar,
): RingVerificationTrace {
  const links: ChallengeLink[] = [];
  const valid = runChallengeChain(signature, message, hash, (link) => links.push(link));
  return { valid, links };
}

function runChallengeChain(
  signature: RingSignature,
  message: Uint8Array,
  hash: ScalarHash,
  onLink?: (link: ChallengeLink) => void,
): boolean {
  assertMessage(message);
  assertWellFormed(signature);
  const ringSize = signature.publicKeys.length;
  if (ringSize === 0) return false;

  const members = signature.publicKeys.map(lookupRingMember);
  const keyImage = lookupKeyImage(signature.keyImage);
  for (const member of members) member.noteUse();
  keyImage.noteUse();

  const hasher = new ChallengeHasher(message, hash);
  let challenge = signature.challenge;
  for (let i = 0; i < ringSize; i++) {
    const response = signature.responses[i];
    const member = members[i];
    const l = Point.BASE.multiplyUnsafe(response).add(member.point.multiplyUnsafe(challenge));
    const r = combine(challenge, keyImage, response, member);
    challenge = hasher.challenge(l, r);
    if (onLink) onLink({ index: i, ...hasher.lastEncodedPoints(), nextChallenge: challenge });
  }
  return challenge === signature.challenge;
}

/**
 * The same chain on libsecp256k1, whose compressed L and R go straight into the challenge hash.
 * L = c·P + s·G is one multi-scalar multiplication, reached through ECDSA recovery: with r = x(P) (and P's y parity
 * as the recovery id), σ = c·r and e = −s·r, recovery returns r⁻¹·(σ·P − e·G) = c·P + s·G. R = c·I + s·Hp(P) is two
 * multiplications and a sum; the cached points go in uncompressed and the products stay so, which spares
 * libsecp256k1 a square root per parse. Undefined where libsecp256k1 refuses what Go accepts (a zero scalar, an
 * identity L or R, x(P) ≥ n: odds ~2^-128 for honest signatures, but a forger may craft them); the BigInt path then
 * decides exactly as Go does.
 */
function runNativeChallengeChain(native: NativeSecp256k1, signature: RingSignature, message: Uint8Array): boolean | undefined {
  assertMessage(message);
  assertWellFormed(signature);
  const ringSize = signature.publicKeys.length;
  if (ringSize === 0) return false;
  // Decoding through the caches keeps the strict point checks (and Hp(P) computed once per key).
  const members = signature.publicKeys.map(lookupRingMember);
  const keyImage = lookupKeyImage(signature.keyImage).uncompressed;
  const buffer = new Uint8Array(MESSAGE_LENGTH + 2 * POINT_LENGTH);
  buffer.set(message, 0);
  // One block for the scalars handed to libsecp256k1 (which copies its inputs): r ‖ σ of the recovery, its digest e,
  // then c and s for R.
  const scalars = new Uint8Array(5 * SCALAR_LENGTH);
  const view = new DataView(scalars.buffer);
  const recoverable = scalars.subarray(0, 2 * SCALAR_LENGTH);
  const e = scalars.subarray(2 * SCALAR_LENGTH, 3 * SCALAR_LENGTH);
  const c = scalars.subarray(3 * SCALAR_LENGTH, 4 * SCALAR_LENGTH);
  const s = scalars.subarray(4 * SCALAR_LENGTH);
  let challenge = signature.challenge;
  try {
    for (let i = 0; i < ringSize; i++) {
      const member = members[i];
      if (member.x >= CURVE_ORDER) return undefined;
      const response = signature.responses[i];
      writeScalar(member.x, view, 0);
      writeScalar((challenge * member.x) % CURVE_ORDER, view, SCALAR_LENGTH);
      writeScalar((CURVE_ORDER - ((response * member.x) % CURVE_ORDER)) % CURVE_ORDER, view, 2 * SCALAR_LENGTH);
      writeScalar(challenge, view, 3 * SCALAR_LENGTH);
      writeScalar(response, view, 4 * SCALAR_LENGTH);
      const l = native.ecdsaRecover(recoverable, member.yIsOdd ? 1 : 0, e, true);
      const r = native.publicKeyCombine(
        [native.publicKeyTweakMul(keyImage, c, false), native.publicKeyTweakMul(member.hashPointUncompressed, s, false)],
        true,
      );
      buffer.set(l, MESSAGE_LENGTH);
      buffer.set(r, MESSAGE_LENGTH + POINT_LENGTH);
      challenge = hashToScalar(buffer);
    }
  } catch (error) {
    if (error instanceof RingSignatureError) throw error;
    return undefined;
  }
  return challenge === signature.challenge;
}

/**
 * c·I + s·Hp(P). With both tables ready two table multiplications win; otherwise noble's joint
 * Strauss–Shamir walk (one shared doubling chain) is cheaper than two plain multiplications.
 */
function combine(c: bigint, keyImage: CachedKeyImage, s: bigint, member: CachedRingMember): CurvePoint {
  if (keyImage.precomputed && member.precomputed) {
    return keyImage.point.multiplyUnsafe(c).add(member.hashPoint.multiplyUnsafe(s));
  }
  return keyImage.point.mulAddUnsafe(c, member.hashPoint, s);
}
