// Reward arithmetic (docs/protocol.md §6.4, §8.3, §9). Expected figures were computed independently with
// Python's fractions module; the float-trap cases would come out differently in binary floating point.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { hexToBytes } from "@noble/hashes/utils.js";
import { Params as SharedParams } from "../../../electron/core/pokt/proto/shared.js";
import {
  MintAllocationPercentages,
  MintEqualsBurnClaimDistribution,
} from "../../../electron/core/pokt/proto/tokenomics.js";
import {
  appStakePerSessionSupplier,
  claimedUpokt,
  decimalRational,
  estimatedComputeUnits,
  estimatedRelays,
  globalMintSettlement,
  mintEqualsBurnSettlement,
  relayCostUpokt,
  relayDifficultyMultiplier,
  relayDifficultyProbability,
  revenueShareAmounts,
} from "../../../electron/core/pokt/rewards.js";

const target = (prefix: string) => hexToBytes(prefix + "ff".repeat(32 - prefix.length / 2));
const MAX = (1n << 256n) - 1n;
const mainnetPricing = { computeUnitsToTokensMultiplier: 145_990n, computeUnitCostGranularity: 1_000_000n };
const defaultPricing = { computeUnitsToTokensMultiplier: 42_000_000n, computeUnitCostGranularity: 1_000_000n };

describe("difficulty multiplier (§15.1 relay_difficulty_test vectors)", () => {
  const floorOf = ({ numerator, denominator }: { numerator: bigint; denominator: bigint }) => numerator / denominator;

  test("ff…ff → 1, 7f…ff → 2, 3f…ff → 4, 00…01 → 2^256−1", () => {
    assert.deepEqual(relayDifficultyMultiplier(target("")), { numerator: MAX, denominator: MAX });
    assert.equal(floorOf(relayDifficultyMultiplier(target("7f"))), 2n);
    assert.equal(floorOf(relayDifficultyMultiplier(target("3f"))), 4n);
    const one = hexToBytes("00".repeat(31) + "01");
    assert.deepEqual(relayDifficultyMultiplier(one), { numerator: MAX, denominator: 1n });
    assert.equal(MAX, 115792089237316195423570985008687907853269984665640564039457584007913129639935n);
  });

  test("probability is the inverse fraction", () => {
    assert.deepEqual(relayDifficultyProbability(target("7f")), { numerator: (1n << 255n) - 1n, denominator: MAX });
  });

  test("a zero target is refused rather than dividing by zero", () => {
    assert.throws(() => relayDifficultyMultiplier(new Uint8Array(32)), RangeError);
    assert.throws(() => claimedUpokt(1n, new Uint8Array(32), mainnetPricing), RangeError);
  });
});

describe("claim value", () => {
  const oddTarget = hexToBytes("0123456789abcdef".repeat(4));

  test("estimated compute units scale the claimed sum by the multiplier, floored", () => {
    assert.equal(estimatedComputeUnits(100n, target("")), 100n);
    assert.equal(estimatedComputeUnits(100n, target("7f")), 200n);
    assert.equal(estimatedComputeUnits(777n, oddTarget), 174_825n);
  });

  test("claimed uPOKT = floor(sum × multiplier × CUTTM / granularity), one division at the end", () => {
    assert.equal(claimedUpokt(1000n, target(""), mainnetPricing), 145n); // 145.99
    assert.equal(claimedUpokt(1000n, target("7f"), mainnetPricing), 291n); // 291.98…
    assert.equal(claimedUpokt(777n, oddTarget, defaultPricing), 7_342_650n);
    assert.equal(claimedUpokt(0n, oddTarget, defaultPricing), 0n);
  });

  test("estimated relays divide estimated compute units by the compute units per relay", () => {
    assert.equal(estimatedRelays(10n, 1000n, target("7f")), 20n);
    assert.equal(estimatedRelays(0n, 0n, target("7f")), 0n);
  });

  test("one relay costs floor(cupr × CUTTM / granularity)", () => {
    assert.equal(relayCostUpokt(100n, defaultPricing), 4200n);
    assert.equal(relayCostUpokt(1n, mainnetPricing), 0n);
    assert.equal(relayCostUpokt(7n, mainnetPricing), 1n); // 1.02193
  });
});

describe("per-session application budget", () => {
  test("stake / suppliers / (pending sessions + 1), floored at each step", () => {
    const mainnet = SharedParams.fromPartial({
      numBlocksPerSession: 20n,
      claimWindowOpenOffsetBlocks: 11n,
      claimWindowCloseOffsetBlocks: 10n,
      proofWindowOpenOffsetBlocks: 1n,
      proofWindowCloseOffsetBlocks: 10n,
    });
    // 1000 POKT, 50 suppliers, ceil(32/20) + 1 = 3 sessions.
    assert.equal(appStakePerSessionSupplier(1_000_000_000n, mainnet, 50n), 6_666_666n);
    assert.equal(appStakePerSessionSupplier(149n, mainnet, 50n), 0n);
  });
});

describe("decimal form of float params", () => {
  test("uses the shortest decimal, as Go's FormatFloat(f, 'f', -1)", () => {
    assert.deepEqual(decimalRational(0.975), { numerator: 975n, denominator: 1000n });
    assert.deepEqual(decimalRational(0.000001), { numerator: 1n, denominator: 1_000_000n });
    assert.deepEqual(decimalRational(1e-7), { numerator: 1n, denominator: 10_000_000n });
    assert.deepEqual(decimalRational(1), { numerator: 1n, denominator: 1n });
    assert.deepEqual(decimalRational(1.5e21), { numerator: 1_500_000_000_000_000_000_000n, denominator: 1n });
    assert.deepEqual(decimalRational(-0.25), { numerator: -25n, denominator: 100n });
    assert.throws(() => decimalRational(Number.NaN), RangeError);
    assert.throws(() => decimalRational(Number.POSITIVE_INFINITY), RangeError);
  });
});

describe("settlement", () => {
  const mainnetDistribution = MintEqualsBurnClaimDistribution.fromPartial({
    dao: 0.045,
    proposer: 0.14,
    supplier: 0.79,
    sourceOwner: 0.025,
    application: 0,
  });

  test("mint = floor(burn × 0.975) with the decimal ratio (binary 0.975 would give 974 for 1000)", () => {
    const settlement = mintEqualsBurnSettlement(1000n, { mintRatio: 0.975, mintEqualsBurnClaimDistribution: mainnetDistribution });
    assert.deepEqual(settlement, {
      burned: 1000n,
      minted: 975n,
      supplier: 770n,
      proposer: 136n,
      sourceOwner: 24n,
      application: 0n,
      dao: 45n,
    });
  });

  test("the DAO receives what the floored shares leave over", () => {
    const settlement = mintEqualsBurnSettlement(333n, { mintRatio: 0.975, mintEqualsBurnClaimDistribution: mainnetDistribution });
    assert.deepEqual(
      [settlement.minted, settlement.supplier, settlement.proposer, settlement.sourceOwner, settlement.dao],
      [324n, 255n, 45n, 8n, 16n],
    );
  });

  test("global mint is the ceiling of settlement × inflation, split the same way", () => {
    const allocation = MintAllocationPercentages.fromPartial({ dao: 0.1, proposer: 0, supplier: 0.8, sourceOwner: 0.1 });
    const small = globalMintSettlement(1_500_000n, { globalInflationPerClaim: 0.000001, mintAllocationPercentages: allocation });
    assert.deepEqual(small, { minted: 2n, supplier: 1n, proposer: 0n, sourceOwner: 0n, application: 0n, dao: 1n });
    const exact = globalMintSettlement(1_000_000n, { globalInflationPerClaim: 0.000001, mintAllocationPercentages: allocation });
    assert.equal(exact.minted, 1n);
    const off = globalMintSettlement(1_000_000n, { globalInflationPerClaim: 0, mintAllocationPercentages: allocation });
    assert.equal(off.minted, 0n);
  });

  test("rev share: floor(amount × pct / 100) each, the remainder to the first entry", () => {
    const shares = [
      { address: "pokt1a", revSharePercentage: 50n },
      { address: "pokt1b", revSharePercentage: 30n },
      { address: "pokt1c", revSharePercentage: 20n },
    ];
    assert.deepEqual(
      revenueShareAmounts(101n, shares),
      new Map([
        ["pokt1a", 51n],
        ["pokt1b", 30n],
        ["pokt1c", 20n],
      ]),
    );
  });

  test("a rev-share list the chain refuses yields undefined (the owner is paid instead)", () => {
    assert.equal(revenueShareAmounts(10n, []), undefined);
    assert.equal(revenueShareAmounts(10n, [{ address: "pokt1a", revSharePercentage: 99n }]), undefined);
    assert.equal(
      revenueShareAmounts(10n, [
        { address: "pokt1a", revSharePercentage: 50n },
        { address: "pokt1a", revSharePercentage: 50n },
      ]),
      undefined,
    );
  });
});
