// Every query and Msg the app needs, through cosmjs against the localnet: the pocket query extension, the
// unchanged cosmjs StargateClient and Comet38Client (HTTP and WebSocket), session ids from real block hashes.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { toHex } from "@cosmjs/encoding";
import { StargateClient } from "@cosmjs/stargate";
import { Comet38Client, WebsocketClient } from "@cosmjs/tendermint-rpc";
import { shutDownWebsocket } from "../../../electron/core/chain/block-follower.js";
import { msgs } from "../../../electron/core/chain/msgs.js";
import { SUPPLIER_MODULE_ADDRESS } from "../../../electron/core/localnet/modules/supplier.js";
import { headerHash, parseBlockTime } from "../../../electron/core/localnet/header.js";
import { RPCType } from "../../../electron/core/pokt/proto/shared.js";
import { sessionBounds, sessionId } from "../../../electron/core/pokt/session.js";
import { baseRelayDifficultyTarget } from "../../../electron/core/pokt/relay.js";
import { fundedAccounts, startLocalnet, testAccount, type LocalnetHarness, type TestAccount } from "../../fixtures/localnet-harness.js";

const POKT = 1_000_000n;
const SERVICE = "ai-inference";

describe("localnet queries and Msgs through cosmjs", () => {
  let net: LocalnetHarness;
  let operator: TestAccount, app: TestAccount, gateway: TestAccount, owner: TestAccount;
  let stakeHeight = 0;

  before(async () => {
    net = await startLocalnet({ blockTimeMs: 100, genesis: { params: { shared: { numBlocksPerSession: 5n } } } });
    [operator, app, gateway] = await fundedAccounts(net.localnet, 1000n * POKT, "q-operator", "q-app", "q-gateway");
    owner = await testAccount("q-owner");
    const { client } = net;
    const stake = await client.signAndBroadcast(operator.wallet, operator.address, [
      msgs.stakeSupplier({
        signer: operator.address,
        ownerAddress: owner.address,
        operatorAddress: operator.address,
        stake: { denom: "upokt", amount: (50n * POKT).toString() },
        services: [
          {
            serviceId: SERVICE,
            endpoints: [{ url: "http://127.0.0.1:9/relay", rpcType: RPCType.REST, configs: [] }],
            revShare: [{ address: owner.address, revSharePercentage: 100n }],
          },
        ],
      }),
    ]);
    stakeHeight = stake.height;
    await client.signAndBroadcast(gateway.wallet, gateway.address, [
      msgs.stakeGateway({ address: gateway.address, stake: { denom: "upokt", amount: (5n * POKT).toString() } }),
    ]);
    await client.signAndBroadcast(app.wallet, app.address, [
      msgs.stakeApplication({ address: app.address, stake: { denom: "upokt", amount: (100n * POKT).toString() }, services: [{ serviceId: SERVICE }] }),
      msgs.delegateToGateway({ appAddress: app.address, gatewayAddress: gateway.address }),
    ]);
  });

  after(async () => net?.close());

  test("accounts carry number, sequence and, once they signed, their public key; balances move by fee and stake", async () => {
    const { client } = net;
    const account = (await client.account(operator.address))!;
    assert.equal(account.sequence, 1n);
    assert.deepEqual(account.publicKey, operator.publicKey);
    assert.equal(await client.account((await testAccount("never-funded")).address), undefined);
    assert.equal((await client.account(owner.address))?.publicKey, undefined, "the owner never signed");
    const balance = await client.balance(operator.address);
    assert.ok(balance < 950n * POKT && balance > 949n * POKT, `stake 50 POKT + 1 upokt staking fee + gas fee, left ${balance}`);
    assert.equal(await client.balance(SUPPLIER_MODULE_ADDRESS), 50n * POKT);
  });

  test("supplier, service, application and gateway queries return what the Msgs stored", async () => {
    const { client } = net;
    const supplier = (await client.pocket.supplier(operator.address))!;
    assert.equal(supplier.ownerAddress, owner.address);
    assert.equal(supplier.stake?.amount, (50n * POKT).toString());
    assert.equal(supplier.services[0].serviceId, SERVICE);
    assert.equal(supplier.serviceConfigHistory[0].activationHeight, sessionBounds({ numBlocksPerSession: 5n, sessionGridAnchorHeight: 1n, sessionNumberAtAnchor: 1n }, BigInt(stakeHeight)).endHeight + 1n);
    assert.deepEqual((await client.pocket.allSuppliers({ ownerAddress: owner.address })).map((s) => s.operatorAddress), [operator.address]);
    assert.equal(await client.pocket.supplier(app.address), undefined);

    const service = (await client.pocket.service(SERVICE))!;
    assert.equal(service.computeUnitsPerRelay, 100n);
    assert.ok((await client.pocket.allServices()).some((s) => s.id === SERVICE));
    assert.equal(await client.pocket.service("no-such-service"), undefined);

    const application = (await client.pocket.application(app.address))!;
    assert.deepEqual(application.serviceConfigs, [{ serviceId: SERVICE }]);
    assert.deepEqual(application.delegateeGatewayAddresses, [gateway.address]);
    assert.deepEqual((await client.pocket.applicationsDelegatingTo(gateway.address)).map((a) => a.address), [app.address]);
    assert.equal((await client.pocket.gateway(gateway.address))?.stake?.amount, (5n * POKT).toString());
  });

  test("params of every module, shared params at a height, difficulty and compute units at a height", async () => {
    const { client } = net;
    const shared = await client.pocket.sharedParams();
    assert.equal(shared.numBlocksPerSession, 5n);
    assert.deepEqual(await client.pocket.sharedParamsAtHeight(2n), shared);
    assert.equal((await client.pocket.sessionParams()).numSuppliersPerSession, 15n);
    assert.equal((await client.pocket.supplierParams()).minStake?.amount, "1000000");
    assert.equal((await client.pocket.applicationParams()).maxDelegatedGateways, 7n);
    assert.equal((await client.pocket.gatewayParams()).minStake?.denom, "upokt");
    assert.equal((await client.pocket.serviceParams()).addServiceFee?.amount, "1000000");
    assert.equal((await client.pocket.proofParams()).proofRequirementThreshold?.amount, "100");
    const tokenomics = await client.pocket.tokenomicsParams();
    assert.equal(tokenomics.mintRatio, 0.975);
    assert.equal(tokenomics.mintEqualsBurnClaimDistribution.supplier, 0.79);
    const difficulty = await client.pocket.relayMiningDifficultyAtHeight(SERVICE, 3n);
    assert.deepEqual([...difficulty.targetHash], [...baseRelayDifficultyTarget()]);
    assert.equal(await client.pocket.computeUnitsPerRelayAtHeight(SERVICE, 3n), 100n);
    assert.deepEqual(await client.pocket.claims(), []);
    assert.deepEqual(await client.pocket.proofs(), []);
  });

  test("a session's id is SHA3 of its start block's real header hash, and it holds the staked supplier", async () => {
    const { client, localnet } = net;
    const activation = (await client.pocket.supplier(operator.address))!.serviceConfigHistory[0].activationHeight;
    await localnet.waitForHeight(activation);
    const session = await client.pocket.session(app.address, SERVICE, activation);
    const header = session.header!;
    assert.equal(header.sessionStartBlockHeight, activation);
    const startHash = await client.blockHash(Number(activation));
    assert.equal(header.sessionId, sessionId({ blockHash: startHash, serviceId: SERVICE, applicationAddress: app.address, sessionStartHeight: activation }));
    assert.deepEqual(session.suppliers.map((s) => s.operatorAddress), [operator.address]);
    assert.equal(session.application?.address, app.address);
  });

  test("blocks: /block, /blockchain and the follower-facing hashes agree, and each header hashes to its id", async () => {
    const { client, localnet } = net;
    const comet = await Comet38Client.connect(localnet.rpcUrl);
    try {
      const block = await comet.block(3);
      const h = block.block.header;
      const recomputed = headerHash({
        version: { block: BigInt(h.version.block), app: BigInt(h.version.app) },
        chainId: h.chainId,
        height: BigInt(h.height),
        time: parseBlockTime(localnet.chain.blocks.block(3n)!.header.time as string),
        lastBlockId: { hash: h.lastBlockId!.hash, parts: h.lastBlockId!.parts },
        lastCommitHash: h.lastCommitHash,
        dataHash: h.dataHash,
        validatorsHash: h.validatorsHash,
        nextValidatorsHash: h.nextValidatorsHash,
        consensusHash: h.consensusHash,
        appHash: h.appHash,
        lastResultsHash: h.lastResultsHash,
        evidenceHash: h.evidenceHash,
        proposerAddress: h.proposerAddress,
      });
      assert.equal(toHex(recomputed), toHex(block.blockId.hash));
      const next = await comet.block(4);
      assert.equal(toHex(next.block.header.lastBlockId!.hash), toHex(block.blockId.hash), "blocks chain by hash");
      const metas = await client.blocks(1, 4);
      assert.deepEqual(metas.map((m) => m.height), [1, 2, 3, 4]);
      assert.equal(metas[2].hash, toHex(block.blockId.hash).toUpperCase());
      assert.equal((await client.block(3)).hash, metas[2].hash);
    } finally {
      comet.disconnect();
    }
  });

  test("the unchanged cosmjs StargateClient auto-detects CometBFT 0.38 and finds txs by hash", async () => {
    const { localnet } = net;
    const stargate = await StargateClient.connect(localnet.rpcUrl);
    try {
      assert.equal(await stargate.getChainId(), "pocketforge-localnet");
      assert.ok((await stargate.getHeight()) > 3);
      const balance = await stargate.getBalance(app.address, "upokt");
      assert.equal(balance.denom, "upokt");
      const account = await stargate.getAccount(app.address);
      assert.equal(account?.address, app.address);
      const sent = await net.client.signAndBroadcast(app.wallet, app.address, [msgs.send(app.address, owner.address, 7n)]);
      const found = await stargate.getTx(sent.txHash);
      assert.equal(found?.height, sent.height);
      assert.equal(found?.code, 0);
      const bySender = await stargate.searchTx([{ key: "message.sender", value: app.address }]);
      assert.ok(bySender.some((tx) => tx.hash === sent.txHash));
    } finally {
      stargate.disconnect();
    }
  });

  test("WebSocket subscriptions deliver NewBlockHeader and the Tx of a broadcast", async () => {
    const { localnet } = net;
    const socket = new WebsocketClient(localnet.rpcUrl.replace("http://", "ws://"));
    const ws = Comet38Client.create(socket);
    try {
      const headers: number[] = [];
      const heights = new Promise<void>((resolve, reject) => {
        ws.subscribeNewBlockHeader().addListener({
          next: (header) => {
            headers.push(header.height);
            if (headers.length === 3) resolve();
          },
          error: reject,
        });
      });
      const txSeen = new Promise<string>((resolve, reject) => {
        ws.subscribeTx(`message.sender='${gateway.address}'`).addListener({ next: (event) => resolve(toHex(event.hash).toUpperCase()), error: reject });
      });
      await heights;
      assert.deepEqual(headers, [headers[0], headers[0] + 1, headers[0] + 2]);
      const sent = await net.client.signAndBroadcast(gateway.wallet, gateway.address, [msgs.send(gateway.address, owner.address, 3n)]);
      assert.equal(await txSeen, sent.txHash);
    } finally {
      // Plain disconnect() leaves cosmjs' socket reconnecting forever.
      shutDownWebsocket(socket);
    }
  });

  test("unstaking keeps the supplier until its unbonding period ends, then returns the stake to the owner", async () => {
    const { client, localnet } = net;
    const ownerBefore = await client.balance(owner.address);
    const tx = await client.signAndBroadcast(operator.wallet, operator.address, [
      msgs.unstakeSupplier({ signer: operator.address, operatorAddress: operator.address }),
    ]);
    const unstaking = (await client.pocket.supplier(operator.address))!;
    const sessionEnd = sessionBounds(await client.pocket.sharedParams(), BigInt(tx.height)).endHeight;
    assert.equal(unstaking.unstakeSessionEndHeight, sessionEnd);
    await assert.rejects(
      client.signAndBroadcast(operator.wallet, operator.address, [msgs.unstakeSupplier({ signer: operator.address, operatorAddress: operator.address })]),
      (error: Error & { reason?: string }) => error.reason === "supplier_unstaking",
    );
    // supplier_unbonding_period_sessions = 1, 5 blocks per session.
    const unbondingEnd = sessionEnd + 5n;
    await localnet.waitForHeight(unbondingEnd - 1n);
    assert.ok(await client.pocket.supplier(operator.address), "still staked before the unbonding end");
    await localnet.waitForHeight(unbondingEnd);
    assert.equal(await client.pocket.supplier(operator.address), undefined);
    assert.equal((await client.balance(owner.address)) - ownerBefore, 50n * POKT);
  });
});
