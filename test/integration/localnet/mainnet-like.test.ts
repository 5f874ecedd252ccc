// The localnet's default profile mirrors mainnet (../shared/mainnet.md) except block time: the chain answers every
// params query with mainnet's values, lists its services (ai-inference with its card) like x/service does, enforces
// the 59,500 POKT minimum, and refuses a malformed supplier address as malformed. The "fast" profile keeps tests quick.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ChainTxError } from "../../../electron/core/chain/errors.js";
import { msgs } from "../../../electron/core/chain/msgs.js";
import { GENESIS_SERVICE_ID, defaultLocalnetGenesis } from "../../../electron/core/localnet/config.js";
import { RPCType } from "../../../electron/core/pokt/proto/shared.js";
import { parseServiceCard, isByomService } from "../../../shared/services.js";
import { fundedAccounts, startLocalnet, type LocalnetHarness } from "../../fixtures/localnet-harness.js";

const POKT = 1_000_000n;

describe("a mainnet-like localnet", () => {
  let net: LocalnetHarness;
  before(async () => {
    net = await startLocalnet({ blockTimeMs: 50, genesis: { profile: "mainnet-like" } });
  });
  after(async () => {
    await net?.close();
  });

  test("answers the params queries with mainnet's values", async () => {
    const { pocket } = net.client;
    const [shared, session, supplier, application, gateway, service, proof, tokenomics] = await Promise.all([
      pocket.sharedParams(),
      pocket.sessionParams(),
      pocket.supplierParams(),
      pocket.applicationParams(),
      pocket.gatewayParams(),
      pocket.serviceParams(),
      pocket.proofParams(),
      pocket.tokenomicsParams(),
    ]);
    assert.deepEqual(
      [
        shared.numBlocksPerSession,
        shared.gracePeriodEndOffsetBlocks,
        shared.claimWindowOpenOffsetBlocks,
        shared.claimWindowCloseOffsetBlocks,
        shared.proofWindowOpenOffsetBlocks,
        shared.proofWindowCloseOffsetBlocks,
        shared.supplierUnbondingPeriodSessions,
        shared.applicationUnbondingPeriodSessions,
        shared.gatewayUnbondingPeriodSessions,
        shared.computeUnitsToTokensMultiplier,
        shared.computeUnitCostGranularity,
      ],
      [20n, 10n, 11n, 10n, 1n, 10n, 1429n, 3n, 3n, 145_990n, 1_000_000n],
    );
    assert.equal(session.numSuppliersPerSession, 50n);
    assert.deepEqual([supplier.minStake?.amount, supplier.stakingFee?.amount], [(59_500n * POKT).toString(), "1"]);
    assert.deepEqual([application.minStake?.amount, application.maxDelegatedGateways], [(1_000n * POKT).toString(), 7n]);
    assert.equal(gateway.minStake?.amount, (5_000n * POKT).toString());
    assert.deepEqual([service.addServiceFee?.amount, service.targetNumRelays], [(3_500n * POKT).toString(), 100_000n]);
    assert.deepEqual(
      [proof.proofRequestProbability, proof.proofRequirementThreshold?.amount, proof.proofMissingPenalty?.amount, proof.proofSubmissionFee?.amount],
      [0.01, "100", "1", "1"],
    );
    assert.equal(tokenomics.mintRatio, 0.975);
    assert.equal(tokenomics.globalInflationPerClaim, 0.000001);
    assert.deepEqual(tokenomics.mintEqualsBurnClaimDistribution, { dao: 0.045, proposer: 0.14, supplier: 0.79, sourceOwner: 0.025, application: 0 });
    assert.deepEqual(tokenomics.mintAllocationPercentages, { dao: 0.1, proposer: 0, supplier: 0.8, sourceOwner: 0.1, application: 0 });
  });

  test("lists its services like x/service: ai-inference with its BYOM card (GET /v1/models health check)", async () => {
    const services = await net.client.pocket.allServices();
    assert.deepEqual(services.map((s) => [s.id, s.computeUnitsPerRelay]), [[GENESIS_SERVICE_ID, 100n]]);
    const card = parseServiceCard(services[0]!.metadata?.card);
    assert.ok(card, "the genesis service carries a card");
    assert.deepEqual(card.apis, ["openai-chat-completions"]);
    assert.equal(card.results, "variable");
    assert.equal(card.healthcheckPath, "/v1/models");
    assert.ok(isByomService(services[0]!.id, card));
    assert.deepEqual((await net.client.pocket.service(GENESIS_SERVICE_ID))?.metadata?.card, services[0]!.metadata?.card);
  });

  test("refuses a supplier stake below 59,500 POKT, and accepts the minimum", async () => {
    const [operator] = await fundedAccounts(net.localnet, 60_000n * POKT, "mainnet-like-operator");
    const stake = (amount: bigint) =>
      net.client.signAndBroadcast(operator.wallet, operator.address, [
        msgs.stakeSupplier({
          signer: operator.address,
          ownerAddress: operator.address,
          operatorAddress: operator.address,
          stake: { denom: "upokt", amount: amount.toString() },
          services: [{ serviceId: GENESIS_SERVICE_ID, endpoints: [{ url: "http://127.0.0.1:9/", rpcType: RPCType.REST, configs: [] }], revShare: [{ address: operator.address, revSharePercentage: 100n }] }],
        }),
      ]);
    await assert.rejects(stake(59_499n * POKT), (error: unknown) => error instanceof ChainTxError && error.reason === "stake_invalid" && /below the minimum stake 59500000000upokt/.test(error.message));
    await stake(59_500n * POKT);
    assert.equal((await net.client.pocket.supplier(operator.address))?.stake?.amount, (59_500n * POKT).toString());
  });

  test("a malformed supplier address is refused as malformed, not as an unknown supplier", async () => {
    await assert.rejects(net.client.pocket.supplier("pokt1notanaddress"), /invalid supplier operator address pokt1notanaddress/);
    assert.equal(await net.client.pocket.supplier((await fundedAccounts(net.localnet, 1n, "never-staked"))[0]!.address), undefined);
    const [signer] = await fundedAccounts(net.localnet, 10n * POKT, "malformed-unstaker");
    await assert.rejects(
      net.client.signAndBroadcast(signer.wallet, signer.address, [msgs.unstakeSupplier({ signer: signer.address, operatorAddress: "pokt1notanaddress" })]),
      (error: unknown) => error instanceof ChainTxError && error.reason === "address_invalid" && /invalid operator address "pokt1notanaddress"/.test(error.message),
    );
  });
});

test("the fast profile keeps short windows and tiny stakes for tests", () => {
  const { params } = defaultLocalnetGenesis("fast");
  assert.equal(params.shared.numBlocksPerSession, 10n);
  assert.equal(params.shared.gracePeriodEndOffsetBlocks, 1n);
  assert.equal(params.supplier.minStake?.amount, POKT.toString());
  assert.equal(params.service.addServiceFee?.amount, POKT.toString());
  // Everything else that decides how a reward splits is mainnet's.
  assert.deepEqual(params.tokenomics, defaultLocalnetGenesis("mainnet-like").params.tokenomics);
  assert.deepEqual(defaultLocalnetGenesis().params, defaultLocalnetGenesis("mainnet-like").params, "mainnet-like is the default");
});
