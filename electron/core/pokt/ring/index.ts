// Ring signatures compatible byte for byte with pokt-network/ring-go (decred secp256k1 backend).
export { RingSignatureError, type RingSignatureErrorCode } from "./errors.js";
export { CURVE_ORDER, SCALAR_LENGTH, decodeScalar, encodeScalar, hashToScalar, hashToScalarWithoutQuirk } from "./scalar.js";
export { type CurvePoint, POINT_LENGTH, decodePoint, encodePoint, hashToPoint } from "./point.js";
export { MESSAGE_LENGTH } from "./challenge.js";
export {
  type RingSignature,
  deserializeRingSignature,
  ringSignatureLength,
  serializeRingSignature,
} from "./signature.js";
export { type RandomScalarSource, type RingSignRequest, computeKeyImage, cryptoRandomScalar, signRing } from "./sign.js";
export {
  type ChallengeLink,
  type RingVerificationTrace,
  traceRingVerification,
  verifyRingSignature,
  verifyRingSignatureBytes,
} from "./verify.js";
export {
  type ApplicationRingCheck,
  type ApplicationRingState,
  checkApplicationRingSignature,
  isRingSubsetOf,
  ringAddressesForApplication,
  ringPublicKeysForAddresses,
} from "./membership.js";
export { clearRingPointCaches } from "./point-cache.js";
