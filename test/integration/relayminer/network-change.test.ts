// A network switch (chain.setNetwork, a fresh localnet) must not leave the relay miner on the old chain: it would
// keep polling a dead node, fail every relay and still say "running" (found by a hostile-client review).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { localnetProfile } from "../../../electron/core/chain/networks.js";
import { GENESIS_SERVICE_ID } from "../../../electron/core/localnet/config.js";
import { Ledger } from "../../../electron/core/ledger/ledger.js";
import { connectMinerChain } from "../../../electron/core/relayminer/connect.js";
import { RelayMinerConfig } from "../../../electron/core/relayminer/config.js";
import { RelayMinerService } from "../../../electron/core/relayminer/relayminer-service.js";
import { LogSink } from "../../../electron/core/runtime/logger.js";
import { signResponseHash } from "../../../electron/core/pokt/response-signature.js";
import { echoHandler } from "../../fixtures/relayminer/harness.js";
import { minerEvents } from "../../fixtures/relayminer/localnet-miner.js";
import { startLocalnet, testAccount, type LocalnetHarness } from "../../fixtures/localnet-harness.js";

const BLOCK_TIME_MS = 200;
let first: LocalnetHarness;
let second: LocalnetHarness;

before(async () => {
  [first, second] = await Promise.all([startLocalnet({ blockTimeMs: BLOCK_TIME_MS }), startLocalnet({ blockTimeMs: BLOCK_TIME_MS })]);
});
after(async () => {
  await first?.close();
  await second?.close();
});

test("after a network switch the relay miner reconnects to the new chain, stays paused if it was, and says so when it cannot", { timeout: 60_000 }, async () => {
  const operator = await testAccount("network-change-operator");
  const events = minerEvents();
  let rpcUrl = first.localnet.rpcUrl;
  const connectedTo: string[] = [];
  const closed: string[] = [];
  const config = RelayMinerConfig.parse({
    listen: { host: "127.0.0.1", port: 0 },
    metrics: { enabled: false, host: "127.0.0.1", port: 0 },
    services: [{ serviceId: GENESIS_SERVICE_ID, backend: { type: "inference" }, requestTimeoutMs: 30_000 }],
  });
  const miner = new RelayMinerService({
    ledger: new Ledger({ path: ":memory:" }),
    logger: new LogSink({ dir: null }).logger("relayminer"),
    config: () => config,
    signer: () => ({ address: operator.address, signHash: (hash) => signResponseHash(hash, operator.privateKey) }),
    inferenceHandler: () => echoHandler,
    connect: async (metrics) => {
      const url = rpcUrl;
      const connection = await connectMinerChain({ profile: localnetProfile(url, BLOCK_TIME_MS), signerFor: () => operator.wallet, metrics });
      connectedTo.push(url);
      const close = connection.close.bind(connection);
      return Object.assign(connection, { close: async () => (closed.push(url), close()) });
    },
    emit: events.emit,
  });
  try {
    await miner.startMining();
    assert.deepEqual(connectedTo, [first.localnet.rpcUrl]);
    await miner.networkChanged();
    assert.deepEqual(closed, [first.localnet.rpcUrl], "the old connection (and its block poller) is closed");
    assert.equal(connectedTo.length, 2);

    rpcUrl = second.localnet.rpcUrl;
    await miner.serving.pause({ drain: false });
    await miner.networkChanged();
    assert.equal(connectedTo.at(-1), second.localnet.rpcUrl, "connected to the new network");
    assert.equal(miner.status().state, "paused", "paused by availability before, paused after");
    assert.equal(miner.serving.state(), "paused");

    rpcUrl = "http://127.0.0.1:1";
    await miner.networkChanged();
    const status = miner.status();
    assert.equal(status.state, "error", "not 'running' on a network it cannot reach");
    assert.match(status.message ?? "", /./);
  } finally {
    await miner.stopMining();
  }
});
