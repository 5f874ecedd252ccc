// The durability promise of the README: a mined relay is committed to the ledger file (its WAL, as configured
// by default) within 100 ms of its reply. Measured per relay over loopback HTTP through the relay server, as a
// gateway reaches it, from the moment the reply is handed to the socket to the commit of the transaction that
// holds it; then the file is reopened to see them all.
//
// Driving the handler in a loop of awaits (no socket) would chain every relay through microtasks: the event
// loop never reaches its timers phase, so the batch timer cannot fire until the chain ends, and the event-loop
// delay monitor cannot see that starvation either (it measures timer lateness between loop turns). Such a
// loop put commits 100–200 ms behind their replies on a loaded machine although the server never does that.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { test } from "node:test";
import { LogSink } from "../../../electron/core/runtime/logger.js";
import { RelayResponse } from "../../../electron/core/pokt/proto/service.js";
import { mineRelay } from "../../../electron/core/pokt/relay.js";
import type { RelayHandler } from "../../../electron/core/relayminer/relay-handler.js";
import { RelayServer } from "../../../electron/core/relayminer/relay-server.js";
import { TEST_SERVICE_ID } from "../../fixtures/relayminer/chain.js";
import { createHarness } from "../../fixtures/relayminer/harness.js";
import { signedRelayRequest } from "../../fixtures/relayminer/relays.js";
import { postBytes } from "../../fixtures/http-post.js";

const RELAYS = 60;
const CONCURRENCY = 4;
const BOUND_MS = 100;

test(`every mined relay is committed within ${BOUND_MS} ms of its reply`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "pf-durability-"));
  const h = createHarness({ ledgerPath: join(dir, "ledger.sqlite") });
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
  const committedAt = new Map<string, number>();
  let allCommitted!: () => void;
  const done = new Promise<void>((resolve) => (allCommitted = resolve));
  h.ledger.onCommit((writes, at) => {
    for (const write of writes) if (write.kind === "mined") committedAt.set(hex(write.record.relayHash), at);
    if (committedAt.size === RELAYS) allCommitted();
  });
  // The server writes the reply, then runs the after-reply work (mining, ledger queue): the reply time is taken
  // between the two, keyed by the reply's bytes.
  const repliedAt = new Map<string, number>();
  const timedHandler: Pick<RelayHandler, "handle"> = {
    async handle(body, signal) {
      const outcome = await h.handler.handle(body, signal);
      assert.ok(!("stream" in outcome), "the echo backend answers whole");
      const afterReply = outcome.afterReply;
      return {
        body: outcome.body,
        afterReply: afterReply && (() => (repliedAt.set(hex(outcome.body), Date.now()), afterReply())),
      };
    },
  };
  const server = new RelayServer({
    host: "127.0.0.1",
    port: 0,
    maxBodyBytes: 1_000_000,
    handler: timedHandler as RelayHandler,
    metrics: h.metrics,
    logger: new LogSink({ dir: null }).logger("durability"),
  });
  await server.start();
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    const header = h.chain.sessionAt(h.app.address, TEST_SERVICE_ID, 5n).header!;
    const relays = Array.from({ length: RELAYS }, (_, i) =>
      signedRelayRequest({ header, operatorAddress: h.operator.address, signer: h.app, body: `{"durable":${i}}` }),
    );
    const relayHashOfReply = new Map<string, string>();
    // A process the OS does not run cannot commit: time the event loop was held up (other programs on a busy
    // machine) is measured and does not count against the miner.
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < RELAYS) {
          const { request, bytes } = relays[next++];
          const reply = new Uint8Array(await postBytes(server.url!, bytes, agent));
          relayHashOfReply.set(hex(reply), hex(mineRelay(request, RelayResponse.decode(reply)).hash));
        }
      }),
    );
    await done;
    lag.disable();
    const starvedMs = Math.max(0, lag.max / 1e6 - 20);
    assert.equal(repliedAt.size, RELAYS);
    const delays = [...repliedAt].map(([reply, replied]) => committedAt.get(relayHashOfReply.get(reply)!)! - replied);
    assert.ok(delays.every(Number.isFinite), "every replied relay was committed");
    const slowest = Math.max(...delays);
    assert.ok(
      slowest < BOUND_MS + starvedMs,
      `slowest commit came ${slowest} ms after its reply (event loop held up at most ${starvedMs.toFixed(0)} ms)`,
    );
  } finally {
    agent.destroy();
    await server.stop();
    h.close();
  }
  try {
    // And committed means on disk: a fresh connection to the file sees them all.
    const reopened = createHarness({ ledgerPath: join(dir, "ledger.sqlite") });
    const header = reopened.chain.sessionAt(reopened.app.address, TEST_SERVICE_ID, 5n).header!;
    assert.equal(reopened.ledger.minedRelayCount(`${header.sessionId}/${reopened.operator.address}/${TEST_SERVICE_ID}`), RELAYS);
    reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
