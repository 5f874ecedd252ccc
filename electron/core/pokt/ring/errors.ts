/** Why a ring-signature operation refused its input. */
export type RingSignatureErrorCode =
  | "truncated" // the bytes end before the declared ring is complete
  | "invalid_scalar_length"
  | "invalid_point" // not a 33-byte 02/03 compressed secp256k1 point on the curve
  | "invalid_message" // the signed message must be exactly 32 bytes
  | "invalid_private_key"
  | "malformed_signature" // a RingSignature object whose parts disagree (sizes, scalar ranges)
  | "signer_not_in_ring"
  | "hash_out_of_range"; // the Go hash-to-point / hash-to-scalar would have panicked

/** Typed failure of ring-signature decoding, signing or verification input checks. */
export class RingSignatureError extends Error {
  override readonly name = "RingSignatureError";

  constructor(
    readonly code: RingSignatureErrorCode,
    message: string,
  ) {
    super(message);
  }
}
