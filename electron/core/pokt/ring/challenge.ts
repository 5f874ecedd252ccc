// The challenge of ring-go: c = Hs(m ‖ compress(L) ‖ compress(R)), m being the 32-byte message.
import { RingSignatureError } from "./errors.js";
import { normalizeZ } from "@noble/curves/abstract/curve.js";
import { type CurvePoint, POINT_LENGTH, Point, writeEncodedPoint } from "./point.js";

export const MESSAGE_LENGTH = 32;

export type ScalarHash = (input: Uint8Array) => bigint;

/** Reusable m ‖ L ‖ R buffer: the message is written once, L and R once per ring member. */
export class ChallengeHasher {
  private readonly buffer = new Uint8Array(MESSAGE_LENGTH + 2 * POINT_LENGTH);

  constructor(
    message: Uint8Array,
    private readonly hash: ScalarHash,
  ) {
    assertMessage(message);
    this.buffer.set(message, 0);
  }

  /** Hs(m ‖ L ‖ R). */
  challenge(l: CurvePoint, r: CurvePoint): bigint {
    // One field inversion for both affine conversions instead of two.
    const [affineL, affineR] = normalizeZ(Point, [l, r]);
    writeEncodedPoint(affineL, this.buffer, MESSAGE_LENGTH);
    writeEncodedPoint(affineR, this.buffer, MESSAGE_LENGTH + POINT_LENGTH);
    return this.hash(this.buffer);
  }

  /** The encodings of L and R written by the last challenge() call. */
  lastEncodedPoints(): { l: Uint8Array; r: Uint8Array } {
    return {
      l: this.buffer.slice(MESSAGE_LENGTH, MESSAGE_LENGTH + POINT_LENGTH),
      r: this.buffer.slice(MESSAGE_LENGTH + POINT_LENGTH),
    };
  }
}

export function assertMessage(message: Uint8Array): void {
  if (!(message instanceof Uint8Array) || message.length !== MESSAGE_LENGTH) {
    throw new RingSignatureError("invalid_message", `the signed message must be ${MESSAGE_LENGTH} bytes`);
  }
}
