// Rejections with the chain's own errors, and what the client makes of them: claims and proofs outside their
// windows, proofs for the wrong path or with a tampered side node (judged invalid in EndBlock, then expired
// and slashed at settlement), an unrequired proof, a wrong signer, a foreign chain id, too small a fee,
// insufficient funds, a bad sequence, a stake below the minimum.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { toHex } from "@cosmjs/encoding";
import { encodePubkey, makeAuthInfoBytes, makeSignDoc, type EncodeObject } from "@cosmjs/proto-signing";
import { encodeSecp256k1Pubkey } from "@cosmjs/amino";
import { SigningStargateClient } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { ChainTxError, explainChainFailure } from "../../../electron/core/chain/errors.js";
import { msgs } from "../../../electron/core/chain/msgs.js";
import { createPocketRegistry } from "../../../electron/core/chain/registry.js";
import { SUPPLIER_MODULE_ADDRESS } from "../../../electron/core/localnet/modules/supplier.js";
import { ClaimProofStatus } from "../../../electron/core/pokt/proto/proof.js";
import { RPCType } from "../../../electron/core/pokt/proto/shared.js";
import { ringAddressesForApplication, ringPublicKeysForAddresses } from "../../../electron/core/pokt/ring/index.js";
import { sessionWindows } from "../../../electron/core/pokt/session.js";
import { closestProofToGob, decodeCompactClosestProofGob, encodeCompactClosestProofGob } from "../../../electron/core/pokt/smst/index.js";
import { chatRequest } from "../../../electron/core/localnet/traffic/prompts.js";
import { sendRelay } from "../../../electron/core/localnet/traffic/relay-client.js";
import type { session } from "../../../electron/core/pokt/proto/index.js";
import { fundedAccounts, startLocalnet, testAccount, type LocalnetHarness, type TestAccount } from "../../fixtures/localnet-harness.js";
import { TestSupplier } from "../../fixtures/localnet-test-supplier.js";

const POKT = 1_000_000n;
const SERVICE = "ai-inference";

function rejectsWith(reason: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ChainTxError, `expected a ChainTxError, got ${String(error)}`);
    assert.equal(error.reason, reason, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

interface Actors {
  net: LocalnetHarness;
  supplier: TestSupplier;
  operator: TestAccount;
  app: TestAccount;
  gateway: TestAccount;
}

/** A supplier, application and gateway, staked; `relays` signed relays served in one session. */
async function stakedWithRelays(net: LocalnetHarness, prefix: string, relays: number): Promise<Actors & { header: session.SessionHeader }> {
  const { client, localnet } = net;
  const [operator, app, gateway] = await fundedAccounts(localnet, 1000n * POKT, `${prefix}-operator`, `${prefix}-app`, `${prefix}-gateway`);
  const supplier = new TestSupplier({ client, operator });
  await supplier.start();
  await client.signAndBroadcast(operator.wallet, operator.address, [
    msgs.stakeSupplier({
      signer: operator.address,
      ownerAddress: operator.address,
      operatorAddress: operator.address,
      stake: { denom: "upokt", amount: (10n * POKT).toString() },
      services: [{ serviceId: SERVICE, endpoints: [{ url: supplier.url, rpcType: RPCType.REST, configs: [] }], revShare: [{ address: operator.address, revSharePercentage: 100n }] }],
    }),
  ]);
  await client.signAndBroadcast(gateway.wallet, gateway.address, [msgs.stakeGateway({ address: gateway.address, stake: { denom: "upokt", amount: "5000000" } })]);
  await client.signAndBroadcast(app.wallet, app.address, [
    msgs.stakeApplication({ address: app.address, stake: { denom: "upokt", amount: (100n * POKT).toString() }, services: [{ serviceId: SERVICE }] }),
    msgs.delegateToGateway({ appAddress: app.address, gatewayAddress: gateway.address }),
  ]);
  const activation = (await client.pocket.supplier(operator.address))!.serviceConfigHistory[0].activationHeight;
  await localnet.waitForHeight(activation);
  localnet.pauseBlocks();
  try {
    const header = (await client.pocket.session(app.address, SERVICE)).header!;
    const ringAddresses = ringAddressesForApplication({ address: app.address, delegateeGatewayAddresses: [gateway.address], pendingUndelegations: [] }, header.sessionEndBlockHeight);
    const ring = ringPublicKeysForAddresses(ringAddresses, new Map([[app.address, app.publicKey], [gateway.address, gateway.publicKey]]));
    const target = { header, supplierOperatorAddress: operator.address, endpointUrl: supplier.url, rpcType: RPCType.REST, supplierPublicKey: operator.publicKey };
    for (let i = 0; i < relays; i++) {
      const body = new TextEncoder().encode(JSON.stringify(chatRequest(i, "m")));
      const outcome = await sendRelay(target, { gatewayPrivateKey: gateway.privateKey, ringPublicKeys: ring }, "/v1/chat/completions", body, 10_000);
      assert.equal(outcome.ok, true);
    }
    return { net, supplier, operator, app, gateway, header };
  } finally {
    localnet.resumeBlocks();
  }
}

describe("localnet rejections: claims and proofs", () => {
  let net: LocalnetHarness;
  let actors: Actors & { header: session.SessionHeader };

  before(async () => {
    net = await startLocalnet({
      blockTimeMs: 100,
      genesis: {
        params: {
          shared: { numBlocksPerSession: 10n, claimWindowCloseOffsetBlocks: 8n, proofWindowCloseOffsetBlocks: 12n },
          proof: { proofRequirementThreshold: { denom: "upokt", amount: "1" }, proofMissingPenalty: { denom: "upokt", amount: "1000000" } },
        },
      },
    });
    actors = await stakedWithRelays(net, "rj", 5);
  });

  after(async () => {
    await actors?.supplier.stop();
    await net?.close();
  });

  test("claims and proofs outside their windows, bad proofs judged at EndBlock, then expiry and slashing", async () => {
    const { client, localnet } = net;
    const { supplier, header, operator } = actors;
    const windows = sessionWindows(await client.pocket.sharedParamsAtHeight(header.sessionEndBlockHeight), header.sessionEndBlockHeight);

    await assert.rejects(supplier.claim(header.sessionId), rejectsWith("claim_outside_window", /claim window/));
    await localnet.waitForHeight(windows.claimWindowOpenHeight);
    await supplier.claim(header.sessionId);
    await assert.rejects(supplier.submitProof(header.sessionId, new Uint8Array([1, 2, 3])), rejectsWith("proof_outside_window", /proof window/));

    await localnet.waitForHeight(windows.proofWindowOpenHeight);
    const tree = supplier.sessions.get(header.sessionId)!.tree;
    const wrongPath = closestProofToGob(tree.proveClosest(sha256(utf8ToBytes("not the path the chain asks for"))));
    const wrongTx = await supplier.submitProof(header.sessionId, wrongPath);
    assert.equal((await client.pocket.claim(header.sessionId, operator.address))!.proofValidationStatus, ClaimProofStatus.INVALID);
    const wrongEvents = localnet.chain.blocks.block(BigInt(wrongTx.height))!.finalizeEvents;
    const validity = wrongEvents.find((e) => e.type === "pocket.proof.EventProofValidityChecked")!;
    assert.match(JSON.parse(validity.attributes.find((a) => a.key === "failure_reason")!.value), /different path/);

    const compact = decodeCompactClosestProofGob(await supplier.proofBytes(header.sessionId));
    const sideNodes = compact.closestProof!.sideNodes;
    assert.ok(sideNodes.length > 0, "five leaves leave side nodes on the path");
    const last = sideNodes[sideNodes.length - 1];
    last[5] ^= 0xff;
    const tamperedTx = await supplier.submitProof(header.sessionId, encodeCompactClosestProofGob(compact));
    const tamperedEvents = localnet.chain.blocks.block(BigInt(tamperedTx.height))!.finalizeEvents;
    const tamperedReason = JSON.parse(
      tamperedEvents.find((e) => e.type === "pocket.proof.EventProofValidityChecked")!.attributes.find((a) => a.key === "failure_reason")!.value,
    );
    assert.match(tamperedReason, /root|SiblingData/);
    assert.equal((await client.pocket.claim(header.sessionId, operator.address))!.proofValidationStatus, ClaimProofStatus.INVALID);

    const stakeBefore = BigInt((await client.pocket.supplier(operator.address))!.stake!.amount);
    await localnet.waitForHeight(windows.settlementHeight);
    const events = await client.settlementEvents(Number(windows.settlementHeight));
    const expired = events.find((e) => e.type === "pocket.tokenomics.EventClaimExpired");
    assert.ok(expired, `events: ${events.map((e) => e.type).join(", ")}`);
    assert.equal(JSON.parse(expired.attributes.expiration_reason), "PROOF_INVALID");
    const slashed = events.find((e) => e.type === "pocket.tokenomics.EventSupplierSlashed")!;
    assert.equal(JSON.parse(slashed.attributes.proof_missing_penalty), "1000000upokt");
    assert.equal(events.some((e) => e.type === "pocket.tokenomics.EventClaimSettled"), false);
    assert.equal(stakeBefore - BigInt((await client.pocket.supplier(operator.address))!.stake!.amount), 1_000_000n);
  });
});

describe("localnet rejections: an unrequired proof", () => {
  let net: LocalnetHarness;
  let actors: Actors & { header: session.SessionHeader };

  before(async () => {
    net = await startLocalnet({
      blockTimeMs: 100,
      genesis: {
        params: {
          shared: { numBlocksPerSession: 10n, claimWindowCloseOffsetBlocks: 8n, proofWindowCloseOffsetBlocks: 8n },
          proof: { proofRequirementThreshold: { denom: "upokt", amount: "1000000000000" }, proofRequestProbability: 0 },
        },
      },
    });
    actors = await stakedWithRelays(net, "nr", 2);
  });

  after(async () => {
    await actors?.supplier.stop();
    await net?.close();
  });

  test("is refused with ErrProofNotRequired, and the claim settles without one", async () => {
    const { client, localnet } = net;
    const { supplier, header } = actors;
    const windows = sessionWindows(await client.pocket.sharedParamsAtHeight(header.sessionEndBlockHeight), header.sessionEndBlockHeight);
    await localnet.waitForHeight(windows.claimWindowOpenHeight);
    await supplier.claim(header.sessionId);
    await localnet.waitForHeight(windows.proofWindowOpenHeight);
    await assert.rejects(supplier.submitProof(header.sessionId), rejectsWith("proof_not_required", /NOT_REQUIRED/));
    await localnet.waitForHeight(windows.settlementHeight);
    const settled = (await client.settlementEvents(Number(windows.settlementHeight))).find((e) => e.type === "pocket.tokenomics.EventClaimSettled");
    assert.equal(JSON.parse(settled!.attributes.proof_requirement), "NOT_REQUIRED");
  });
});

describe("localnet rejections: signatures, fees, funds, sequences, stakes", () => {
  let net: LocalnetHarness;
  let alice: TestAccount, mallory: TestAccount, poor: TestAccount;
  const registry = createPocketRegistry();

  before(async () => {
    net = await startLocalnet({ blockTimeMs: 100 });
    [alice, mallory] = await fundedAccounts(net.localnet, 100n * POKT, "alice", "mallory");
    [poor] = await fundedAccounts(net.localnet, 2n * POKT, "poor");
    // Give alice an on-chain public key and a non-zero sequence.
    await net.client.signAndBroadcast(alice.wallet, alice.address, [msgs.send(alice.address, mallory.address, 1n)]);
  });

  after(async () => net?.close());

  /** A SIGN_MODE_DIRECT tx whose signer info and signature come from `signer`, for messages that may name someone else. */
  async function rawTx(signer: TestAccount, messages: EncodeObject[], options: { chainId?: string; sequence?: bigint; fee?: string } = {}) {
    const account = (await net.client.account(signer.address)) ?? { accountNumber: 0n, sequence: 0n };
    const bodyBytes = registry.encode({ typeUrl: "/cosmos.tx.v1beta1.TxBody", value: { messages, memo: "" } });
    const authInfoBytes = makeAuthInfoBytes(
      [{ pubkey: encodePubkey(encodeSecp256k1Pubkey(signer.publicKey)), sequence: options.sequence ?? account.sequence }],
      [{ denom: "upokt", amount: options.fee ?? "1" }],
      200_000,
      undefined,
      undefined,
    );
    const signDoc = makeSignDoc(bodyBytes, authInfoBytes, options.chainId ?? net.client.chainId, account.accountNumber);
    const { signature } = await signer.wallet.signDirect(signer.address, signDoc);
    return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [Buffer.from(signature.signature, "base64")] }).finish();
  }

  async function broadcast(tx: Uint8Array) {
    const comet = await Comet38Client.connect(net.localnet.rpcUrl);
    try {
      return await comet.broadcastTxSync({ tx });
    } finally {
      comet.disconnect();
    }
  }

  test("a message signed by another key is refused (invalid pubkey), and the client says so", async () => {
    const [aliceBefore, malloryBefore] = [await net.client.balance(alice.address), await net.client.balance(mallory.address)];
    const result = await broadcast(await rawTx(mallory, [msgs.send(alice.address, mallory.address, 50n * POKT)]));
    assert.equal(result.code, 8);
    assert.equal(result.codespace, "sdk");
    assert.match(result.log ?? "", /pubKey does not match signer address/);
    assert.equal(explainChainFailure({ code: result.code, codespace: result.codespace, log: result.log ?? "" }).reason, "signer_mismatch");
    assert.deepEqual([await net.client.balance(alice.address), await net.client.balance(mallory.address)], [aliceBefore, malloryBefore], "nothing moved");
  });

  test("a signature for another chain id does not verify (unauthorized)", async () => {
    const result = await broadcast(await rawTx(alice, [msgs.send(alice.address, mallory.address, 1n)], { chainId: "pocket" }));
    assert.equal(result.code, 4);
    assert.match(result.log ?? "", /signature verification failed/);
  });

  test("a fee below the minimum gas price is refused (insufficient fee)", async () => {
    const result = await broadcast(await rawTx(alice, [msgs.send(alice.address, mallory.address, 1n)], { fee: "0" }));
    assert.equal(result.code, 13);
    assert.match(result.log ?? "", /insufficient fees; got: 0upokt required: 1upokt/);
  });

  test("a stale or future sequence is refused (incorrect account sequence); a duplicate is refused once accepted", async () => {
    const account = (await net.client.account(alice.address))!;
    const stale = await broadcast(await rawTx(alice, [msgs.send(alice.address, mallory.address, 1n)], { sequence: account.sequence + 5n }));
    assert.equal(stale.code, 32);
    assert.match(stale.log ?? "", new RegExp(`expected ${account.sequence}, got ${account.sequence + 5n}`));
    assert.equal(explainChainFailure({ code: stale.code, codespace: stale.codespace, log: stale.log ?? "" }).reason, "sequence_mismatch");

    const signing = SigningStargateClient.createWithSigner(await Comet38Client.connect(net.localnet.rpcUrl), alice.wallet, { registry });
    const good = await signing.sign(alice.address, [msgs.send(alice.address, mallory.address, 1n)], { amount: [{ denom: "upokt", amount: "1" }], gas: "200000" }, "");
    const bytes = TxRaw.encode(good).finish();
    assert.equal((await broadcast(bytes)).code, 0);
    const again = await broadcast(bytes);
    assert.equal(again.code, 19, again.log);
    signing.disconnect();
    // broadcast_tx_sync answers after CheckTx: wait for the block that includes it (the next one takes the whole
    // mempool), so no later test sees it land mid-way, and check that a committed tx is refused too.
    await net.localnet.waitForHeight(net.localnet.chain.height + 1n);
    assert.equal(net.localnet.chain.pendingTxCount, 0);
    assert.equal((await net.client.account(alice.address))!.sequence, account.sequence + 1n);
    const afterCommit = await broadcast(bytes);
    assert.equal(afterCommit.code, 19, afterCommit.log);
  });

  test("insufficient funds for a stake is refused with the balance in the message", async () => {
    await assert.rejects(
      net.client.signAndBroadcast(poor.wallet, poor.address, [msgs.stakeGateway({ address: poor.address, stake: { denom: "upokt", amount: (5n * POKT).toString() } })]),
      rejectsWith("insufficient_funds", /smaller than 5000000upokt/),
    );
  });

  test("a supplier stake below min_stake is refused", async () => {
    const owner = await testAccount("rj-owner");
    await assert.rejects(
      net.client.signAndBroadcast(alice.wallet, alice.address, [
        msgs.stakeSupplier({
          signer: alice.address,
          ownerAddress: owner.address,
          operatorAddress: alice.address,
          stake: { denom: "upokt", amount: "10" },
          services: [{ serviceId: SERVICE, endpoints: [{ url: "http://127.0.0.1:1/", rpcType: RPCType.REST, configs: [] }], revShare: [{ address: owner.address, revSharePercentage: 100n }] }],
        }),
      ]),
      rejectsWith("stake_invalid", /10upokt is below the minimum stake 1000000upokt/),
    );
    assert.equal(await net.client.pocket.supplier(alice.address), undefined);
  });

  test("revenue shares must total 100%, endpoints must be reachable URLs, owners cannot be module accounts", async () => {
    const owner = await testAccount("rj-owner");
    const stake = (services: Parameters<typeof msgs.stakeSupplier>[0]["services"], ownerAddress = owner.address) =>
      net.client.signAndBroadcast(alice.wallet, alice.address, [
        msgs.stakeSupplier({ signer: alice.address, ownerAddress, operatorAddress: alice.address, stake: { denom: "upokt", amount: "2000000" }, services }),
      ]);
    await assert.rejects(
      stake([{ serviceId: SERVICE, endpoints: [{ url: "http://127.0.0.1:1/", rpcType: RPCType.REST, configs: [] }], revShare: [{ address: owner.address, revSharePercentage: 100n }] }], SUPPLIER_MODULE_ADDRESS),
      rejectsWith("address_invalid", /is a module account: invalid address/),
    );
    await assert.rejects(
      stake([{ serviceId: SERVICE, endpoints: [{ url: "http://127.0.0.1:1/", rpcType: RPCType.REST, configs: [] }], revShare: [{ address: owner.address, revSharePercentage: 90n }] }]),
      rejectsWith("service_config_invalid", /total 90%/),
    );
    await assert.rejects(
      stake([{ serviceId: SERVICE, endpoints: [{ url: "ftp://example.com", rpcType: RPCType.REST, configs: [] }], revShare: [{ address: owner.address, revSharePercentage: 100n }] }]),
      rejectsWith("service_config_invalid", /must use http, https, ws or wss/),
    );
  });

  test("a failed Msg in a block keeps only its fee and sequence", async () => {
    // Balances are read from committed state; a tx still in the mempool would land inside this test's block.
    assert.equal(net.localnet.chain.pendingTxCount, 0, "an earlier test left a tx in the mempool");
    const before = (await net.client.account(mallory.address))!;
    const balance = await net.client.balance(mallory.address);
    const comet = await Comet38Client.connect(net.localnet.rpcUrl);
    try {
      // Passes CheckTx (signature, fee: CheckTx runs only the ante handler) and fails in the block: 10 upokt is
      // below the gateway minimum stake.
      const tx = await rawTx(mallory, [msgs.stakeGateway({ address: mallory.address, stake: { denom: "upokt", amount: "10" } })]);
      const committed = await comet.broadcastTxCommit({ tx });
      assert.equal(committed.checkTx.code, 0);
      assert.equal(committed.txResult?.code, 1102);
      assert.equal(committed.txResult?.codespace, "gateway");
      assert.match(committed.txResult?.log ?? "", /^failed to execute message; message index: 0: stake amount 10upokt is below the minimum stake/);
      const found = await comet.tx({ hash: committed.hash });
      assert.equal(toHex(found.hash), toHex(committed.hash));
    } finally {
      comet.disconnect();
    }
    assert.equal((await net.client.account(mallory.address))!.sequence, before.sequence + 1n);
    assert.equal(await net.client.balance(mallory.address), balance - 1n);
    assert.equal(await net.client.pocket.gateway(mallory.address), undefined);
  });
});
