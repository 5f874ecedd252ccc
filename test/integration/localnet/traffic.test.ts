// The traffic generator end to end: it funds, stakes and delegates its application and gateway, then relays
// signed chat requests to every supplier of the session and judges each answer as a gateway would, whole or
// streamed (every other relay asks for a stream; each batch's signature is checked).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { randomBytes } from "node:crypto";
import { msgs } from "../../../electron/core/chain/msgs.js";
import { RPCType } from "../../../electron/core/pokt/proto/shared.js";
import { TrafficGenerator } from "../../../electron/core/localnet/traffic/generator.js";
import type { TrafficStats } from "../../../electron/core/localnet/traffic/stats.js";
import { fundedAccounts, startLocalnet, type LocalnetHarness, type TestAccount } from "../../fixtures/localnet-harness.js";
import { TestSupplier } from "../../fixtures/localnet-test-supplier.js";

const POKT = 1_000_000n;
const SERVICE = "ai-inference";

async function stakeSupplier(net: LocalnetHarness, operator: TestAccount, url: string) {
  await net.client.signAndBroadcast(operator.wallet, operator.address, [
    msgs.stakeSupplier({
      signer: operator.address,
      ownerAddress: operator.address,
      operatorAddress: operator.address,
      stake: { denom: "upokt", amount: (10n * POKT).toString() },
      services: [{ serviceId: SERVICE, endpoints: [{ url, rpcType: RPCType.REST, configs: [] }], revShare: [{ address: operator.address, revSharePercentage: 100n }] }],
    }),
  ]);
}

describe("traffic generator", () => {
  let net: LocalnetHarness;
  let honest: TestSupplier, forger: TestSupplier;
  let honestOperator: TestAccount, forgerOperator: TestAccount, deadOperator: TestAccount;
  let generator: TrafficGenerator | undefined;

  before(async () => {
    net = await startLocalnet({ blockTimeMs: 100, genesis: { params: { shared: { numBlocksPerSession: 5n } } } });
    [honestOperator, forgerOperator, deadOperator] = await fundedAccounts(net.localnet, 100n * POKT, "t-honest", "t-forger", "t-dead");
    honest = new TestSupplier({ client: net.client, operator: honestOperator });
    forger = new TestSupplier({ client: net.client, operator: forgerOperator, corruptSignatures: true });
    await stakeSupplier(net, honestOperator, await honest.start());
    await stakeSupplier(net, forgerOperator, await forger.start());
    // Port 9 (discard) is closed on loopback: a supplier that cannot be reached.
    await stakeSupplier(net, deadOperator, "http://127.0.0.1:9");
  });

  after(async () => {
    generator?.stop();
    await honest?.stop();
    await forger?.stop();
    await net?.close();
  });

  test("stakes its actors, relays to every supplier, and counts good answers, forged signatures and dead endpoints", async () => {
    let latest: TrafficStats | undefined;
    let satisfied: () => void = () => {};
    const enough = new Promise<void>((resolve) => (satisfied = resolve));
    generator = new TrafficGenerator({
      client: net.client,
      faucet: (address, amount) => net.localnet.faucet(address, amount),
      keys: { application: new Uint8Array(randomBytes(32)), gateway: new Uint8Array(randomBytes(32)) },
      serviceId: SERVICE,
      ratePerSecond: 8,
      relayTimeoutMs: 5000,
      onStats: (stats) => {
        latest = stats;
        const of = (operator: TestAccount) => stats.suppliers.find((s) => s.operatorAddress === operator.address);
        const forged = stats.suppliers.find((s) => s.operatorAddress === forgerOperator.address)?.failed ?? 0;
        if (
          (of(honestOperator)?.succeeded ?? 0) >= 3 &&
          stats.streamed >= 2 &&
          forged >= 2 &&
          (stats.failuresByReason.bad_signature ?? 0) >= 1 &&
          (stats.failuresByReason.unreachable ?? 0) >= 1
        ) {
          satisfied();
        }
      },
    });
    assert.throws(() => generator!.setRate(0), RangeError);
    await generator.start();

    const application = (await net.client.pocket.application(generator.applicationAddress))!;
    assert.deepEqual(application.serviceConfigs, [{ serviceId: SERVICE }]);
    assert.deepEqual(application.delegateeGatewayAddresses, [generator.gatewayAddressValue]);
    assert.ok(await net.client.pocket.gateway(generator.gatewayAddressValue));

    await enough;
    const stats = latest!;
    assert.equal(stats.running, true);
    assert.equal(stats.failuresByReason.bad_signature > 0, true);
    assert.ok(honest.streamed >= 1 && stats.streamed >= 2, "streamed answers were read and counted");
    assert.ok(stats.firstTokenMsP50 !== null && stats.firstTokenMsP50 > 0);
    assert.equal(stats.failuresByReason.bad_signature, stats.suppliers.find((s) => s.operatorAddress === forgerOperator.address)!.failed, "a forged batch fails its stream as a forged reply does");
    assert.equal(stats.suppliers.find((s) => s.operatorAddress === forgerOperator.address)!.succeeded, 0, "a forged signature never counts as success");
    assert.equal(stats.suppliers.find((s) => s.operatorAddress === deadOperator.address)!.succeeded, 0);
    assert.ok(stats.latencyMsP50 !== null && stats.latencyMsP50 > 0);
    assert.ok(honest.served >= stats.suppliers.find((s) => s.operatorAddress === honestOperator.address)!.succeeded);
    assert.equal(honest.rejected.length, 0, `the honest supplier rejected: ${honest.rejected.join("; ")}`);
    const mined = [...honest.sessions.values()].reduce((sum, s) => sum + s.relays, 0);
    assert.ok(mined >= 3, "relays were mined into session trees");

    generator.setRate(2);
    assert.equal(generator.stats().ratePerSecond, 2);
    generator.stop();
    assert.equal(generator.stats().running, false);
    const height = net.localnet.chain.height;
    await net.localnet.waitForHeight(height + 5n);
    const settledCount = generator.stats().sent;
    await net.localnet.waitForHeight(height + 10n);
    assert.equal(generator.stats().sent, settledCount, "nothing is sent after stop");
  });
});
