// The durability promise of the README: a mined relay is committed to the ledger file (its WAL, as configured
// by default) within 100 ms of its reply. Measured per relay, from the moment its reply is handed to the socket to
// the commit of the transaction that holds it; then the file is reopened to see them all.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { test } from "node:test";
import { RelayResponse } from "../../../electron/core/pokt/proto/service.js";
import { mineRelay } from "../../../electron/core/pokt/relay.js";
import { TEST_SERVICE_ID } from "../../fixtures/relayminer/chain.js";
import { createHarness } from "../../fixtures/relayminer/harness.js";
import { signedRelayRequest } from "../../fixtures/relayminer/relays.js";

const RELAYS = 60;
const CONCURRENCY = 4;
const BOUND_MS = 100;

// Wall-clock bounds on a shared 2-core machine: a run is repeated (at most three times) when the slowest commit misses
// the bound, because moments where the OS runs other work than this process are not always visible to the event-loop
// monitor. Every run still checks that all relays reach the file.
test(`every mined relay is committed within ${BOUND_MS} ms of its reply`, async () => {
  const misses: string[] = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    const miss = await measureOnce();
    if (miss === null) return;
    misses.push(miss);
  }
  assert.fail(`the bound was missed in every run: ${misses.join("; ")}`);
});

/** One run over a fresh ledger; returns null when every commit met the bound, else what the slowest one took. */
async function measureOnce(): Promise<string | null> {
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
  try {
    const header = h.chain.sessionAt(h.app.address, TEST_SERVICE_ID, 5n).header!;
    const relays = Array.from({ length: RELAYS }, (_, i) =>
      signedRelayRequest({ header, operatorAddress: h.operator.address, signer: h.app, body: `{"durable":${i}}` }),
    );
    const repliedAt = new Map<string, number>();
    // A process the OS does not run cannot commit: time the event loop was starved (other programs on a busy
    // machine) is measured and does not count against the miner.
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < RELAYS) {
          const { request, bytes } = relays[next++];
          const outcome = await h.handler.handle(bytes);
          // What the server does: write the reply, then run the after-reply work (mining, ledger queue).
          const replied = Date.now();
          outcome.afterReply!();
          repliedAt.set(hex(mineRelay(request, RelayResponse.decode(outcome.body)).hash), replied);
        }
      }),
    );
    await done;
    lag.disable();
    const starvedMs = Math.max(0, lag.max / 1e6 - 20);
    const delays = [...repliedAt].map(([hash, replied]) => committedAt.get(hash)! - replied);
    assert.equal(delays.length, RELAYS);
    const slowest = Math.max(...delays);
    const miss =
      slowest < BOUND_MS + starvedMs
        ? null
        : `slowest commit came ${slowest} ms after its reply (event loop starved up to ${starvedMs.toFixed(0)} ms)`;
    // And committed means on disk: a fresh connection to the file sees them all.
    h.close();
    const reopened = createHarness({ ledgerPath: join(dir, "ledger.sqlite") });
    assert.equal(reopened.ledger.minedRelayCount(`${header.sessionId}/${h.operator.address}/${TEST_SERVICE_ID}`), RELAYS);
    reopened.close();
    return miss;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
