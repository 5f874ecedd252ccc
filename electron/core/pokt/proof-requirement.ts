// Whether the chain will demand a proof for a claim (docs/protocol.md §8.3, poktroll x/proof
// ProofRequirementForClaim). The miner must compute this exactly as the chain does: submitting a proof
// the chain does not require fails the whole transaction, and omitting a required one gets the supplier
// slashed.
import { sha256 } from "@noble/hashes/sha2.js";
import { seededFloat64 } from "./seeded-random.js";

export type ProofRequirementReason = "NOT_REQUIRED" | "PROBABILISTIC" | "THRESHOLD";

/** Prices at the session's start height (shared params and the service's relay mining difficulty). */
export interface ClaimPricing {
  /** RelayMiningDifficulty.target_hash of the service (32 bytes; all 0xff when the service has none). */
  relayDifficultyTargetHash: Uint8Array;
  computeUnitsToTokensMultiplier: bigint;
  computeUnitCostGranularity: bigint;
}

/** The current proof module params. */
export interface ProofRequirementParams {
  /** proof_requirement_threshold.amount, in upokt. */
  proofRequirementThresholdUpokt: bigint;
  /** proof_request_probability, in [0, 1]. */
  proofRequestProbability: number;
}

export interface ProofRequirementInput {
  /** The claim's 48-byte SMST root (its sum is the claimed compute units). */
  claimRootHash: Uint8Array;
  /**
   * Canonical protobuf encoding of the claim as the chain stores it: Claim{1: supplier_operator_address,
   * 2: session_header, 3: root_hash} (proof_validation_status 0 is omitted). The chain seeds with its SHA-256.
   */
  claimBytes: Uint8Array;
  /** Block hash at height proof_window_open − 1. */
  proofRequirementSeedBlockHash: Uint8Array;
  pricing: ClaimPricing;
  params: ProofRequirementParams;
}

export interface ProofRequirement {
  required: boolean;
  reason: ProofRequirementReason;
  claimedUpokt: bigint;
  /** The SeededFloat64 sample; absent when the threshold alone decided. */
  sampleValue?: number;
}

const ROOT_SIZE = 48;
const ROOT_SUM_OFFSET = 32;
const TARGET_HASH_SIZE = 32;
/** 2^256 − 1: BaseRelayDifficultyHashBz, the easiest possible target. */
const BASE_TARGET = (1n << 256n) - 1n;

function bigEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return value;
}

/** The claim's compute units: the uint64 sum stored in its root. */
export function claimedComputeUnits(claimRootHash: Uint8Array): bigint {
  if (claimRootHash.length !== ROOT_SIZE) throw new RangeError(`claim root must be ${ROOT_SIZE} bytes`);
  return bigEndian(claimRootHash.subarray(ROOT_SUM_OFFSET, ROOT_SUM_OFFSET + 8));
}

/**
 * Claim.GetClaimeduPOKT: floor(units × (2^256 − 1)/target × CUTTM / granularity), the big.Rat product
 * divided only once at the end, as the chain does.
 */
export function claimedUpokt(computeUnits: bigint, pricing: ClaimPricing): bigint {
  if (pricing.relayDifficultyTargetHash.length !== TARGET_HASH_SIZE) {
    throw new RangeError(`relay difficulty target must be ${TARGET_HASH_SIZE} bytes`);
  }
  const target = bigEndian(pricing.relayDifficultyTargetHash);
  if (target === 0n) throw new RangeError("relay difficulty target is zero");
  if (pricing.computeUnitCostGranularity <= 0n) throw new RangeError("compute unit cost granularity must be positive");
  if (computeUnits < 0n || pricing.computeUnitsToTokensMultiplier < 0n) throw new RangeError("negative pricing input");
  const numerator = computeUnits * BASE_TARGET * pricing.computeUnitsToTokensMultiplier;
  return numerator / (target * pricing.computeUnitCostGranularity);
}

/** Claim.GetProofRequirementSampleValue: SeededFloat64(SHA256(claim) ‖ seed block hash). */
export function proofRequirementSampleValue(claimBytes: Uint8Array, proofRequirementSeedBlockHash: Uint8Array): number {
  return seededFloat64(sha256(claimBytes), proofRequirementSeedBlockHash);
}

/** ProofRequirementForClaim: THRESHOLD when the claim is worth at least the threshold, else a seeded draw. */
export function proofRequirement(input: ProofRequirementInput): ProofRequirement {
  const upokt = claimedUpokt(claimedComputeUnits(input.claimRootHash), input.pricing);
  if (upokt >= input.params.proofRequirementThresholdUpokt) {
    return { required: true, reason: "THRESHOLD", claimedUpokt: upokt };
  }
  const sampleValue = proofRequirementSampleValue(input.claimBytes, input.proofRequirementSeedBlockHash);
  const required = sampleValue <= input.params.proofRequestProbability;
  return { required, reason: required ? "PROBABILISTIC" : "NOT_REQUIRED", claimedUpokt: upokt, sampleValue };
}
