import assert from "node:assert/strict";
import { test } from "node:test";
import type { ChainEvent } from "../../../electron/core/chain/client.js";
import { globalMintSettlement, mintEqualsBurnSettlement } from "../../../electron/core/pokt/rewards.js";
import type { Params as TokenomicsParams } from "../../../electron/core/pokt/proto/tokenomics.js";
import { outcomesFromEvents } from "../../../electron/core/relayminer/chain-adapter.js";

const tokenomics: TokenomicsParams = {
  mintAllocationPercentages: { dao: 0.1, proposer: 0, supplier: 0.8, sourceOwner: 0.1, application: 0 },
  daoRewardAddress: "pokt1dao",
  globalInflationPerClaim: 0.000001,
  mintEqualsBurnClaimDistribution: { dao: 0.045, proposer: 0.14, supplier: 0.79, sourceOwner: 0.025, application: 0 },
  mintRatio: 0.975,
  overservicingBonusMultiplier: 1n,
};

/** Typed events carry JSON-encoded values, as the chain (and the localnet) emit them. */
function typed(type: string, fields: Record<string, unknown>): ChainEvent {
  return { type, attributes: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, JSON.stringify(v)])) };
}

test("settlement events become outcomes: settled (reward by the chain's arithmetic), expired, slashed; other operators ignored", () => {
  const events = [
    typed("pocket.tokenomics.EventClaimSettled", { supplier_operator_address: "pokt1me", session_id: "s1", claimed_upokt: "12600upokt", settled_upokt: "12000upokt" }),
    typed("pocket.tokenomics.EventClaimSettled", { supplier_operator_address: "pokt1other", session_id: "s1", claimed_upokt: "5upokt", settled_upokt: "5upokt" }),
    typed("pocket.tokenomics.EventClaimExpired", { supplier_operator_address: "pokt1me", session_id: "s2", expiration_reason: "PROOF_MISSING" }),
    typed("pocket.tokenomics.EventClaimExpired", { supplier_operator_address: "pokt1me", session_id: "s3", expiration_reason: "PROOF_INVALID" }),
    typed("pocket.tokenomics.EventSupplierSlashed", { supplier_operator_address: "pokt1me", session_id: "s3", proof_missing_penalty: "1000000upokt" }),
    typed("pocket.proof.EventProofValidityChecked", { supplier_operator_address: "pokt1me", session_id: "s1" }),
  ];
  const outcomes = outcomesFromEvents(events, "pokt1me", tokenomics);
  const reward = mintEqualsBurnSettlement(12_000n, tokenomics).supplier + globalMintSettlement(12_000n, tokenomics).supplier;
  assert.deepEqual(outcomes, [
    { kind: "settled", sessionId: "s1", operatorAddress: "pokt1me", claimedUpokt: 12_600n, settledUpokt: 12_000n, rewardUpokt: reward, exact: true },
    { kind: "expired", sessionId: "s2", operatorAddress: "pokt1me", reason: "proof_missing: the chain expired the claim" },
    { kind: "slashed", sessionId: "s3", operatorAddress: "pokt1me", penaltyUpokt: 1_000_000n, reason: "proof_invalid: the chain expired the claim" },
  ]);
  // 12000 × 0.975 = 11700 minted, 79 % of it = 9243; the global mint of 12000 × 1e-6 rounds up to 1, 80 % → 0.
  assert.equal(reward, 9243n);
});
