// The economics the wizard and the dashboard show, from the chain's params: mainnet's numbers worked by hand.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DEFAULT_TOKENS_PER_RELAY,
  estimateEarnings,
  formatPoktEstimate,
  pricePerComputeUnitUpokt,
  startingFundsUpokt,
  supplierRewardShare,
} from "../../../shared/economics.js";

const POKT = 1_000_000n;
const MAINNET_SHARE = supplierRewardShare({ mintRatio: 0.975, mintEqualsBurnSupplier: 0.79, globalInflationPerClaim: 0.000001, mintAllocationSupplier: 0.8 });

test("mainnet: 0.14599 upokt per compute unit, 77 % of a claim to the supplier, 64,000 POKT to start", () => {
  assert.equal(pricePerComputeUnitUpokt(145_990n, 1_000_000n), 0.14599);
  assert.equal(pricePerComputeUnitUpokt("33482", "1000000"), 0.033482);
  assert.equal(pricePerComputeUnitUpokt(1n, 0n), 0, "no division by a zero granularity");
  assert.ok(Math.abs(MAINNET_SHARE - 0.7702508) < 1e-12);
  assert.equal(startingFundsUpokt(59_500n * POKT, 3_500n * POKT), 64_000n * POKT);
});

test("POKT per hour from the measured speed, the service's compute units, CUTTM, the supplier's share and the fees", () => {
  const estimate = estimateEarnings({
    tokensPerSecond: 50,
    tokensPerRelay: 250,
    computeUnitsPerRelay: 100,
    computeUnitsToTokensMultiplier: "145990",
    computeUnitCostGranularity: "1000000",
    supplierShare: MAINNET_SHARE,
    feesPerSessionUpokt: "3",
    numBlocksPerSession: 20,
    blockTimeMs: 60_000,
  });
  // 50 tokens/s × 3600 s / 250 tokens = 720 relays an hour; each worth 100 × 0.14599 = 14.599 upokt.
  assert.equal(estimate.relaysPerHour, 720);
  assert.ok(Math.abs(estimate.relayValueUpokt - 14.599) < 1e-9);
  assert.ok(Math.abs(estimate.supplierUpoktPerRelay - 14.599 * MAINNET_SHARE) < 1e-9);
  assert.ok(Math.abs(estimate.grossUpoktPerHour! - 720 * 14.599 * MAINNET_SHARE) < 1e-6);
  // 20-minute sessions: 3 an hour, 3 upokt of claim and proof fees each.
  assert.equal(estimate.sessionsPerHour, 3);
  assert.equal(estimate.feesUpoktPerHour, 9);
  assert.ok(Math.abs(estimate.netUpoktPerHour! - (estimate.grossUpoktPerHour! - 9)) < 1e-9);
  assert.equal(formatPoktEstimate(estimate.netUpoktPerHour), "0.008087 POKT");
});

test("without a measured speed only the per-relay figures are known; the tokens-per-relay assumption has a default", () => {
  const estimate = estimateEarnings({
    tokensPerSecond: null,
    computeUnitsPerRelay: 100,
    computeUnitsToTokensMultiplier: 145_990n,
    computeUnitCostGranularity: 1_000_000n,
    supplierShare: MAINNET_SHARE,
    feesPerSessionUpokt: null,
    numBlocksPerSession: 20,
    blockTimeMs: 60_000,
  });
  assert.equal(estimate.tokensPerRelay, DEFAULT_TOKENS_PER_RELAY);
  assert.deepEqual([estimate.relaysPerHour, estimate.grossUpoktPerHour, estimate.netUpoktPerHour, estimate.feesUpoktPerHour], [null, null, null, null]);
  assert.ok(estimate.relayValueUpokt > 0);
  assert.equal(formatPoktEstimate(null), "—");
  assert.equal(formatPoktEstimate(12_345_678), "12.35 POKT");
  assert.equal(formatPoktEstimate(250_000_000), "250 POKT");
});
