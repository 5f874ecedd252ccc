// Network profiles: the public endpoints of docs/protocol.md §1.2, the localnet's own chain id, custom URLs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  BETA,
  LOCALNET_CHAIN_ID,
  MAINNET,
  customProfile,
  localnetProfile,
  websocketUrlFor,
} from "../../../electron/core/chain/networks.js";

describe("network profiles", () => {
  test("public networks use the documented RPC endpoints, never allow block_results, and price gas at 0.000001upokt", () => {
    assert.equal(MAINNET.rpcUrl, "https://sauron-rpc.infra.pocket.network");
    assert.deepEqual(MAINNET.expectedChainIds, ["pocket"]);
    assert.equal(BETA.rpcUrl, "https://sauron-rpc.beta.infra.pocket.network");
    assert.ok(BETA.expectedChainIds.includes("pocket-lego-testnet"));
    for (const profile of [MAINNET, BETA]) {
      assert.equal(profile.allowsBlockResults, false);
      assert.equal(profile.minGasPrice, "0.000001upokt");
      assert.equal(profile.wsUrl, websocketUrlFor(profile.rpcUrl));
    }
  });

  test("the localnet has its own chain id (so no localnet signature can replay on mainnet) and may read block_results", () => {
    const profile = localnetProfile("http://127.0.0.1:26657/", 200);
    assert.notEqual(LOCALNET_CHAIN_ID, "pocket");
    assert.deepEqual(profile.expectedChainIds, [LOCALNET_CHAIN_ID]);
    assert.equal(profile.rpcUrl, "http://127.0.0.1:26657");
    assert.equal(profile.wsUrl, "ws://127.0.0.1:26657");
    assert.equal(profile.allowsBlockResults, true);
    assert.equal(profile.blockTimeMs, 200);
  });

  test("WebSocket URLs keep host and path and swap the scheme", () => {
    assert.equal(websocketUrlFor("https://rpc.example.com/pokt/"), "wss://rpc.example.com/pokt");
    assert.throws(() => websocketUrlFor("ftp://rpc.example.com"), /http:\/\/ or https:\/\//);
  });

  test("custom endpoints are validated and accept any chain id unless one is given", () => {
    const custom = customProfile({ rpcUrl: "https://node.example.org" });
    assert.deepEqual(custom.expectedChainIds, []);
    assert.equal(custom.allowsBlockResults, false);
    assert.deepEqual(customProfile({ rpcUrl: "http://10.0.0.2:26657", chainId: "pocket" }).expectedChainIds, ["pocket"]);
    assert.throws(() => customProfile({ rpcUrl: "http://x", wsUrl: "http://x" }), /ws:\/\//);
  });
});
