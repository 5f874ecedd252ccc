// Signing as ring-go does (LSAG): with signer index j and secret x,
//   I = x·Hp(P_j);  u random;  c_{j+1} = Hs(m ‖ u·G ‖ u·Hp(P_j))
//   for i = j+1 … j+k-1 (mod k): s_i random; c_{i+1} = Hs(m ‖ c_i·P_i + s_i·G ‖ c_i·I + s_i·Hp(P_i))
//   s_j = u − c_j·x
// Random scalars are drawn in exactly Go's order (u, then s_{j+1}, s_{j+2}, …) so that a caller
// replaying Go's crypto/rand reads reproduces Go's signature byte for byte.
import { bytesToNumberBE } from "@noble/curves/utils.js";
import { randomBytes } from "@noble/hashes/utils.js";
import { ChallengeHasher, assertMessage } from "./challenge.js";
import { RingSignatureError } from "./errors.js";
import { type CachedRingMember, lookupRingMember } from "./point-cache.js";
import { type CurvePoint, Point, encodePoint, multiplySecret } from "./point.js";
import { CURVE_ORDER, SCALAR_LENGTH, hashToScalar } from "./scalar.js";
import type { RingSignature } from "./signature.js";

const Fn = Point.Fn;

/** Supplies the signer's random scalars, each in [0, n). */
export type RandomScalarSource = () => bigint;

/** Go's NewRandomScalar: 32 bytes from the system CSPRNG reduced mod n. */
export const cryptoRandomScalar: RandomScalarSource = () => Fn.create(bytesToNumberBE(randomBytes(SCALAR_LENGTH)));

export interface RingSignRequest {
  /** The 32-byte message (for relays: SHA256 of the request's signable bytes). */
  readonly message: Uint8Array;
  /** Compressed public keys in ring order; repeated keys are allowed, as in Go. */
  readonly ring: readonly Uint8Array[];
  /** 32-byte private key (reduced mod n, like Go's DecodeToScalar). */
  readonly privateKey: Uint8Array;
  /** Position of the signer; default: the first ring member equal to the signer's public key. */
  readonly signerIndex?: number;
  /** Defaults to cryptoRandomScalar; inject a deterministic source only for tests. */
  readonly randomScalar?: RandomScalarSource;
}

/**
 * Ring-signs `message`. Unlike Go's Sign, a ring of one key is allowed: Go's verifier accepts it and
 * the scheme is sound for it; it simply offers no anonymity.
 * @throws RingSignatureError for a bad message, private key, ring member or signer position.
 */
export function signRing(request: RingSignRequest): RingSignature {
  const { message, ring } = request;
  assertMessage(message);
  const secret = decodePrivateKey(request.privateKey);
  const ownPublicKey = encodePoint(Point.BASE.multiply(secret));
  const members = ring.map(lookupRingMember);
  const signerIndex = resolveSignerIndex(ring, ownPublicKey, request.signerIndex);
  // A gateway signs with the same ring again and again: let those points earn tables too.
  for (const member of members) member.noteUse();
  const nextRandom = checkedSource(request.randomScalar ?? cryptoRandomScalar);

  const ringSize = ring.length;
  const ownHashPoint = members[signerIndex].hashPoint;
  const keyImage = multiplySecret(ownHashPoint, secret);
  const hasher = new ChallengeHasher(message, hashToScalar);
  const challenges = new Array<bigint>(ringSize);
  const responses = new Array<bigint>(ringSize);

  const nonce = nextRandom();
  challenges[(signerIndex + 1) % ringSize] = hasher.challenge(
    multiplySecret(Point.BASE, nonce),
    multiplySecret(ownHashPoint, nonce),
  );
  for (let step = 1; step < ringSize; step++) {
    const i = (signerIndex + step) % ringSize;
    responses[i] = nextRandom();
    challenges[(i + 1) % ringSize] = decoyChallenge(hasher, members[i], challenges[i], responses[i], keyImage);
  }
  responses[signerIndex] = Fn.sub(nonce, Fn.mul(challenges[signerIndex], secret));

  return {
    publicKeys: ring.map((key) => Uint8Array.from(key)),
    keyImage: encodePoint(keyImage),
    challenge: challenges[0],
    responses,
  };
}

/** I = x·Hp(x·G): the linkable tag every signature by this key carries. */
export function computeKeyImage(privateKey: Uint8Array): Uint8Array {
  const secret = decodePrivateKey(privateKey);
  const publicKey = encodePoint(Point.BASE.multiply(secret));
  return encodePoint(multiplySecret(lookupRingMember(publicKey).hashPoint, secret));
}

function decoyChallenge(
  hasher: ChallengeHasher,
  member: CachedRingMember,
  challenge: bigint,
  response: bigint,
  keyImage: CurvePoint,
): bigint {
  // c and s are published in the signature, so variable-time multiplication leaks nothing.
  const l = Point.BASE.multiplyUnsafe(response).add(member.point.multiplyUnsafe(challenge));
  const r = keyImage.mulAddUnsafe(challenge, member.hashPoint, response);
  return hasher.challenge(l, r);
}

function decodePrivateKey(privateKey: Uint8Array): bigint {
  if (!(privateKey instanceof Uint8Array) || privateKey.length !== SCALAR_LENGTH) {
    throw new RingSignatureError("invalid_private_key", "the private key must be 32 bytes");
  }
  const secret = Fn.create(bytesToNumberBE(privateKey));
  if (secret === 0n) throw new RingSignatureError("invalid_private_key", "private key is zero");
  return secret;
}

function resolveSignerIndex(ring: readonly Uint8Array[], ownPublicKey: Uint8Array, requested?: number): number {
  if (requested === undefined) {
    const found = ring.findIndex((key) => equalBytes(key, ownPublicKey));
    if (found < 0) throw new RingSignatureError("signer_not_in_ring", "failed to find given key in public key set");
    return found;
  }
  if (!Number.isInteger(requested) || requested < 0 || requested >= ring.length) {
    throw new RingSignatureError("signer_not_in_ring", "secret index out of range of ring size");
  }
  if (!equalBytes(ring[requested], ownPublicKey)) {
    throw new RingSignatureError("signer_not_in_ring", "secret index in ring is not signer");
  }
  return requested;
}

function checkedSource(source: RandomScalarSource): RandomScalarSource {
  return () => {
    const scalar = source();
    if (typeof scalar !== "bigint" || scalar < 0n || scalar >= CURVE_ORDER) {
      throw new RangeError("random scalar source must return a bigint in [0, n)");
    }
    return scalar;
  };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
