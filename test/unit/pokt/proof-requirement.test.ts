// Proof requirement (docs/protocol.md §8.3): exact claimed-upokt arithmetic, the threshold rule, and the
// seeded probabilistic draw on the §15.4 example claim.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { sharedAssetsDir } from "../../fixtures/paths.js";
import {
  claimedComputeUnits,
  claimedUpokt,
  proofRequirement,
  proofRequirementSampleValue,
  type ClaimPricing,
  type ProofRequirementInput,
} from "../../../electron/core/pokt/proof-requirement.js";
import { traceSeededFloat64 } from "../../../electron/core/pokt/seeded-random.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "hex"));
const MAX_256 = (1n << 256n) - 1n;

/** The `name = value` lines of the end-to-end example (docs/protocol.md §14.4; the last `=` separates derived values). */
function example154(): Record<string, string> {
  const protocol = readFileSync(join(sharedAssetsDir, "protocol.md"), "utf8");
  const open = protocol.indexOf("```", protocol.indexOf("### 15.4"));
  const block = protocol.slice(open + 3, protocol.indexOf("```", open + 3));
  const fields: Record<string, string> = {};
  for (const line of block.split("\n")) {
    const first = line.indexOf(" = ");
    if (first > 0) fields[line.slice(0, first).trim()] = line.slice(line.lastIndexOf(" = ") + 3).trim();
  }
  return fields;
}

function target(value: bigint): Uint8Array {
  return unhex(value.toString(16).padStart(64, "0"));
}

const easiest: ClaimPricing = {
  relayDifficultyTargetHash: target(MAX_256),
  computeUnitsToTokensMultiplier: 42n,
  computeUnitCostGranularity: 1n,
};

describe("claimedUpokt", () => {
  test("with the easiest target it is units × CUTTM / granularity, floored", () => {
    assert.equal(claimedUpokt(100n, easiest), 4200n);
    assert.equal(claimedUpokt(7n, { ...easiest, computeUnitsToTokensMultiplier: 3n, computeUnitCostGranularity: 2n }), 10n);
    assert.equal(claimedUpokt(0n, easiest), 0n);
  });

  test("difficulty scales by (2^256 − 1)/target with one final floor", () => {
    const unit = { computeUnitsToTokensMultiplier: 1n, computeUnitCostGranularity: 1n };
    // (2^256 − 1)/(2^255 − 1) is a hair above 2.
    assert.equal(claimedUpokt(1000n, { ...unit, relayDifficultyTargetHash: target((1n << 255n) - 1n) }), 2000n);
    assert.equal(claimedUpokt(1n, { ...unit, relayDifficultyTargetHash: target(1n) }), MAX_256);
    // 2^256 − 1 is divisible by 3; dividing by 21 is not exact and must floor once, not per factor.
    assert.equal(claimedUpokt(1n, { ...unit, relayDifficultyTargetHash: target(3n) }), MAX_256 / 3n);
    assert.equal(
      claimedUpokt(5n, { relayDifficultyTargetHash: target(3n), computeUnitsToTokensMultiplier: 1n, computeUnitCostGranularity: 7n }),
      (5n * MAX_256) / 21n,
    );
  });

  test("refuses inputs the chain would choke on", () => {
    assert.throws(() => claimedUpokt(1n, { ...easiest, relayDifficultyTargetHash: target(0n) }), RangeError);
    assert.throws(() => claimedUpokt(1n, { ...easiest, relayDifficultyTargetHash: new Uint8Array(31).fill(0xff) }), RangeError);
    assert.throws(() => claimedUpokt(1n, { ...easiest, computeUnitCostGranularity: 0n }), RangeError);
  });

  test("the claim's compute units are its root's sum", () => {
    const root = unhex("13ca8d563786d35043df536bdeec3abf35553c332ce5e6f94a5219fdeb891f9f00000000000000640000000000000001");
    assert.equal(claimedComputeUnits(root), 100n);
    assert.throws(() => claimedComputeUnits(root.subarray(0, 47)), RangeError);
  });
});

describe("proofRequirement on the §15.4 example claim", () => {
  const example = example154();
  const claimBytes = unhex(example["Claim proto"]);
  const seedBlockHash = unhex(example["proof seed block hash (synthetic)"]);
  const root = unhex(example["SMST root (1 relay, weight 100)"]);
  const sample = Number(example["proof requirement sample value"]);
  const input = (threshold: bigint, probability: number): ProofRequirementInput => ({
    claimRootHash: root,
    claimBytes,
    proofRequirementSeedBlockHash: seedBlockHash,
    pricing: easiest,
    params: { proofRequirementThresholdUpokt: threshold, proofRequestProbability: probability },
  });

  test("the seed and sample match the spec", () => {
    assert.equal(hex(sha256(claimBytes)), example["claim hash"]);
    const trace = traceSeededFloat64(sha256(claimBytes), seedBlockHash);
    assert.equal(trace.seed, BigInt(example["math/rand seed (int64)"]));
    assert.equal(proofRequirementSampleValue(claimBytes, seedBlockHash), sample);
    assert.equal(sample, 0.0675914483310503);
  });

  test("a claim worth at least the threshold always needs a proof, without sampling", () => {
    // 100 compute units × 42 = 4200 upokt.
    assert.deepEqual(proofRequirement(input(4200n, 0)), { required: true, reason: "THRESHOLD", claimedUpokt: 4200n });
    assert.equal(proofRequirement(input(100n, 0)).reason, "THRESHOLD");
  });

  test("below the threshold the seeded sample decides (sample ≤ probability)", () => {
    const below = 4201n;
    assert.deepEqual(proofRequirement(input(below, 0.25)), {
      required: true,
      reason: "PROBABILISTIC",
      claimedUpokt: 4200n,
      sampleValue: sample,
    });
    assert.equal(proofRequirement(input(below, sample)).reason, "PROBABILISTIC", "equality requires a proof");
    const notRequired = proofRequirement(input(below, 0.05));
    assert.equal(notRequired.required, false);
    assert.equal(notRequired.reason, "NOT_REQUIRED");
    assert.equal(proofRequirement(input(below, 0)).required, false);
  });

  test("a different seed block gives a different draw", () => {
    const other = proofRequirementSampleValue(claimBytes, sha256(new TextEncoder().encode("block-143")));
    assert.notEqual(other, sample);
    assert.ok(other >= 0 && other < 1);
  });
});
