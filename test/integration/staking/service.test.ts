import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MinerMetrics, MinerStatus } from "../../../shared/api/index.js";
import type { TxProgress } from "../../../shared/api/staking.js";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import { StakingService } from "../../../electron/core/staking/staking-service.js";
import { fundedAccounts, startLocalnet, testAccount, type LocalnetHarness, type TestAccount } from "../../fixtures/localnet-harness.js";

const POKT = 1_000_000n;
let net: LocalnetHarness;
let operator: TestAccount;
let service: StakingService;
const progress: TxProgress[] = [];
const served: string[] = [];

before(async () => {
  net = await startLocalnet({ blockTimeMs: 100 });
  [operator] = await fundedAccounts(net.localnet, 100n * POKT, "staking-operator");
  const miner = {
    status: () => ({ state: "stopped", services: [] }) as unknown as MinerStatus,
    metricsSnapshot: () => ({ relaysTotal: 0, errorsByCode: [] }) as unknown as MinerMetrics,
    startMining: async () => miner.status(),
    stopMining: async () => miner.status(),
  };
  service = new StakingService({
    dataDir: mkdtempSync(join(tmpdir(), "pf-staking-")),
    chain: { client: net.client, networkName: "localnet" },
    wallet: {
      operatorAddress: operator.address,
      owner: () => ({ address: operator.address, custody: "operator" }),
      directSigner: () => operator.wallet,
    },
    miner,
    serveService: (id) => served.push(id),
    listenUrl: () => "http://127.0.0.1:8642",
    emit: (p) => progress.push(p),
    logger: silentLogger,
  });
});

after(async () => {
  await net?.close();
});

test("the chain's staking rules come from its params", async () => {
  const params = await service.params();
  assert.equal(params.minStakeUpokt, String(1n * POKT));
  assert.equal(params.stakingFeeUpokt, "1");
  assert.equal(params.addServiceFeeUpokt, String(1n * POKT));
  assert.equal(params.numBlocksPerSession, 10);
  assert.equal(params.network, "localnet");
  assert.ok(BigInt(params.feesPerSessionUpokt ?? "0") > 0n, "a claim and a proof cost something");
  const proofSubmissionFee = BigInt((await net.client.pocket.proofParams()).proofSubmissionFee?.amount ?? "0");
  assert.ok(BigInt(params.feesPerSessionUpokt!) > proofSubmissionFee, "the claim's and the proof's transaction fees are counted, not only the submission fee");
  // The economics the wizard and the dashboard show, from the same params (this localnet runs the fast profile).
  assert.deepEqual([params.computeUnitsToTokensMultiplier, params.computeUnitCostGranularity], ["42000000", "1000000"]);
  assert.deepEqual([params.proofRequirementThresholdUpokt, params.proofRequestProbability, params.proofSubmissionFeeUpokt, params.proofMissingPenaltyUpokt], ["100", 0.25, "1", String(1n * POKT)]);
  assert.equal(params.numSuppliersPerSession, 15);
  assert.equal(params.unbondingPeriodSessions, 1);
  // mint ratio 0.975 × supplier share 0.79 + inflation 0.000001 × 0.8
  assert.ok(Math.abs(params.supplierRewardShare - (0.975 * 0.79 + 0.000001 * 0.8)) < 1e-12);
  assert.equal(params.startingFundsUpokt, String(1n * POKT + 1n * POKT + 1_000n * POKT));
});

test("the network's services come from x/service with their card: ai-inference first, BYOM", async () => {
  const services = await service.services();
  const ai = services.find((s) => s.serviceId === "ai-inference");
  assert.ok(ai);
  assert.equal(services[0]!.serviceId, "ai-inference");
  assert.deepEqual([ai.name, ai.computeUnitsPerRelay, ai.byom, ai.llm], ["AI inference (OpenAI chat completions)", 100, true, true]);
  assert.deepEqual([ai.card?.apis, ai.card?.results, ai.card?.healthcheckPath], [["openai-chat-completions"], "variable", "/v1/models"]);
  assert.match(ai.card!.description!, /OpenAI-compatible chat completions/);
  assert.deepEqual(await service.service("ai-inference"), ai);
});

test("a missing service reads as null; registering it makes it exist with this owner", async () => {
  assert.equal(await service.service("pf-staking-test"), null);
  const before = await net.client.balance(operator.address);
  const tx = await service.addService({ serviceId: "pf-staking-test", name: "Staking test", computeUnitsPerRelay: 7 });
  assert.ok(tx.height > 0);
  const registered = { serviceId: "pf-staking-test", name: "Staking test", computeUnitsPerRelay: 7, ownerAddress: operator.address, card: null, byom: false, llm: false };
  assert.deepEqual(await service.service("pf-staking-test"), registered);
  assert.deepEqual((await service.services()).map((s) => s.serviceId), ["ai-inference", "pf-staking-test"]);
  // The fee reported covers the add-service fee and the gas: exactly what left the owner's balance.
  assert.ok(BigInt(tx.feeUpokt) > 1n * POKT);
  assert.equal(before - (await net.client.balance(operator.address)), BigInt(tx.feeUpokt));
});

test("a stake is estimated, then made: the supplier exists, the relay miner serves it, and progress was reported", async () => {
  const request = { stakeUpokt: String(5n * POKT), serviceId: "pf-staking-test", endpointUrl: "http://127.0.0.1:8642" };
  const estimate = await service.estimateStake(request);
  assert.equal(estimate.signerAddress, operator.address);
  assert.equal(estimate.amountUpokt, String(5n * POKT));
  assert.equal(estimate.enough, true);
  assert.ok(BigInt(estimate.feeUpokt) >= 1n, "at least the staking fee");
  const balanceBefore = await net.client.balance(operator.address);
  progress.length = 0;
  const tx = await service.stake(request);
  assert.deepEqual(progress.map((p) => p.stage), ["signing", "broadcasting", "included"]);
  assert.equal(progress.at(-1)?.txHash, tx.txHash);
  const supplier = await service.supplier();
  assert.equal(supplier?.stakeUpokt, String(5n * POKT));
  assert.deepEqual(supplier?.services, [{ serviceId: "pf-staking-test", endpoints: [{ url: "http://127.0.0.1:8642", rpcType: "REST" }], revShare: [{ address: operator.address, percent: 100 }] }]);
  assert.equal(supplier?.unbondingEndHeight, null);
  assert.deepEqual(served, ["pf-staking-test"]);
  assert.equal(service.endpoint().publicUrl, "http://127.0.0.1:8642");
  assert.equal(balanceBefore - (await net.client.balance(operator.address)), 5n * POKT + BigInt(tx.feeUpokt));
});

test("a stake the owner cannot pay shows the shortfall instead of failing on chain", async () => {
  const estimate = await service.estimateStake({ stakeUpokt: String(10_000n * POKT), serviceId: "pf-staking-test", endpointUrl: "http://127.0.0.1:8642" });
  assert.equal(estimate.enough, false);
  assert.equal(estimate.gas, 0, "the chain cannot simulate an unaffordable stake");
  const balance = BigInt(estimate.balanceUpokt);
  assert.equal(BigInt(estimate.shortfallUpokt), BigInt(estimate.amountUpokt) + BigInt(estimate.feeUpokt) - balance);
});

test("sending POKT moves exactly the amount, and the fee comes on top", async () => {
  const recipient = await testAccount("staking-recipient");
  const estimate = await service.estimateSend({ toAddress: recipient.address, amountUpokt: "1234" });
  assert.equal(estimate.enough, true);
  const tx = await service.send({ toAddress: recipient.address, amountUpokt: "1234" });
  assert.ok(tx.height > 0);
  assert.equal(await net.client.balance(recipient.address), 1234n);
});

test("unstaking starts the unbonding countdown at the end of the current session", async () => {
  const tx = await service.unstake();
  assert.ok(tx.height > 0);
  const supplier = await service.supplier();
  const params = await service.params();
  assert.ok(supplier?.unstakeSessionEndHeight != null && supplier.unstakeSessionEndHeight >= tx.height);
  assert.equal(supplier!.unbondingEndHeight, supplier!.unstakeSessionEndHeight! + params.unbondingPeriodSessions * params.numBlocksPerSession);
  await assert.rejects(service.unstake(), /already unstaking|is unstaking/i);
});
