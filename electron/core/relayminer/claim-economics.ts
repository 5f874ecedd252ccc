// Is a claim worth submitting? Its value at session-start prices (docs/protocol.md §8.3), what the supplier's revenue-share
// addresses would receive if it settles (docs/protocol.md §9), and what submitting it costs the operator.
import { claimedComputeUnits, claimedUpokt } from "../pokt/proof-requirement.js";
import type { Params as TokenomicsParams } from "../pokt/proto/tokenomics.js";
import { globalMintSettlement, mintEqualsBurnSettlement } from "../pokt/rewards.js";
import type { SessionPricing } from "./session-trees.js";

export interface ClaimValue {
  computeUnits: bigint;
  claimedUpokt: bigint;
  /** The supplier's share of the mint-equals-burn and the global mint, before the application's budget cap. */
  expectedRewardUpokt: bigint;
}

export function claimValue(rootHash: Uint8Array, pricing: SessionPricing, tokenomics: TokenomicsParams): ClaimValue {
  const computeUnits = claimedComputeUnits(rootHash);
  const upokt = claimedUpokt(computeUnits, {
    relayDifficultyTargetHash: pricing.targetHash,
    computeUnitsToTokensMultiplier: pricing.computeUnitsToTokensMultiplier,
    computeUnitCostGranularity: pricing.computeUnitCostGranularity,
  });
  const reward = mintEqualsBurnSettlement(upokt, tokenomics).supplier + globalMintSettlement(upokt, tokenomics).supplier;
  return { computeUnits, claimedUpokt: upokt, expectedRewardUpokt: reward };
}

export interface ClaimCosts {
  /** This claim's share of the claim transaction's fee. */
  claimFeeUpokt: bigint;
  /** A proof transaction's fee plus the proof module's proof_submission_fee (paid only when a proof is required). */
  proofCostUpokt: bigint;
}

export type ClaimDecision =
  | { submit: true }
  | { submit: false; reason: "unprofitable" | "insufficient_balance"; detail: string };

/**
 * Claims worth less than what claiming and proving them costs are not submitted, and neither is a claim the
 * operator could not also prove (a claim without its required proof costs the proof_missing_penalty).
 * `availableUpokt` is what is left of the operator's balance for this claim.
 */
export function decideClaim(value: ClaimValue, costs: ClaimCosts, availableUpokt: bigint): ClaimDecision {
  const worstCaseCost = costs.claimFeeUpokt + costs.proofCostUpokt;
  if (value.expectedRewardUpokt <= worstCaseCost) {
    return {
      submit: false,
      reason: "unprofitable",
      detail: `the claim would earn about ${value.expectedRewardUpokt} upokt but claiming and proving it costs up to ${worstCaseCost} upokt`,
    };
  }
  if (availableUpokt < worstCaseCost) {
    return {
      submit: false,
      reason: "insufficient_balance",
      detail: `the operator has ${availableUpokt < 0n ? 0n : availableUpokt} upokt left for this claim but claim and proof fees need up to ${worstCaseCost} upokt`,
    };
  }
  return { submit: true };
}
