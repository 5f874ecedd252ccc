// The chain.* and localnet.* API over the real services: the embedded localnet started by the chain service,
// faucet, balance, traffic control, reset, a shared standalone localnet and a custom node, with the contract's
// own parameter validation in front.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiError, parseCall, type ChainBlock, type MethodName, type TrafficStats } from "../../../shared/api/index.js";
import { LogSink } from "../../../electron/core/runtime/logger.js";
import { createChainHandlers } from "../../../electron/core/chain/api-handlers.js";
import { ChainService } from "../../../electron/core/chain/chain-service.js";
import type { NetworkName } from "../../../electron/core/chain/networks.js";
import { createLocalnetHandlers } from "../../../electron/core/localnet/api-handlers.js";
import { LocalnetService } from "../../../electron/core/localnet/localnet-service.js";
import { Localnet } from "../../../electron/core/localnet/localnet.js";
import { testAccount } from "../../fixtures/localnet-harness.js";

const context = { transport: "internal" as const };

describe("chain and localnet API", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "pocketforge-chain-api-"));
  const logs = new LogSink({ dir: null });
  const blocks: ChainBlock[] = [];
  const traffic: TrafficStats[] = [];
  const saved: NetworkName[] = [];
  let localnet: LocalnetService;
  let chain: ChainService;
  let handlers: ReturnType<typeof createChainHandlers> & ReturnType<typeof createLocalnetHandlers>;
  let standalone: Localnet;

  /** Validates params with the contract, then runs the handler, as the router does. */
  async function call<M extends keyof typeof handlers & MethodName>(method: M, params: unknown): Promise<any> {
    const parsed = parseCall(method, params);
    return (handlers[method] as (p: unknown, c: typeof context) => unknown)(parsed.params, context);
  }

  const blockWaiters = new Set<(block: ChainBlock) => void>();
  /** The next chain.block event above `after` (blocks arrive continuously). */
  function nextBlock(after: number): Promise<ChainBlock> {
    return new Promise((resolve) => {
      const waiter = (block: ChainBlock) => {
        if (block.height <= after) return;
        blockWaiters.delete(waiter);
        resolve(block);
      };
      blockWaiters.add(waiter);
    });
  }

  before(async () => {
    localnet = new LocalnetService({
      dataDir: join(dataDir, "localnet"),
      logger: logs.logger("localnet"),
      client: () => chain.client,
      onTraffic: (stats) => traffic.push(stats),
      blockTimeMs: 100,
      trafficEventIntervalMs: 0,
    });
    chain = new ChainService({
      dataDir,
      network: "localnet",
      saveNetwork: (network) => saved.push(network),
      localnet,
      logger: logs.logger("chain"),
      onBlock: (block) => {
        blocks.push(block);
        for (const waiter of [...blockWaiters]) waiter(block);
      },
      retryMs: 200,
    });
    handlers = { ...createChainHandlers(chain), ...createLocalnetHandlers(localnet, chain) };
    standalone = new Localnet({ dataDir: join(dataDir, "standalone"), blockTimeMs: 100 });
    await standalone.start();
    await localnet.start();
    await chain.start();
  });

  after(async () => {
    await chain.dispose();
    await localnet.dispose();
    await standalone.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("on the localnet network the embedded chain runs and blocks arrive as chain.block events", async () => {
    const status = await call("chain.status", {});
    assert.equal(status.network, "localnet");
    assert.equal(status.reachable, true);
    assert.equal(status.chainId, "pocketforge-localnet");
    assert.equal(status.localnet.mode, "embedded");
    assert.match(status.rpcUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    const block = await nextBlock(status.height);
    assert.match(block.hash, /^[0-9A-F]{64}$/);
    assert.equal(block.network, "localnet");
  });

  test("faucet and balance; traffic start/stop with events; bad parameters are refused by the contract", async () => {
    const account = await testAccount("api-user");
    const paid = await call("localnet.faucet", { address: account.address, amount: "2500000" });
    assert.equal(paid.amount, "2500000");
    assert.ok(paid.height > 0);
    assert.deepEqual(await call("chain.balance", { address: account.address }), { address: account.address, denom: "upokt", amount: "2500000" });
    await assert.rejects(call("chain.balance", { address: "pokt1notanaddress" }), (e: ApiError) => e.code === "invalid_params");
    // Without an amount the faucet pays what starting takes on this (mainnet-like) localnet: the 59,500 POKT minimum
    // stake, a 3,500 POKT add-service fee and 1,000 POKT for fees.
    const starter = await testAccount("api-starter");
    const funded = await call("localnet.faucet", { address: starter.address });
    assert.equal(funded.amount, "64000000000");
    assert.equal((await call("chain.balance", { address: starter.address })).amount, "64000000000");
    assert.throws(() => parseCall("localnet.faucet", { address: account.address, amount: "-5" }), (e: ApiError) => e.code === "invalid_params");
    assert.throws(() => parseCall("localnet.traffic", { action: "setRate" }), (e: ApiError) => e.code === "invalid_params");
    assert.throws(() => parseCall("chain.setNetwork", { network: "custom" }), (e: ApiError) => e.code === "invalid_params");
    assert.throws(() => parseCall("chain.setNetwork", { network: "mainnet", rpcUrl: "https://x.example" }), (e: ApiError) => e.code === "invalid_params");

    const started: TrafficStats = await call("localnet.traffic", { action: "start", ratePerSecond: 4 });
    assert.equal(started.running, true);
    assert.equal(started.ratePerSecond, 4);
    assert.match(started.applicationAddress ?? "", /^pokt1/);
    assert.ok(traffic.some((s) => s.running), "a localnet.traffic event said it runs");
    const stopped: TrafficStats = await call("localnet.traffic", { action: "stop" });
    assert.equal(stopped.running, false);
    assert.equal((await call("localnet.trafficStats", {})).running, false);
    // The generator staked its application for the genesis service, and its gateway at the chain's minimum.
    assert.ok(await chain.client!.pocket.application(started.applicationAddress!));
    assert.equal((await chain.client!.pocket.gateway(started.gatewayAddress!))?.stake?.amount, "5000000000");
  });

  test("reset starts a new chain and the follower continues from its low heights", async () => {
    const before = (await call("chain.status", {})).height as number;
    const account = await testAccount("api-user");
    const status = await call("localnet.reset", {});
    assert.equal(status.reachable, true);
    assert.ok(status.height < before);
    assert.equal((await call("chain.balance", { address: account.address })).amount, "0");
    const block = await nextBlock(0);
    assert.ok(block.height < before);
  });

  test("a shared standalone localnet: its faucet over RPC, no reset from here", async () => {
    const status = await call("chain.setNetwork", { network: "localnet", rpcUrl: standalone.rpcUrl });
    assert.equal(status.localnet.mode, "shared");
    assert.equal(status.rpcUrl, standalone.rpcUrl);
    assert.equal(localnet.localnet, undefined, "the embedded chain stopped");
    const account = await testAccount("api-shared");
    await call("localnet.faucet", { address: account.address, amount: "777" });
    assert.equal(await standalone.chain.app.bank.balance(account.address), 777n);
    await assert.rejects(call("localnet.reset", {}), (e: ApiError) => e.code === "unavailable" && /npm run localnet -- --reset/.test(e.message));
  });

  test("a custom node: persisted, no faucet; an unreachable one is reported, not thrown", async () => {
    const status = await call("chain.setNetwork", { network: "custom", rpcUrl: standalone.rpcUrl, chainId: "pocketforge-localnet" });
    assert.equal(status.network, "custom");
    assert.equal(status.reachable, true);
    assert.equal(status.localnet.mode, "off");
    assert.deepEqual(saved.slice(-2), ["localnet", "custom"]);
    assert.equal(JSON.parse(readFileSync(join(dataDir, "chain-network.json"), "utf8")).customRpcUrl, standalone.rpcUrl);
    await assert.rejects(call("localnet.faucet", { address: (await testAccount("x")).address }), (e: ApiError) => e.code === "unavailable");

    const wrongChain = await call("chain.setNetwork", { network: "custom", rpcUrl: standalone.rpcUrl, chainId: "pocket" });
    assert.equal(wrongChain.reachable, false);
    assert.match(wrongChain.error, /runs chain "pocketforge-localnet", not custom \(pocket\)/);
    await assert.rejects(call("chain.balance", { address: (await testAccount("x")).address }), (e: ApiError) => e.code === "unavailable");

    const back = await call("chain.setNetwork", { network: "localnet" });
    assert.equal(back.localnet.mode, "embedded");
    assert.equal(back.reachable, true);
  });
});
