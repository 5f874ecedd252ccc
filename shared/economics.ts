/**
 * What serving earns, from the chain's own parameters (docs/protocol.md §6.3, §9.1, §13). Pure: the engine reads
 * the parameters, the wizard and the dashboard show these numbers. Every estimate states its assumptions.
 */

const POKT = 1_000_000n;

/**
 * What someone needs to start as a supplier on a network: the minimum stake, one add-service fee (registering a
 * model's own service), and 1,000 POKT for transaction and claim fees. The localnet faucet pays this by default.
 */
export function startingFundsUpokt(minStakeUpokt: bigint, addServiceFeeUpokt: bigint): bigint {
  return minStakeUpokt + addServiceFeeUpokt + 1_000n * POKT;
}

/** upokt per compute unit: CUTTM / granularity (0.14599 on mainnet: 145,990 / 1,000,000). */
export function pricePerComputeUnitUpokt(computeUnitsToTokensMultiplier: bigint | string, computeUnitCostGranularity: bigint | string): number {
  const granularity = Number(computeUnitCostGranularity);
  return granularity > 0 ? Number(computeUnitsToTokensMultiplier) / granularity : 0;
}

/** The tokenomics fractions that decide the supplier's part of what a claim settles. */
export interface SupplierShareParams {
  /** PIP-41: the share of burned tokens minted again (0.975 on mainnet). */
  mintRatio: number;
  /** The supplier's share of that mint (0.79 on mainnet). */
  mintEqualsBurnSupplier: number;
  /** Inflation minted per settled upokt (0.000001 on mainnet) … */
  globalInflationPerClaim: number;
  /** … of which the supplier gets this share (0.8 on mainnet). */
  mintAllocationSupplier: number;
}

/** The fraction of a settled claim's value paid to the supplier (its rev-share list): ≈ 0.770 on mainnet. */
export function supplierRewardShare(p: SupplierShareParams): number {
  return p.mintRatio * p.mintEqualsBurnSupplier + p.globalInflationPerClaim * p.mintAllocationSupplier;
}

/** The estimate assumes this many generated tokens per relay unless told otherwise (a short chat answer). */
export const DEFAULT_TOKENS_PER_RELAY = 250;

export interface EarningsInputs {
  /** Measured generation speed (benchmark), tokens per second; null while unmeasured. */
  tokensPerSecond: number | null;
  /** Assumed generated tokens per relay. */
  tokensPerRelay?: number;
  /** The service's compute units per relay. */
  computeUnitsPerRelay: number;
  computeUnitsToTokensMultiplier: bigint | string;
  computeUnitCostGranularity: bigint | string;
  /** supplierRewardShare() of the network's tokenomics. */
  supplierShare: number;
  /** What one session's claim and proof cost the operator (fees), upokt; null when unknown. */
  feesPerSessionUpokt: bigint | string | null;
  numBlocksPerSession: number;
  blockTimeMs: number;
}

export interface EarningsEstimate {
  tokensPerRelay: number;
  /** What one relay costs the application: CUPR × CUTTM / granularity (at base difficulty). */
  relayValueUpokt: number;
  /** The supplier's part of it. */
  supplierUpoktPerRelay: number;
  /** If gateways kept the machine busy: tokens/s × 3600 / tokens per relay. Null without a measured speed. */
  relaysPerHour: number | null;
  /** Rewards per hour before fees; null without a measured speed. */
  grossUpoktPerHour: number | null;
  /** Claim and proof fees per hour (one claim and one proof per session). */
  feesUpoktPerHour: number | null;
  /** Gross minus fees; null without a measured speed. */
  netUpoktPerHour: number | null;
  sessionsPerHour: number;
}

/**
 * POKT per hour if gateways send as many relays as the measured speed can answer. Relays are priced per relay, not
 * per token (a long answer earns what a short one does), so the tokens-per-relay assumption decides the result;
 * real demand decides whether the machine is kept busy at all.
 */
export function estimateEarnings(inputs: EarningsInputs): EarningsEstimate {
  const tokensPerRelay = inputs.tokensPerRelay && inputs.tokensPerRelay > 0 ? inputs.tokensPerRelay : DEFAULT_TOKENS_PER_RELAY;
  const relayValueUpokt = inputs.computeUnitsPerRelay * pricePerComputeUnitUpokt(inputs.computeUnitsToTokensMultiplier, inputs.computeUnitCostGranularity);
  const supplierUpoktPerRelay = relayValueUpokt * inputs.supplierShare;
  const sessionMs = inputs.numBlocksPerSession * inputs.blockTimeMs;
  const sessionsPerHour = sessionMs > 0 ? 3_600_000 / sessionMs : 0;
  const feesUpoktPerHour = inputs.feesPerSessionUpokt === null ? null : Number(inputs.feesPerSessionUpokt) * sessionsPerHour;
  const speed = inputs.tokensPerSecond !== null && Number.isFinite(inputs.tokensPerSecond) && inputs.tokensPerSecond > 0 ? inputs.tokensPerSecond : null;
  const relaysPerHour = speed === null ? null : (speed * 3600) / tokensPerRelay;
  const grossUpoktPerHour = relaysPerHour === null ? null : relaysPerHour * supplierUpoktPerRelay;
  const netUpoktPerHour = grossUpoktPerHour === null ? null : grossUpoktPerHour - (feesUpoktPerHour ?? 0);
  return { tokensPerRelay, relayValueUpokt, supplierUpoktPerRelay, relaysPerHour, grossUpoktPerHour, feesUpoktPerHour, netUpoktPerHour, sessionsPerHour };
}

/** An estimate in POKT with sensible precision: "0.0123 POKT", "12.3 POKT", "—" when unknown. */
export function formatPoktEstimate(upokt: number | null): string {
  if (upokt === null || !Number.isFinite(upokt)) return "—";
  const pokt = upokt / 1_000_000;
  const abs = Math.abs(pokt);
  const digits = abs >= 100 ? 0 : abs >= 1 ? 2 : abs >= 0.01 ? 4 : 6;
  return `${pokt.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })} POKT`;
}
