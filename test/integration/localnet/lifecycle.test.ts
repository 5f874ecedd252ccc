// The whole supplier lifecycle on the embedded localnet, through the unchanged cosmjs-based client: add a
// service, stake a supplier with a revenue share, stake an application and a gateway, relay, claim, prove,
// settle — and every reward lands where the params say, to the upokt, as computed by hand below.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { msgs } from "../../../electron/core/chain/msgs.js";
import { LOCALNET_ADDRESSES } from "../../../electron/core/localnet/config.js";
import { APPLICATION_MODULE_ADDRESS } from "../../../electron/core/localnet/modules/application.js";
import { ClaimProofStatus } from "../../../electron/core/pokt/proto/proof.js";
import { RPCType } from "../../../electron/core/pokt/proto/shared.js";
import { ringAddressesForApplication, ringPublicKeysForAddresses } from "../../../electron/core/pokt/ring/index.js";
import { sessionWindows } from "../../../electron/core/pokt/session.js";
import { chatRequest } from "../../../electron/core/localnet/traffic/prompts.js";
import { sendRelay } from "../../../electron/core/localnet/traffic/relay-client.js";
import { baseRelayDifficultyTarget } from "../../../electron/core/pokt/relay.js";
import { fundedAccounts, startLocalnet, testAccount, type LocalnetHarness, type TestAccount } from "../../fixtures/localnet-harness.js";
import { TestSupplier } from "../../fixtures/localnet-test-supplier.js";

const POKT = 1_000_000n;
const SERVICE_ID = "chat-test";
const RELAYS = 5;

describe("localnet lifecycle: stake → relays → claim → proof → settlement", () => {
  let net: LocalnetHarness;
  let supplier: TestSupplier;
  let serviceOwner: TestAccount, operator: TestAccount, owner: TestAccount, holder: TestAccount, app: TestAccount, gateway: TestAccount;

  before(async () => {
    net = await startLocalnet({
      blockTimeMs: 100,
      genesis: {
        params: {
          shared: {
            numBlocksPerSession: 20n,
            claimWindowCloseOffsetBlocks: 10n,
            proofWindowCloseOffsetBlocks: 10n,
            // 1 CU = 1 upokt, so a relay of 100 CU is worth 100 upokt.
            computeUnitsToTokensMultiplier: 1_000_000n,
            computeUnitCostGranularity: 1_000_000n,
          },
          // Far fewer relays than this session's estimate: the settlement makes the service harder to mine.
          service: { targetNumRelays: 2n },
          proof: {
            proofRequirementThreshold: { denom: "upokt", amount: "1" },
            proofRequestProbability: 0,
            proofMissingPenalty: { denom: "upokt", amount: "1000000" },
            proofSubmissionFee: { denom: "upokt", amount: "1" },
          },
          tokenomics: {
            mintRatio: 0.975,
            mintEqualsBurnClaimDistribution: { dao: 0.045, proposer: 0.14, supplier: 0.79, sourceOwner: 0.025, application: 0 },
            globalInflationPerClaim: 0.1,
            mintAllocationPercentages: { dao: 0.1, proposer: 0.05, supplier: 0.7, sourceOwner: 0.15, application: 0 },
          },
        },
      },
    });
    [serviceOwner, operator, app, gateway] = await fundedAccounts(net.localnet, 100_000n * POKT, "service-owner", "operator", "app", "gateway");
    owner = await testAccount("owner");
    holder = await testAccount("rev-share-holder");
    supplier = new TestSupplier({ client: net.client, operator });
    await supplier.start();
  });

  after(async () => {
    await supplier?.stop();
    await net?.close();
  });

  test("a session's relays settle into exactly the hand-computed rewards", async () => {
    const { client, localnet } = net;
    await client.signAndBroadcast(serviceOwner.wallet, serviceOwner.address, [
      msgs.addService({
        ownerAddress: serviceOwner.address,
        service: { id: SERVICE_ID, name: "Chat test", computeUnitsPerRelay: 100n, ownerAddress: serviceOwner.address },
      }),
    ]);
    const staked = await client.signAndBroadcast(operator.wallet, operator.address, [
      msgs.stakeSupplier({
        signer: operator.address,
        ownerAddress: owner.address,
        operatorAddress: operator.address,
        stake: { denom: "upokt", amount: (100n * POKT).toString() },
        services: [
          {
            serviceId: SERVICE_ID,
            endpoints: [{ url: supplier.url, rpcType: RPCType.REST, configs: [] }],
            revShare: [
              { address: owner.address, revSharePercentage: 60n },
              { address: holder.address, revSharePercentage: 40n },
            ],
          },
        ],
      }),
    ]);
    await client.signAndBroadcast(gateway.wallet, gateway.address, [
      msgs.stakeGateway({ address: gateway.address, stake: { denom: "upokt", amount: (10n * POKT).toString() } }),
    ]);
    await client.signAndBroadcast(app.wallet, app.address, [
      msgs.stakeApplication({ address: app.address, stake: { denom: "upokt", amount: (10_000n * POKT).toString() }, services: [{ serviceId: SERVICE_ID }] }),
    ]);
    await client.signAndBroadcast(app.wallet, app.address, [msgs.delegateToGateway({ appAddress: app.address, gatewayAddress: gateway.address })]);

    // The supplier serves from the session after the one it staked in.
    const onChainSupplier = (await client.pocket.supplier(operator.address))!;
    const activation = onChainSupplier.serviceConfigHistory[0].activationHeight;
    assert.ok(activation > BigInt(staked.height), "service configs take effect at the next session start");
    await localnet.waitForHeight(activation);
    localnet.pauseBlocks();
    const session = await client.pocket.session(app.address, SERVICE_ID);
    const header = session.header!;
    assert.deepEqual(session.suppliers.map((s) => s.operatorAddress), [operator.address]);

    const application = (await client.pocket.application(app.address))!;
    const ringAddresses = ringAddressesForApplication(
      { address: app.address, delegateeGatewayAddresses: application.delegateeGatewayAddresses, pendingUndelegations: [] },
      header.sessionEndBlockHeight,
    );
    const ring = ringPublicKeysForAddresses(ringAddresses, new Map([[app.address, app.publicKey], [gateway.address, gateway.publicKey]]));
    const target = { header, supplierOperatorAddress: operator.address, endpointUrl: supplier.url, rpcType: RPCType.REST, supplierPublicKey: operator.publicKey };
    for (let i = 0; i < RELAYS; i++) {
      const body = new TextEncoder().encode(JSON.stringify(chatRequest(i, "test-model")));
      const outcome = await sendRelay(target, { gatewayPrivateKey: gateway.privateKey, ringPublicKeys: ring }, "/v1/chat/completions", body, 10_000);
      assert.equal(outcome.ok, true, outcome.ok ? "" : `${outcome.reason}: ${outcome.detail}`);
    }
    const tree = supplier.sessions.get(header.sessionId)!;
    assert.equal(tree.relays, RELAYS);
    assert.equal(tree.tree.sum(), 500n);

    const watched = [owner.address, holder.address, serviceOwner.address, LOCALNET_ADDRESSES.dao, LOCALNET_ADDRESSES.proposer];
    const before = await Promise.all(watched.map((address) => client.balance(address)));
    const appStakeBefore = BigInt(application.stake!.amount);
    const applicationModuleBefore = await client.balance(APPLICATION_MODULE_ADDRESS);
    localnet.resumeBlocks();

    const windows = sessionWindows(await client.pocket.sharedParamsAtHeight(header.sessionEndBlockHeight), header.sessionEndBlockHeight);
    await localnet.waitForHeight(windows.claimWindowOpenHeight);
    const claimTx = await supplier.claim(header.sessionId);
    assert.ok(BigInt(claimTx.height) <= windows.claimWindowCloseHeight);
    const claim = (await client.pocket.claim(header.sessionId, operator.address))!;
    assert.equal(claim.proofValidationStatus, ClaimProofStatus.PENDING_VALIDATION);
    assert.deepEqual([...claim.rootHash], [...tree.tree.root()]);
    assert.equal((await client.pocket.claims({ supplierOperatorAddress: operator.address })).length, 1);

    await localnet.waitForHeight(windows.proofWindowOpenHeight);
    const proofTx = await supplier.submitProof(header.sessionId);
    assert.ok(BigInt(proofTx.height) < windows.proofWindowCloseHeight, "the test needs the proof settled after its own block");
    assert.equal((await client.pocket.claim(header.sessionId, operator.address))!.proofValidationStatus, ClaimProofStatus.VALIDATED);
    assert.equal((await client.pocket.proofs({ sessionId: header.sessionId })).length, 1);

    await localnet.waitForHeight(windows.settlementHeight);
    const events = await client.settlementEvents(Number(windows.settlementHeight));
    const settled = events.find((e) => e.type === "pocket.tokenomics.EventClaimSettled");
    assert.ok(settled, `settlement events: ${events.map((e) => e.type).join(", ")}`);
    assert.equal(JSON.parse(settled.attributes.proof_requirement), "THRESHOLD");
    assert.equal(JSON.parse(settled.attributes.num_relays), String(RELAYS));
    assert.equal(JSON.parse(settled.attributes.claimed_upokt), "500upokt");
    assert.equal(events.some((e) => e.type === "pocket.tokenomics.EventClaimExpired"), false);

    // By hand. Claimed: 5 relays × 100 CU × 1 upokt/CU = 500 upokt (easiest difficulty: multiplier 1).
    // Burn 500 from the app; mint floor(500 × 0.975) = 487, split:
    //   supplier floor(487 × 0.79) = 384 → owner floor(384 × 60%) = 230 + remainder 1 = 231, holder floor(384 × 40%) = 153
    //   proposer floor(487 × 0.14) = 68, source owner floor(487 × 0.025) = 12, DAO 487 − 384 − 68 − 12 = 23
    // Global mint ceil(500 × 0.1) = 50, split: supplier 35 (owner 21, holder 14), proposer floor(2.5) = 2,
    //   source owner floor(7.5) = 7, DAO 50 − 35 − 2 − 7 = 6; the app reimburses those 50 to the DAO.
    const expectedGain = [231n + 21n, 153n + 14n, 12n + 7n, 23n + 6n + 50n, 68n + 2n];
    const after = await Promise.all(watched.map((address) => client.balance(address)));
    assert.deepEqual(after.map((value, i) => value - before[i]), expectedGain);
    const appStakeAfter = BigInt((await client.pocket.application(app.address))!.stake!.amount);
    assert.equal(appStakeBefore - appStakeAfter, 500n + 50n);
    assert.equal(applicationModuleBefore - (await client.balance(APPLICATION_MODULE_ADDRESS)), 550n);

    // Difficulty: EMA of estimated relays = 5 (first settlement), target = (2^256 − 1) × 2 / 5, from the next block.
    const updated = events.find((e) => e.type === "pocket.service.EventRelayMiningDifficultyUpdated")!;
    assert.equal(JSON.parse(updated.attributes.new_num_relays_ema), "5");
    const expectedTarget = (((1n << 256n) - 1n) * 2n) / 5n;
    assert.equal(JSON.parse(updated.attributes.new_target_hash_hex), expectedTarget.toString(16).padStart(64, "0"));
    const duringSettlement = await client.pocket.relayMiningDifficultyAtHeight(SERVICE_ID, windows.settlementHeight);
    assert.deepEqual([...duringSettlement.targetHash], [...baseRelayDifficultyTarget()], "sessions already running keep their target");
    const afterTarget = await client.pocket.relayMiningDifficultyAtHeight(SERVICE_ID, windows.settlementHeight + 1n);
    assert.equal(Buffer.from(afterTarget.targetHash).toString("hex"), expectedTarget.toString(16).padStart(64, "0"));
    assert.equal((await client.pocket.relayMiningDifficulty(SERVICE_ID)).numRelaysEma, 5n);

    assert.equal(await client.pocket.claim(header.sessionId, operator.address), undefined, "settled claims are removed");
    assert.equal(await client.pocket.proof(header.sessionId, operator.address), undefined);
  });
});
