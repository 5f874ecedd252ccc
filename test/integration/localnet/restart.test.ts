// The localnet lives in its SQLite file: stopping in the middle of a session and starting again continues the
// same chain (heights, block hashes, state, sessions, sequences); reset starts a new one on the same port.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { msgs } from "../../../electron/core/chain/msgs.js";
import { RPCType } from "../../../electron/core/pokt/proto/shared.js";
import { sessionBounds } from "../../../electron/core/pokt/session.js";
import { fundedAccounts, startLocalnet } from "../../fixtures/localnet-harness.js";

const POKT = 1_000_000n;
const N = 20n;

describe("localnet persistence", () => {
  test("a restart mid-session continues the same chain; reset starts over", async () => {
    const genesis = { params: { shared: { numBlocksPerSession: N } } };
    const first = await startLocalnet({ blockTimeMs: 100, genesis });
    const [app, operator] = await fundedAccounts(first.localnet, 500n * POKT, "restart-app", "restart-operator");
    await first.client.signAndBroadcast(app.wallet, app.address, [
      msgs.stakeApplication({ address: app.address, stake: { denom: "upokt", amount: (100n * POKT).toString() }, services: [{ serviceId: "ai-inference" }] }),
    ]);
    await first.client.signAndBroadcast(operator.wallet, operator.address, [
      msgs.stakeSupplier({
        signer: operator.address,
        ownerAddress: operator.address,
        operatorAddress: operator.address,
        stake: { denom: "upokt", amount: (10n * POKT).toString() },
        services: [{ serviceId: "ai-inference", endpoints: [{ url: "http://127.0.0.1:9/", rpcType: RPCType.REST, configs: [] }], revShare: [{ address: operator.address, revSharePercentage: 100n }] }],
      }),
    ]);
    // Stop a few blocks into the session where the supplier serves.
    const activation = (await first.client.pocket.supplier(operator.address))!.serviceConfigHistory[0].activationHeight;
    await first.localnet.waitForHeight(activation + 2n);
    first.localnet.pauseBlocks();
    const height = BigInt(await first.client.height());
    const bounds = sessionBounds({ numBlocksPerSession: N, sessionGridAnchorHeight: 1n, sessionNumberAtAnchor: 1n }, height);
    assert.ok(height < bounds.endHeight - 5n, "the test stops well inside a session");
    const hashes = await first.client.blocks(1, Number(height));
    const sessionBefore = (await first.client.pocket.session(app.address, "ai-inference", height)).header!;
    const balance = await first.client.balance(app.address);
    const account = (await first.client.account(app.address))!;
    await first.close({ keepData: true });
    assert.ok(existsSync(join(first.dataDir, "localnet.sqlite")));

    const second = await startLocalnet({ blockTimeMs: 100, dataDir: first.dataDir, genesis: { params: { shared: { numBlocksPerSession: 7n } } } });
    try {
      const { client, localnet } = second;
      assert.ok(BigInt(await client.height()) >= height, "no rollback to genesis");
      assert.equal((await client.pocket.sharedParams()).numBlocksPerSession, N, "the stored genesis wins over a new one");
      assert.deepEqual(await client.blocks(1, Number(height)), hashes, "old blocks keep their hashes");
      await localnet.waitForHeight(height + 2n);
      const [next] = await client.blocks(Number(height) + 1, Number(height) + 1);
      const nextBlock = localnet.chain.blocks.block(BigInt(next.height))!;
      assert.equal(nextBlock.header.last_block_id.hash, hashes[hashes.length - 1].hash, "the first new block links to the last old one");
      const sessionAfter = (await client.pocket.session(app.address, "ai-inference")).header!;
      assert.equal(sessionAfter.sessionId, sessionBefore.sessionId, "still the same session");
      assert.equal(await client.balance(app.address), balance);
      assert.equal((await client.account(app.address))!.sequence, account.sequence);
      await client.signAndBroadcast(app.wallet, app.address, [msgs.send(app.address, app.address, 1n)]);

      const urlBeforeReset = localnet.rpcUrl;
      await localnet.reset();
      assert.equal(localnet.rpcUrl, urlBeforeReset, "clients keep their URL across a reset");
      assert.ok(BigInt(await client.height()) < height, "a new chain");
      assert.equal(await client.pocket.application(app.address), undefined);
      assert.equal(await client.balance(app.address), 0n);
    } finally {
      await second.close();
    }
  });
});
