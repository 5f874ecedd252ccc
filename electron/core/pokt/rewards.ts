// Reward arithmetic (docs/protocol.md §6.4, §8.3, §9) in exact integers and rationals, floored where the chain
// floors: difficulty multiplier, estimated compute units, claimed uPOKT, per-relay cost, the per-session
// budget the off-chain meter allows, and how a settlement is split. Amounts are uPOKT as bigint.
import { bytesToNumberBE } from "@noble/curves/utils.js";
import type { ServiceRevenueShare, Params as SharedParams } from "./proto/shared.js";
import type { MintAllocationPercentages, MintEqualsBurnClaimDistribution } from "./proto/tokenomics.js";
import { numPendingSessions } from "./session.js";

/** An exact fraction; the denominator is always positive. */
export interface Rational {
  numerator: bigint;
  denominator: bigint;
}

/** The base (easiest) target as a number: 2^256 − 1. */
const MAX_TARGET = (1n << 256n) - 1n;

export type PricingParams = Pick<SharedParams, "computeUnitsToTokensMultiplier" | "computeUnitCostGranularity">;

function floorDiv(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError("division by a non-positive number");
  const quotient = numerator / denominator;
  // BigInt division truncates toward zero; floor for negative quotients with a remainder.
  return numerator % denominator !== 0n && numerator < 0n ? quotient - 1n : quotient;
}

function nonZeroTarget(target: Uint8Array): bigint {
  const value = bytesToNumberBE(target);
  if (value === 0n) throw new RangeError("a zero difficulty target admits no relay");
  return value;
}

/** Probability that a relay is mined: target / (2^256 − 1). */
export function relayDifficultyProbability(target: Uint8Array): Rational {
  return { numerator: bytesToNumberBE(target), denominator: MAX_TARGET };
}

/** (2^256 − 1) / target: scales mined compute units to estimated served compute units. */
export function relayDifficultyMultiplier(target: Uint8Array): Rational {
  return { numerator: MAX_TARGET, denominator: nonZeroTarget(target) };
}

/** floor(claimed compute units × multiplier(target)). */
export function estimatedComputeUnits(claimedComputeUnits: bigint, target: Uint8Array): bigint {
  return floorDiv(claimedComputeUnits * MAX_TARGET, nonZeroTarget(target));
}

/** Estimated relays served: estimated compute units / (claimed units / mined relays); 0 for empty claims. */
export function estimatedRelays(minedRelays: bigint, claimedComputeUnits: bigint, target: Uint8Array): bigint {
  if (minedRelays === 0n) return 0n;
  const computeUnitsPerRelay = claimedComputeUnits / minedRelays;
  if (computeUnitsPerRelay === 0n) return 0n;
  return estimatedComputeUnits(claimedComputeUnits, target) / computeUnitsPerRelay;
}

/**
 * The claim's value: floor(claimed CU × (2^256−1)/target × CUTTM / granularity), with target and pricing
 * taken at the session start height. This is what the proof-requirement threshold is compared with.
 */
export function claimedUpokt(claimedComputeUnits: bigint, target: Uint8Array, pricing: PricingParams): bigint {
  return floorDiv(
    claimedComputeUnits * MAX_TARGET * pricing.computeUnitsToTokensMultiplier,
    nonZeroTarget(target) * pricing.computeUnitCostGranularity,
  );
}

/** Price of one mined relay: floor(cupr × CUTTM / granularity). */
export function relayCostUpokt(computeUnitsPerRelay: bigint, pricing: PricingParams): bigint {
  return floorDiv(computeUnitsPerRelay * pricing.computeUnitsToTokensMultiplier, pricing.computeUnitCostGranularity);
}

type BudgetParams = Parameters<typeof numPendingSessions>[0];

/**
 * What one supplier may consume of an application's stake in one session before the RelayMiner's meter
 * calls it over-serviced: stake / suppliers per session / (pending sessions + the current one), floored
 * at each step. Pass the shared params effective at the session end height.
 */
export function appStakePerSessionSupplier(
  appStakeUpokt: bigint,
  sharedParams: BudgetParams,
  numSuppliersPerSession: bigint,
): bigint {
  const perSupplier = floorDiv(appStakeUpokt, numSuppliersPerSession);
  return floorDiv(perSupplier, numPendingSessions(sharedParams) + 1n);
}

// ---------------------------------------------------------------------------------------------------
// Settlement splits

/**
 * The exact decimal the chain uses for a float param: its shortest round-trip form (Go
 * `strconv.FormatFloat(f, 'f', -1, 64)`), so 0.975 is 975/1000, not the binary value.
 */
export function decimalRational(value: number): Rational {
  if (!Number.isFinite(value)) throw new RangeError(`${value} has no decimal form`);
  // JS's Number→string is also the shortest round-trip form, possibly in exponent notation.
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
  if (match === null) throw new RangeError(`unexpected number format ${String(value)}`);
  const [, sign, whole, fraction = "", exponentText = "0"] = match;
  const exponent = Number(exponentText) - fraction.length;
  let numerator = BigInt(`${whole}${fraction}`);
  let denominator = 1n;
  if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator = 10n ** BigInt(-exponent);
  return { numerator: sign === "-" ? -numerator : numerator, denominator };
}

/** floor(amount × percentage), the chain's per-recipient allocation. */
function allocation(amount: bigint, percentage: number): bigint {
  const share = decimalRational(percentage);
  return floorDiv(amount * share.numerator, share.denominator);
}

export interface RewardSplit {
  supplier: bigint;
  proposer: bigint;
  sourceOwner: bigint;
  application: bigint;
  /** The DAO receives what the floored shares leave over. */
  dao: bigint;
}

type Percentages = Pick<MintEqualsBurnClaimDistribution | MintAllocationPercentages, keyof RewardSplit>;

function splitWithDaoRemainder(amount: bigint, percentages: Percentages): RewardSplit {
  const supplier = allocation(amount, percentages.supplier);
  const proposer = allocation(amount, percentages.proposer);
  const sourceOwner = allocation(amount, percentages.sourceOwner);
  const application = allocation(amount, percentages.application);
  return { supplier, proposer, sourceOwner, application, dao: amount - supplier - proposer - sourceOwner - application };
}

export interface MintEqualsBurnSettlement extends RewardSplit {
  /** Burned from the application's stake. */
  burned: bigint;
  /** floor(burned × mint_ratio), the amount split among the recipients. */
  minted: bigint;
}

/** RelayBurnEqualsMint: burn the settlement amount, mint it × mint_ratio, split the mint. */
export function mintEqualsBurnSettlement(
  settlementUpokt: bigint,
  tokenomics: { mintRatio: number; mintEqualsBurnClaimDistribution: MintEqualsBurnClaimDistribution },
): MintEqualsBurnSettlement {
  const minted = allocation(settlementUpokt, tokenomics.mintRatio);
  return { burned: settlementUpokt, minted, ...splitWithDaoRemainder(minted, tokenomics.mintEqualsBurnClaimDistribution) };
}

export interface GlobalMintSettlement extends RewardSplit {
  /** ceil(settlement × global_inflation_per_claim); 0 when inflation is off. */
  minted: bigint;
}

/** GlobalMint: an inflationary mint proportional to the settlement, split by mint_allocation_percentages. */
export function globalMintSettlement(
  settlementUpokt: bigint,
  tokenomics: { globalInflationPerClaim: number; mintAllocationPercentages: MintAllocationPercentages },
): GlobalMintSettlement {
  if (tokenomics.globalInflationPerClaim === 0) {
    return { minted: 0n, supplier: 0n, proposer: 0n, sourceOwner: 0n, application: 0n, dao: 0n };
  }
  const rate = decimalRational(tokenomics.globalInflationPerClaim);
  const minted = -floorDiv(-(settlementUpokt * rate.numerator), rate.denominator); // ceiling
  return { minted, ...splitWithDaoRemainder(minted, tokenomics.mintAllocationPercentages) };
}

/**
 * How a supplier's reward is paid to its rev-share list: floor(amount × pct / 100) each, the remainder to
 * the first entry. Returns undefined for a list the chain refuses (empty, duplicate address, percentages
 * not summing to 100), in which case the chain pays the whole amount to the supplier's owner.
 */
export function revenueShareAmounts(
  amount: bigint,
  revenueShares: readonly ServiceRevenueShare[],
): Map<string, bigint> | undefined {
  if (revenueShares.length === 0) return undefined;
  const addresses = new Set(revenueShares.map((share) => share.address));
  if (addresses.size !== revenueShares.length) return undefined;
  const total = revenueShares.reduce((sum, share) => sum + share.revSharePercentage, 0n);
  if (total !== 100n) return undefined;

  const amounts = new Map<string, bigint>();
  let distributed = 0n;
  for (const share of revenueShares) {
    const part = floorDiv(amount * share.revSharePercentage, 100n);
    amounts.set(share.address, part);
    distributed += part;
  }
  const first = revenueShares[0].address;
  amounts.set(first, amounts.get(first)! + (amount - distributed));
  return amounts;
}
