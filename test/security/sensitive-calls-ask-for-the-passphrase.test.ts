// Whoever reaches an engine whose wallet is unlocked (a stolen dashboard session, a script with the token) must not
// be able to move funds, unstake, change the owner, delete a key or open a listener to the LAN: each of these asks
// for the wallet passphrase again, and a missing or wrong one does nothing at all.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ApiError, parseCall, type MethodName } from "../../shared/api/index.js";
import { ConfigStore } from "../../electron/core/app/config.js";
import { createAppHandlers } from "../../electron/core/app/handlers/app-handlers.js";
import { PortsSettings } from "../../electron/core/app/ports.js";
import { LogSink, silentLogger } from "../../electron/core/runtime/logger.js";
import { createStakingHandlers } from "../../electron/core/staking/api-handlers.js";
import type { StakingService } from "../../electron/core/staking/staking-service.js";
import { createWalletHandlers } from "../../electron/core/wallet/api-handlers.js";
import { WalletService } from "../../electron/core/wallet/wallet-service.js";

const PASSPHRASE = "correct horse battery staple";
const OTHER = "pokt1pkptre7fdkl6gfrzlesjjvhxhlc3r4gmnw7zr9";

describe("sensitive calls on an unlocked wallet", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "pf-reauth-"));
  const wallet = new WalletService({
    dataDir,
    logger: new LogSink({ dir: null }).logger("wallet"),
    emit: () => undefined,
    scryptParams: { n: 16, r: 1, p: 1 },
    passphraseDelaysMs: [0],
  });
  /** A staking service that records what it was asked to sign. */
  const signed: string[] = [];
  const staking = {
    unstake: async () => (signed.push("unstake"), { txHash: "AA", height: 1, feeUpokt: "1" }),
    stake: async (request: { revShare?: Array<{ address: string }> }) => (signed.push(`stake ${request.revShare?.[0]?.address}`), { txHash: "CC", height: 3, feeUpokt: "1" }),
    addService: async (params: { serviceId: string }) => (signed.push(`add ${params.serviceId}`), { txHash: "DD", height: 4, feeUpokt: "1" }),
    send: async (params: { toAddress: string }) => (signed.push(`send ${params.toAddress}`), { txHash: "BB", height: 2, feeUpokt: "1" }),
  } as unknown as StakingService;
  const config = new ConfigStore(dataDir, silentLogger);
  const relayMiner = { status: () => ({ state: "stopped" }), stopMining: async () => undefined, startMining: async () => undefined };
  const handlers = {
    ...createWalletHandlers(wallet),
    ...createStakingHandlers(staking, (passphrase, purpose) => wallet.confirmPassphrase(passphrase, purpose)),
    ...createAppHandlers({
      info: () => ({ name: "PocketForge", version: "1", apiVersion: 1, platform: "linux", arch: "x64", dataDir, network: "localnet", startedAt: 1 }),
      logs: new LogSink({ dir: null }),
      ports: new PortsSettings({ config, effective: config.get(), relayMiner }),
      confirmOpening: async (passphrase) => {
        if (passphrase === undefined) throw new ApiError("wrong_passphrase", "passphrase required", { reason: "passphrase_required" });
        await wallet.confirmPassphrase(passphrase, "open a listener beyond loopback");
      },
    }),
  } as Record<string, (params: unknown, context: unknown) => unknown>;
  /** Validates against the contract, as the router does, then runs the handler from a browser. */
  const call = async (method: MethodName, params: unknown) => {
    const parsed = parseCall(method, params);
    return handlers[method]!(parsed.params, { transport: "websocket", peer: "127.0.0.1" });
  };
  const refusal = async (method: MethodName, params: unknown): Promise<string> => {
    try {
      await call(method, params);
    } catch (error) {
      assert.ok(error instanceof ApiError, String(error));
      return error.code;
    }
    return "accepted";
  };
  let operator = "";
  let second = "";

  before(async () => {
    await wallet.start();
    operator = (await wallet.create({ words: 12, label: "operator", passphrase: PASSPHRASE })).account.address;
    second = (await wallet.create({ words: 12, label: "spare", passphrase: PASSPHRASE })).account.address;
    assert.equal(wallet.snapshot().state, "unlocked");
  });
  after(async () => {
    await wallet.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("sending and unstaking sign nothing without the right passphrase", async () => {
    const send = { toAddress: OTHER, amountUpokt: "1000000" };
    assert.equal(await refusal("transfer.send", send), "invalid_params");
    assert.equal(await refusal("transfer.send", { ...send, passphrase: "guess" }), "wrong_passphrase");
    assert.equal(await refusal("staking.unstake", {}), "invalid_params");
    assert.equal(await refusal("staking.unstake", { passphrase: "guess" }), "wrong_passphrase");
    assert.deepEqual(signed, []);
    await call("transfer.send", { ...send, passphrase: PASSPHRASE });
    await call("staking.unstake", { passphrase: PASSPHRASE });
    assert.deepEqual(signed, [`send ${OTHER}`, "unstake"]);
  });

  test("staking (which locks funds and decides where rewards go) and registering a service need it too", async () => {
    signed.length = 0;
    const stake = { stakeUpokt: "100000000", serviceId: "ai-inference", endpointUrl: "https://rig.example.com", revShare: [{ address: OTHER, percent: 100 }] };
    assert.equal(await refusal("staking.stake", stake), "invalid_params");
    assert.equal(await refusal("staking.stake", { ...stake, passphrase: "guess" }), "wrong_passphrase");
    const service = { serviceId: "junk-svc-1", name: "junk", computeUnitsPerRelay: 1 };
    assert.equal(await refusal("staking.addService", service), "invalid_params");
    assert.equal(await refusal("staking.addService", { ...service, passphrase: "guess" }), "wrong_passphrase");
    assert.deepEqual(signed, []);
    await call("staking.stake", { ...stake, passphrase: PASSPHRASE });
    await call("staking.addService", { ...service, passphrase: PASSPHRASE });
    assert.deepEqual(signed, [`stake ${OTHER}`, "add junk-svc-1"]);
  });

  test("changing the owner and deleting a key need it too", async () => {
    assert.equal(await refusal("wallet.setOwner", { address: OTHER, passphrase: "guess" }), "wrong_passphrase");
    assert.equal(wallet.snapshot().owner?.custody ?? "operator", "operator", "the owner did not change");
    assert.equal(wallet.snapshot().operatorAddress, operator);
    const prepared = (await call("wallet.prepareDelete", { address: second })) as { confirmationToken: string };
    assert.equal(await refusal("wallet.delete", { address: second, confirmationToken: prepared.confirmationToken }), "invalid_params");
    assert.equal(await refusal("wallet.delete", { address: second, confirmationToken: prepared.confirmationToken, passphrase: "guess" }), "wrong_passphrase");
    assert.equal(wallet.snapshot().accounts.length, 2);
    await call("wallet.delete", { address: second, confirmationToken: prepared.confirmationToken, passphrase: PASSPHRASE });
    assert.equal(wallet.snapshot().accounts.length, 1);
  });

  test("moving a listener beyond loopback needs it; moving it along loopback does not", async () => {
    await call("app.setPorts", { openAi: { host: "127.0.0.1", port: 9641 } });
    assert.equal(await refusal("app.setPorts", { openAi: { host: "0.0.0.0", port: 9641 } }), "wrong_passphrase");
    assert.equal(await refusal("app.setPorts", { relay: { host: "192.168.1.5", port: 8642 }, passphrase: "guess" }), "wrong_passphrase");
    assert.deepEqual([config.get().openAi.host, config.get().relayMiner.listen.host], ["127.0.0.1", "127.0.0.1"], "nothing was saved");
    await call("app.setPorts", { openAi: { host: "0.0.0.0", port: 9641 }, passphrase: PASSPHRASE });
    assert.equal(config.get().openAi.host, "0.0.0.0");
  });

  test("a host that only looks like loopback (127.0.0.999) or is not an address of this machine is refused, not saved", async () => {
    for (const host of ["127.0.0.999", "127.1", "pc.example.org", "0x7f.0.0.1"]) {
      assert.equal(await refusal("app.setPorts", { relay: { host, port: 8642 } }), "invalid_params", host);
    }
    assert.equal(config.get().relayMiner.listen.host, "127.0.0.1", "nothing was saved");
  });
});
