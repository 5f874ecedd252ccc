// Wire format of ring-go's RingSig (serde.go):
//   uint32_be(k) ‖ c0(32) ‖ keyImage(33) ‖ k × ( s_i(32) ‖ P_i(33) )
import { RingSignatureError } from "./errors.js";
import { lookupKeyImage, lookupRingMember } from "./point-cache.js";
import { POINT_LENGTH } from "./point.js";
import { CURVE_ORDER, SCALAR_LENGTH, decodeScalar, encodeScalar } from "./scalar.js";

/** A decoded ring signature. Points are 33-byte compressed encodings; scalars are reduced mod n. */
export interface RingSignature {
  /** The ring P_0..P_{k-1}, in signature order. */
  readonly publicKeys: readonly Uint8Array[];
  /** I = x·Hp(P_signer): identical for every signature by the same key. */
  readonly keyImage: Uint8Array;
  /** c_0. */
  readonly challenge: bigint;
  /** s_0..s_{k-1}. */
  readonly responses: readonly bigint[];
}

const SIZE_PREFIX_LENGTH = 4;
const MEMBER_LENGTH = SCALAR_LENGTH + POINT_LENGTH;

/** Serialized length of a signature over a ring of `ringSize` keys (199 bytes for two). */
export function ringSignatureLength(ringSize: number): number {
  return SIZE_PREFIX_LENGTH + SCALAR_LENGTH + POINT_LENGTH + ringSize * MEMBER_LENGTH;
}

export function serializeRingSignature(signature: RingSignature): Uint8Array {
  assertWellFormed(signature);
  const ringSize = signature.publicKeys.length;
  const out = new Uint8Array(ringSignatureLength(ringSize));
  new DataView(out.buffer).setUint32(0, ringSize, false);
  let offset = SIZE_PREFIX_LENGTH;
  const put = (bytes: Uint8Array) => {
    out.set(bytes, offset);
    offset += bytes.length;
  };
  put(encodeScalar(signature.challenge));
  put(signature.keyImage);
  for (let i = 0; i < ringSize; i++) {
    put(encodeScalar(signature.responses[i]));
    put(signature.publicKeys[i]);
  }
  return out;
}

/**
 * Decodes like ring-go's Deserialize: every point must be a valid 02/03 compressed point, scalars
 * are reduced mod n, and bytes after the declared ring are ignored (Go reads no further). A ring size
 * of 0 decodes (Go accepts it too) but never verifies.
 * @throws RingSignatureError
 */
export function deserializeRingSignature(bytes: Uint8Array): RingSignature {
  if (bytes.length < SIZE_PREFIX_LENGTH) {
    throw new RingSignatureError("truncated", "ring signature shorter than its 4-byte ring size");
  }
  const ringSize = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, false);
  // Go's own early bound; it also keeps a forged huge size from driving allocation.
  if (bytes.length < ringSize * POINT_LENGTH) throw new RingSignatureError("truncated", "input too short");

  let offset = SIZE_PREFIX_LENGTH;
  // Like Go's bytes.Buffer.Next: up to `length` bytes, fewer at the end of the input.
  const next = (length: number): Uint8Array => {
    const chunk = bytes.slice(offset, offset + length);
    offset += chunk.length;
    return chunk;
  };
  const readPoint = (lookup: (encoded: Uint8Array) => unknown): Uint8Array => {
    const encoded = next(POINT_LENGTH);
    lookup(encoded); // validates (and caches) the point
    return encoded;
  };

  const challenge = decodeScalar(next(SCALAR_LENGTH));
  const keyImage = readPoint(lookupKeyImage);
  const publicKeys: Uint8Array[] = [];
  const responses: bigint[] = [];
  for (let i = 0; i < ringSize; i++) {
    responses.push(decodeScalar(next(SCALAR_LENGTH)));
    publicKeys.push(readPoint(lookupRingMember));
  }
  return { publicKeys, keyImage, challenge, responses };
}

/** Rejects hand-built signatures whose parts cannot be encoded in the wire format. */
export function assertWellFormed(signature: RingSignature): void {
  const { publicKeys, responses, keyImage, challenge } = signature;
  if (responses.length !== publicKeys.length) {
    throw new RingSignatureError("malformed_signature", "one response per ring member is required");
  }
  if (keyImage.length !== POINT_LENGTH || publicKeys.some((key) => key.length !== POINT_LENGTH)) {
    throw new RingSignatureError("malformed_signature", "points must be 33-byte compressed encodings");
  }
  for (const scalar of [challenge, ...responses]) {
    if (scalar < 0n || scalar >= CURVE_ORDER) {
      throw new RingSignatureError("malformed_signature", "scalars must be reduced modulo n");
    }
  }
}
