import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import type { ChainStatus, MinerMetrics } from "../../../shared/api/index.js";
import { bindChain, useChain } from "../../../renderer/src/stores/chain-store.js";
import { appendSample, bindMiner, useMiner } from "../../../renderer/src/stores/miner-store.js";
import { bindStaking, useStaking } from "../../../renderer/src/stores/staking-store.js";
import { resolveTheme } from "../../../renderer/src/stores/theme-store.js";
import { FakeApi, settle } from "./fake-api.js";

const initial = { miner: useMiner.getState(), chain: useChain.getState(), staking: useStaking.getState() };
afterEach(() => {
  useMiner.setState(initial.miner, true);
  useChain.setState(initial.chain, true);
  useStaking.setState(initial.staking, true);
});

function metrics(time: number, relaysPerMinute = 1): MinerMetrics {
  return {
    time,
    relaysPerMinute,
    relaysTotal: 0,
    minedTotal: 0,
    errorsPerMinute: 0,
    errorsByCode: [],
    latencyMs: { p50: null, p90: null, p99: null },
    tokensPerSecond: 0,
    height: null,
    currentSession: null,
    pendingClaims: 0,
    earnings: { settledUpokt: "0", pendingUpokt: "0" },
  };
}

test("a metrics sample with the time of the last one replaces it; the history is bounded", () => {
  let history = appendSample([], metrics(1, 1));
  history = appendSample(history, metrics(1, 2));
  assert.deepEqual(history.map((m) => m.relaysPerMinute), [2]);
  for (let t = 2; t < 10; t++) history = appendSample(history, metrics(t), 5);
  assert.deepEqual(history.map((m) => m.time), [5, 6, 7, 8, 9]);
});

test("miner events feed the charts at once and ask the ledger at most once per burst", async () => {
  const api = new FakeApi({ "earnings.summary": () => ({ days: [] }), "earnings.sessions": () => [] });
  const off = bindMiner(api, 20);
  for (let t = 1; t <= 3; t++) api.emit("miner.metrics", metrics(t));
  api.emit("miner.session", { sessionId: "s", serviceId: "x", stage: "claimed", reason: null });
  assert.equal(useMiner.getState().history.length, 3);
  assert.equal(api.called("earnings.summary"), 0, "the ledger is asked after the burst, not per event");
  await new Promise((resolve) => setTimeout(resolve, 40));
  await settle();
  assert.equal(api.called("earnings.summary"), 1);
  assert.deepEqual(useMiner.getState().sessions, []);
  off();
});

test("a block moves the height of the network it belongs to, not of another one", () => {
  const status: ChainStatus = { network: "localnet", chainId: "c", height: 10, latestBlockTime: null, reachable: true, rpcUrl: null, error: null, following: "websocket", localnet: { mode: "embedded" } };
  useChain.setState({ status });
  const api = new FakeApi();
  bindChain(api);
  api.emit("chain.block", { network: "localnet", height: 11, hash: "AB", time: "t" });
  assert.equal(useChain.getState().status?.height, 11);
  api.emit("chain.block", { network: "mainnet", height: 99_999, hash: "CD", time: "t" });
  assert.equal(useChain.getState().status?.height, 11);
});

test("an included transaction makes the supplier be read again; earlier stages only report progress", async () => {
  const api = new FakeApi({
    "staking.params": () => ({ minStakeUpokt: "1" }),
    "staking.supplier": () => null,
    "staking.endpoint": () => ({ publicUrl: null, listenUrl: "http://127.0.0.1:8642", suggestedUrl: null }),
    "staking.services": () => [],
  });
  const off = bindStaking(api);
  try {
    api.emit("staking.tx", { kind: "stake", stage: "broadcasting", txHash: null, height: null, error: null });
    await settle();
    assert.equal(api.called("staking.supplier"), 0);
    assert.equal(useStaking.getState().tx?.stage, "broadcasting");
    api.emit("staking.tx", { kind: "stake", stage: "included", txHash: "AA", height: 5, error: null });
    await settle();
    assert.equal(api.called("staking.supplier"), 1);
    assert.equal(useStaking.getState().supplier, null);
    assert.deepEqual(useStaking.getState().services, []);
  } finally {
    off();
  }
});

test("another network's rules and services are read when the network changes, and the service choice starts over", async () => {
  const status: ChainStatus = { network: "localnet", chainId: "pocketforge-localnet", height: 10, latestBlockTime: null, reachable: true, rpcUrl: null, error: null, following: "websocket", localnet: { mode: "embedded" } };
  useChain.setState({ status });
  const ai = { serviceId: "ai-inference", name: "AI", computeUnitsPerRelay: 100, ownerAddress: "pokt1x", card: null, byom: true, llm: true };
  const api = new FakeApi({
    "staking.params": () => ({ minStakeUpokt: "59500000000" }),
    "staking.supplier": () => null,
    "staking.endpoint": () => ({ publicUrl: null, listenUrl: "http://127.0.0.1:8642", suggestedUrl: null }),
    "staking.services": () => [ai],
  });
  const off = bindStaking(api);
  try {
    useStaking.setState({ chosenServiceId: "pocketforge-test-stories260k" });
    useChain.setState({ status: { ...status, height: 11 } });
    await settle();
    assert.equal(api.called("staking.services"), 0, "a new block is no reason to read the rules again");
    useChain.setState({ status: { ...status, network: "mainnet", chainId: "pocket" } });
    await settle();
    assert.equal(api.called("staking.services"), 1);
    assert.equal(useStaking.getState().chosenServiceId, null);
    assert.deepEqual(useStaking.getState().services, [ai]);
  } finally {
    off();
  }
});

test("the theme follows the system unless one is chosen", () => {
  assert.equal(resolveTheme("system", true), "dark");
  assert.equal(resolveTheme("system", false), "light");
  assert.equal(resolveTheme("light", true), "light");
  assert.equal(resolveTheme("dark", false), "dark");
});
