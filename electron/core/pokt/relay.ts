// Relays (docs/protocol.md §4.1, §6): request signable bytes, the mined form of a relay, relay bytes and hash,
// the difficulty target and its update rule, compute-unit bounds and stateless relay validation.
import { createHash } from "node:crypto";
import { fromBech32 } from "@cosmjs/encoding";
import { bytesToNumberBE, numberToVarBytesBE } from "@noble/curves/utils.js";
import { compareBytes } from "./proto/bytes.js";
import { Relay, RelayRequest, RelayResponse } from "./proto/service.js";
import type { SessionHeader } from "./proto/session.js";
import { isValidServiceId } from "./session.js";

export const RELAY_HASH_LENGTH = 32;

/** The easiest difficulty target (every relay is mined); a service without difficulty entry uses it. */
export function baseRelayDifficultyTarget(): Uint8Array {
  return new Uint8Array(RELAY_HASH_LENGTH).fill(0xff);
}

/** Upper bound of a service's compute_units_per_relay (`2 << 20`; the upstream comment says 2^20). */
export const COMPUTE_UNITS_PER_RELAY_MAX = 2n << 20n;

export function isValidComputeUnitsPerRelay(computeUnitsPerRelay: bigint): boolean {
  return computeUnitsPerRelay >= 1n && computeUnitsPerRelay <= COMPUTE_UNITS_PER_RELAY_MAX;
}

// ---------------------------------------------------------------------------------------------------
// Hashing

/** OpenSSL's SHA-256 (a relay's messages are hundreds of bytes: ~4x faster than noble's), as a plain Uint8Array. */
function sha256(data: Uint8Array): Uint8Array {
  const digest = createHash("sha256").update(data).digest();
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.length);
}

/** Canonical bytes of the request with `meta.signature` emptied: what the ring signature commits to. */
export function relayRequestSignableBytes(request: RelayRequest): Uint8Array {
  return RelayRequest.toBytes({ ...request, meta: { ...request.meta, signature: new Uint8Array(0) } });
}

/** SHA-256 of the signable bytes: the 32-byte ring-signature message (no further hashing). */
export function relayRequestSignableHash(request: RelayRequest): Uint8Array {
  return sha256(relayRequestSignableBytes(request));
}

/** `RelayResponse.payload_hash`. */
export function payloadHash(payload: Uint8Array): Uint8Array {
  return sha256(payload);
}

/**
 * The relay as it is mined and proven: the verified request and the signed response without its payload
 * (meta with signature, payload_hash and relay_miner_error are kept).
 */
export function relayForMining(request: RelayRequest, response: RelayResponse): Relay {
  return { req: request, res: { ...response, payload: new Uint8Array(0) } };
}

/** Canonical encoding of a relay: the SMST leaf value. */
export function relayBytes(relay: Relay): Uint8Array {
  return Relay.toBytes(relay);
}

/** SHA-256 of the relay bytes: the SMST key, compared against the difficulty target. */
export function relayHash(encodedRelay: Uint8Array): Uint8Array {
  return sha256(encodedRelay);
}

export interface MinedRelay {
  relay: Relay;
  bytes: Uint8Array;
  hash: Uint8Array;
}

/** relayForMining + relayBytes + relayHash in one step. */
export function mineRelay(request: RelayRequest, response: RelayResponse): MinedRelay {
  const relay = relayForMining(request, response);
  const bytes = relayBytes(relay);
  return { relay, bytes, hash: relayHash(bytes) };
}

// ---------------------------------------------------------------------------------------------------
// Difficulty

/** A relay counts toward a claim iff its hash is strictly below the target, as big-endian byte strings. */
export function isRelayVolumeApplicable(hash: Uint8Array, target: Uint8Array): boolean {
  return compareBytes(hash, target) === -1;
}

/** Go's big.Int.Bytes(): minimal big-endian, empty for zero. */
function minimalBigEndian(value: bigint): Uint8Array {
  return value === 0n ? new Uint8Array(0) : numberToVarBytesBE(value);
}

const INT64_MAX = (1n << 63n) - 1n;

/**
 * The chain's difficulty update: target × targetNumRelays / newRelaysEma (floored), kept when the two
 * are equal, capped at the base target, and left-padded with zeros to the previous target's length.
 */
export function computeNewDifficultyTarget(
  previousTarget: Uint8Array,
  targetNumRelays: bigint,
  newRelaysEma: bigint,
): Uint8Array {
  if (targetNumRelays === newRelaysEma) return previousTarget;
  // The chain builds a big.Rat from int64 conversions of both counts; a zero EMA would panic there.
  if (newRelaysEma <= 0n || newRelaysEma > INT64_MAX || targetNumRelays < 0n || targetNumRelays > INT64_MAX) {
    throw new RangeError("relay counts must be in (0, 2^63) for a difficulty update");
  }
  const scaled = minimalBigEndian((bytesToNumberBE(previousTarget) * targetNumRelays) / newRelaysEma);
  if (scaled.length > RELAY_HASH_LENGTH) return baseRelayDifficultyTarget();
  if (scaled.length >= previousTarget.length) return scaled;
  const padded = new Uint8Array(previousTarget.length);
  padded.set(scaled, previousTarget.length - scaled.length);
  return padded;
}

// ---------------------------------------------------------------------------------------------------
// Stateless validation (ValidateBasic). Each returns the first problem found, or undefined when valid.

/** bech32 with the expected prefix (the chain uses `pokt`; upstream test fixtures use `cosmos`). */
export function isValidAccountAddress(address: string, prefix = "pokt"): boolean {
  try {
    const decoded = fromBech32(address, 1023);
    return decoded.prefix === prefix && decoded.data.length > 0 && decoded.data.length <= 255;
  } catch {
    return false;
  }
}

export function validateSessionHeader(header: SessionHeader | undefined, addressPrefix = "pokt"): string | undefined {
  if (header === undefined) return "missing session header";
  if (!isValidAccountAddress(header.applicationAddress, addressPrefix)) {
    return `invalid application address ${JSON.stringify(header.applicationAddress)}`;
  }
  if (header.sessionId.length === 0) return "missing session id";
  if (!isValidServiceId(header.serviceId)) return `invalid service id ${JSON.stringify(header.serviceId)}`;
  if (header.sessionStartBlockHeight <= 0n) return "session start height must be at least 1";
  if (header.sessionEndBlockHeight <= header.sessionStartBlockHeight) {
    return "session end height must be greater than its start height";
  }
  return undefined;
}

export function validateRelayRequest(request: RelayRequest, addressPrefix = "pokt"): string | undefined {
  const headerProblem = validateSessionHeader(request.meta.sessionHeader, addressPrefix);
  if (headerProblem !== undefined) return `invalid relay request: ${headerProblem}`;
  if (request.meta.signature.length === 0) return "invalid relay request: missing application signature";
  if (request.meta.supplierOperatorAddress === "") {
    return "invalid relay request: missing supplier operator address";
  }
  return undefined;
}

/** Go skips the payload-hash check (commented out upstream); only header and signature are required. */
export function validateRelayResponse(response: RelayResponse, addressPrefix = "pokt"): string | undefined {
  const headerProblem = validateSessionHeader(response.meta.sessionHeader, addressPrefix);
  if (headerProblem !== undefined) return `invalid relay response: ${headerProblem}`;
  if (response.meta.supplierOperatorSignature.length === 0) {
    return "invalid relay response: missing supplier operator signature";
  }
  return undefined;
}
