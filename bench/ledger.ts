// `npm run bench -- ledger`: the SQLite books on a real file (WAL, synchronous NORMAL, as the app opens them).
//  - relay path: one batch of mined relays + served relays committed in one transaction (the BatchWriter's
//    flush), p50/p99 per batch and rows per second;
//  - restart: reading a session's mined relays back in mining order (what rebuilds its tree after a crash);
//  - dashboard: the earnings summary over the whole file.
// Uses only the Ledger's public API, so the same file measures any SQLite binding behind it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Ledger } from "../electron/core/ledger/ledger.js";
import { sessionRecord } from "../test/fixtures/relayminer/ledger-records.js";
import { printRows, type BenchRow } from "./types.js";

const BATCHES = 200;
const RELAYS_PER_BATCH = 64;
const SESSIONS = 20;
const READ_ROUNDS = 20;
const SUMMARY_ROUNDS = 50;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export async function benchLedger(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "pocketforge-bench-ledger-"));
  // Batches are committed only when this benchmark flushes, so each commit is timed on its own.
  const ledger = new Ledger({ path: join(dir, "ledger.sqlite"), maxDelayMs: 3_600_000, maxBatchItems: 1_000_000 });
  try {
    for (let n = 1; n <= SESSIONS; n++) ledger.recordSession(sessionRecord(n));
    ledger.flush();

    const relayBytes = new Uint8Array(600).fill(7); // a short chat completion's relay
    const commitMs: number[] = [];
    let sequence = 0;
    const writeStarted = performance.now();
    for (let batch = 0; batch < BATCHES; batch++) {
      for (let i = 0; i < RELAYS_PER_BATCH; i++) {
        const n = (sequence % SESSIONS) + 1;
        const relayHash = new Uint8Array(32);
        new DataView(relayHash.buffer).setUint32(0, ++sequence);
        const treeKey = `s${n}/op/llm`;
        ledger.recordRelay({
          timeMs: Date.UTC(2026, 0, 1 + n) + sequence,
          serviceId: "llm",
          sessionId: `s${n}`,
          treeKey,
          applicationAddress: "app",
          latencyMs: 12.5,
          tokensIn: 40,
          tokensOut: 200,
          status: "ok",
          httpStatus: 200,
          error: null,
          mined: true,
        });
        ledger.recordMinedRelay({ treeKey, relayHash, relayBytes, weight: 100n, timeMs: sequence });
      }
      const started = performance.now();
      if (!ledger.flush()) throw new Error("a batch failed to commit");
      commitMs.push(performance.now() - started);
    }
    const writeSeconds = (performance.now() - writeStarted) / 1000;

    const readMs: number[] = [];
    let rowsRead = 0;
    for (let r = 0; r < READ_ROUNDS; r++) {
      const started = performance.now();
      for (const relay of ledger.minedRelays(`s${(r % SESSIONS) + 1}/op/llm`)) rowsRead += relay.weight > 0n ? 1 : 0;
      readMs.push(performance.now() - started);
    }
    if (rowsRead !== READ_ROUNDS * ((BATCHES * RELAYS_PER_BATCH) / SESSIONS)) throw new Error(`read ${rowsRead} mined relays`);

    const summaryMs: number[] = [];
    for (let r = 0; r < SUMMARY_ROUNDS; r++) {
      const started = performance.now();
      ledger.earnings.summary(30, Date.UTC(2026, 0, 25));
      summaryMs.push(performance.now() - started);
    }

    const perSession = (BATCHES * RELAYS_PER_BATCH) / SESSIONS;
    return [
      { name: `commit of ${RELAYS_PER_BATCH} relays + ${RELAYS_PER_BATCH} mined, p50`, value: round(percentile(commitMs, 50)), unit: "ms" },
      { name: `commit of ${RELAYS_PER_BATCH} relays + ${RELAYS_PER_BATCH} mined, p99`, value: round(percentile(commitMs, 99)), unit: "ms" },
      { name: "relay-path rows written", value: Math.round((2 * BATCHES * RELAYS_PER_BATCH) / writeSeconds), unit: "rows/s" },
      { name: `read back ${perSession} mined relays, p50`, value: round(percentile(readMs, 50)), unit: "ms" },
      { name: "earnings summary (30 days), p50", value: round(percentile(summaryMs, 50)), unit: "ms" },
    ];
  } finally {
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printRows("bench ledger", await benchLedger());
}
