// The block follower against the localnet: WebSocket delivery with hashes, no gap or duplicate across a
// dropped subscription (polling bridges it, a new subscription replaces it), and polling alone when the node
// has no WebSocket.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { BlockFollower, type FollowedBlock } from "../../../electron/core/chain/block-follower.js";
import { websocketUrlFor } from "../../../electron/core/chain/networks.js";
import { startLocalnet } from "../../fixtures/localnet-harness.js";

/** Collects blocks until `done` says so. */
function collect(follower: BlockFollower, done: (blocks: FollowedBlock[]) => boolean, timeoutMs = 20_000): Promise<FollowedBlock[]> {
  const blocks: FollowedBlock[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`gave up after ${blocks.length} blocks (mode ${follower.mode})`));
    }, timeoutMs);
    const stop = follower.onBlock((block) => {
      blocks.push(block);
      if (done(blocks)) {
        clearTimeout(timer);
        stop();
        resolve(blocks);
      }
    });
  });
}

function assertConsecutive(blocks: FollowedBlock[]): void {
  for (let i = 1; i < blocks.length; i++) assert.equal(blocks[i].height, blocks[i - 1].height + 1, `gap or repeat at ${blocks[i].height}`);
}

describe("BlockFollower", () => {
  test("follows NewBlockHeader over the WebSocket with the real block hashes", async () => {
    const net = await startLocalnet({ blockTimeMs: 100 });
    const follower = new BlockFollower({ rpcUrl: net.localnet.rpcUrl, wsUrl: websocketUrlFor(net.localnet.rpcUrl), blockTimeMs: 100 });
    try {
      const collecting = collect(follower, (blocks) => blocks.length >= 6);
      await follower.start();
      const blocks = await collecting;
      assertConsecutive(blocks);
      assert.equal(follower.mode, "websocket");
      for (const block of blocks.slice(-3)) assert.equal(block.hash, (await net.client.block(block.height)).hash);
    } finally {
      await follower.stop();
      await net.close();
    }
  });

  test("a dropped subscription is bridged by polling without gaps and replaced by a new one", async () => {
    const net = await startLocalnet({ blockTimeMs: 100 });
    const follower = new BlockFollower({
      rpcUrl: net.localnet.rpcUrl,
      wsUrl: websocketUrlFor(net.localnet.rpcUrl),
      blockTimeMs: 100,
      stallTimeoutMs: 400,
      pollIntervalMs: 100,
    });
    try {
      await follower.start();
      await collect(follower, () => follower.mode === "websocket");
      net.localnet.rpcServer.dropWebsocketClients();
      const blocks = await collect(follower, (seen) => seen.length >= 5 && follower.mode === "websocket" && follower.websocketConnections >= 2);
      assertConsecutive(blocks);
      assert.ok(net.localnet.rpcServer.websocketConnectionsAccepted >= 2);
    } finally {
      await follower.stop();
      await net.close();
    }
  });

  test("without a WebSocket it polls and still delivers every height once", async () => {
    const net = await startLocalnet({ blockTimeMs: 100, websocket: false });
    const follower = new BlockFollower({ rpcUrl: net.localnet.rpcUrl, wsUrl: websocketUrlFor(net.localnet.rpcUrl), blockTimeMs: 100, pollIntervalMs: 250 });
    try {
      const collecting = collect(follower, (blocks) => blocks.length >= 8);
      await follower.start();
      const blocks = await collecting;
      assertConsecutive(blocks);
      assert.equal(follower.mode, "polling");
    } finally {
      await follower.stop();
      await net.close();
    }
  });
});
