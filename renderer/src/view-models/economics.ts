import type { ServiceInfo, StakingParams } from "../../../shared/api/staking.js";
import { estimateEarnings, formatPoktEstimate, pricePerComputeUnitUpokt, type EarningsEstimate } from "../../../shared/economics.js";
import { formatDuration, formatUpokt } from "../../../shared/format.js";
import { formatTokensPerSecond } from "./format.js";
import { formatUpoktPrice } from "./services.js";

/** One line of the economics card: what, the chain's value, and where it comes from or what it means. */
export interface EconomicsFact {
  label: string;
  value: string;
  note?: string;
}

export interface EconomicsView {
  facts: EconomicsFact[];
  estimate: EarningsEstimate | null;
  /** "≈ 0.008087 POKT an hour"; null without a service or a measured speed. */
  headline: string | null;
  /** How the estimate was made, in one sentence with its numbers, including the tokens-per-relay assumption. */
  assumption: string | null;
}

function blocksAsTime(blocks: number, blockTimeMs: number): string {
  return formatDuration(blocks * blockTimeMs);
}

function percent(fraction: number): string {
  const value = fraction * 100;
  return `${Number(value.toFixed(value < 1 ? 2 : 1))} %`;
}

/**
 * The network's economics as the wizard and the dashboard show them: every number from the chain's params (and the
 * service's compute units per relay), and POKT per hour from the measured generation speed under a stated assumption
 * of tokens per relay.
 */
export function economicsView(input: {
  params: StakingParams;
  service: ServiceInfo | null;
  tokensPerSecond: number | null;
  tokensPerRelay?: number;
}): EconomicsView {
  const { params, service } = input;
  const price = pricePerComputeUnitUpokt(params.computeUnitsToTokensMultiplier, params.computeUnitCostGranularity);
  const sessionBlocks = params.numBlocksPerSession;
  const facts: EconomicsFact[] = [
    { label: "Minimum stake", value: formatUpokt(params.minStakeUpokt), note: `locked while you serve; staking fee ${formatUpokt(params.stakingFeeUpokt)}` },
    {
      label: "Price per compute unit",
      value: formatUpoktPrice(price),
      note: `CUTTM ${Number(params.computeUnitsToTokensMultiplier).toLocaleString("en-US")} / ${Number(params.computeUnitCostGranularity).toLocaleString("en-US")}`,
    },
  ];
  if (service) {
    facts.push({
      label: `One ${service.serviceId} relay`,
      value: formatUpoktPrice(service.computeUnitsPerRelay * price),
      note: `${service.computeUnitsPerRelay.toLocaleString("en-US")} compute units per relay, priced at the session start; you receive ${percent(params.supplierRewardShare)} of it`,
    });
  }
  facts.push(
    {
      label: "Proof rule",
      value: `claims worth ≥ ${formatUpokt(params.proofRequirementThresholdUpokt)} need a proof`,
      note: `smaller claims are asked for one at random (${percent(params.proofRequestProbability)}); a missing proof costs ${formatUpokt(params.proofMissingPenaltyUpokt)} of the stake`,
    },
    {
      label: "Fees per session",
      value: params.feesPerSessionUpokt === null ? "—" : formatUpokt(params.feesPerSessionUpokt),
      note: `one claim and one proof (proof submission fee ${formatUpokt(params.proofSubmissionFeeUpokt)} included), paid by the operator`,
    },
    { label: "Session", value: `${sessionBlocks} blocks ≈ ${blocksAsTime(sessionBlocks, params.blockTimeMs)}`, note: `up to ${params.numSuppliersPerSession} suppliers share an application's session` },
    {
      label: "Unbonding",
      value: `${params.unbondingPeriodSessions.toLocaleString("en-US")} session${params.unbondingPeriodSessions === 1 ? "" : "s"} ≈ ${blocksAsTime(params.unbondingPeriodSessions * sessionBlocks, params.blockTimeMs)}`,
      note: "after unstaking, before the stake returns",
    },
  );
  if (!service) return { facts, estimate: null, headline: null, assumption: null };
  const estimate = estimateEarnings({
    tokensPerSecond: input.tokensPerSecond,
    tokensPerRelay: input.tokensPerRelay,
    computeUnitsPerRelay: service.computeUnitsPerRelay,
    computeUnitsToTokensMultiplier: params.computeUnitsToTokensMultiplier,
    computeUnitCostGranularity: params.computeUnitCostGranularity,
    supplierShare: params.supplierRewardShare,
    feesPerSessionUpokt: params.feesPerSessionUpokt,
    numBlocksPerSession: params.numBlocksPerSession,
    blockTimeMs: params.blockTimeMs,
  });
  if (estimate.relaysPerHour === null) {
    return { facts, estimate, headline: null, assumption: "Run the benchmark: the estimate needs this machine's measured speed." };
  }
  const relays = Math.round(estimate.relaysPerHour).toLocaleString("en-US");
  return {
    facts,
    estimate,
    headline: `≈ ${formatPoktEstimate(estimate.netUpoktPerHour)} an hour`,
    assumption:
      `If gateways keep this machine busy: ${formatTokensPerSecond(input.tokensPerSecond)} ÷ ${estimate.tokensPerRelay} tokens per relay (assumed) = ${relays} relays an hour, ` +
      `× ${formatUpoktPrice(estimate.supplierUpoktPerRelay)} your share per relay = ${formatPoktEstimate(estimate.grossUpoktPerHour)}, ` +
      `minus ${formatPoktEstimate(estimate.feesUpoktPerHour)} of claim and proof fees. Relays are paid per relay, not per token, and real demand decides how busy the machine is.`,
  };
}
