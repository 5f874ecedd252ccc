import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { BatchWriter } from "../../../electron/core/ledger/batch-writer.js";
import { Ledger, type LedgerWrite } from "../../../electron/core/ledger/ledger.js";
import { LATEST_SCHEMA_VERSION, LedgerSchemaError, MIGRATIONS, migrate, type Migration } from "../../../electron/core/ledger/migrations.js";
import { openSqlite } from "../../../electron/core/runtime/sqlite.js";
import { sessionRecord } from "../../fixtures/relayminer/ledger-records.js";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "pf-ledger-"));
}

test("migrations run once, are recorded, and a newer schema is refused", () => {
  const db = openSqlite(":memory:");
  assert.deepEqual(migrate(db), MIGRATIONS.map((m) => m.version));
  assert.deepEqual(migrate(db), [], "nothing left to apply");
  assert.equal(db.pragma("user_version"), LATEST_SCHEMA_VERSION);
  db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 0)").run(LATEST_SCHEMA_VERSION + 1);
  assert.throws(() => migrate(db), LedgerSchemaError);
  db.close();
});

test("a migration that fails leaves the previous version intact", () => {
  const db = openSqlite(":memory:");
  const broken: Migration[] = [
    ...MIGRATIONS,
    {
      version: LATEST_SCHEMA_VERSION + 1,
      name: "broken",
      up(d) {
        d.exec("CREATE TABLE half_done (x INTEGER)");
        throw new Error("disk on fire");
      },
    },
  ];
  assert.throws(() => migrate(db, broken), /disk on fire/);
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name);
  assert.ok(!tables.includes("half_done"));
  assert.equal((db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number }).v, LATEST_SCHEMA_VERSION);
  db.close();
});

// The promise is a schedule: a queued write is committed at the end of its turn (a writer that was quiet) or by the
// batch's own timer, `maxDelayMs` after the first write of the batch. A wall-clock bound on the commit alone fails
// whenever the OS does not run this process (a loaded CI machine held one commit 135 ms), so the test checks the
// schedule against a sentinel timer of the same delay armed after the burst (Node fires timers of equal delay in the
// order they were armed), and the clock bound discounts how late that sentinel fired.
test("relay-path writes are batched and committed within the delay bound; the file is in WAL mode", async () => {
  const dir = tempDir();
  const MAX_DELAY_MS = 20;
  const commits: Array<{ writes: readonly LedgerWrite[]; at: number }> = [];
  const ledger = new Ledger({
    path: join(dir, "ledger.sqlite"),
    maxDelayMs: MAX_DELAY_MS,
    onCommit: (writes, at) => commits.push({ writes, at }),
  });
  try {
    assert.equal(ledger.storageSettings().journalMode, "wal");
    const firstQueuedAt = Date.now();
    ledger.recordSession(sessionRecord(1));
    for (let i = 0; i < 40; i++) {
      ledger.recordMinedRelay({ treeKey: "s1/op/llm", relayHash: new Uint8Array(32).fill(i), relayBytes: new Uint8Array([i]), weight: 100n, timeMs: Date.now() });
    }
    const burstMs = Date.now() - firstQueuedAt;
    // A burst the OS stretched past the delay is committed by the push that found its batch due, not later.
    if (burstMs < MAX_DELAY_MS) assert.equal(ledger.pendingWrites, 41, "nothing is written synchronously");
    const sentinelDue = Date.now() + MAX_DELAY_MS;
    const sentinel = await new Promise<{ firedAt: number; committed: number; transactions: number }>((resolve) =>
      setTimeout(() => resolve({ firedAt: Date.now(), committed: commits.reduce((n, c) => n + c.writes.length, 0), transactions: commits.length }), MAX_DELAY_MS),
    );
    assert.equal(sentinel.committed, 41, "every write was committed before the sentinel fired");
    if (burstMs < MAX_DELAY_MS) assert.equal(sentinel.transactions, 1, "one transaction for the whole burst");
    const lateMs = Math.max(0, sentinel.firedAt - sentinelDue);
    const delay = commits[commits.length - 1].at - firstQueuedAt;
    assert.ok(delay < 100 + lateMs, `committed ${delay} ms after the first write was queued (timers ran ${lateMs} ms late)`);
    // A second connection (another process) sees the committed rows.
    const reader = openSqlite(join(dir, "ledger.sqlite"), { readOnly: true });
    assert.equal((reader.prepare("SELECT COUNT(*) AS n FROM mined_relays").get() as { n: number }).n, 40);
    reader.close();
  } finally {
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a full batch is committed at once", () => {
  const ledger = new Ledger({ path: ":memory:", maxBatchItems: 10, maxDelayMs: 60_000 });
  let committed = 0;
  ledger.onCommit((writes) => (committed += writes.length));
  ledger.recordSession(sessionRecord(1));
  for (let i = 0; i < 9; i++) {
    ledger.recordMinedRelay({ treeKey: "s1/op/llm", relayHash: new Uint8Array(32).fill(i), relayBytes: new Uint8Array([i]), weight: 1n, timeMs: 0 });
  }
  assert.equal(committed, 10);
  ledger.close();
});

test("sessions and their mined relays survive a reopen, in mining order, without duplicates", () => {
  const dir = tempDir();
  const path = join(dir, "ledger.sqlite");
  try {
    const first = new Ledger({ path });
    first.recordSession(sessionRecord(1));
    first.recordSession(sessionRecord(2));
    const hashes = [5, 3, 9, 3].map((b) => new Uint8Array(32).fill(b));
    for (const [i, relayHash] of hashes.entries()) {
      first.recordMinedRelay({ treeKey: "s1/op/llm", relayHash, relayBytes: new Uint8Array([i]), weight: 100n, timeMs: i });
    }
    first.close(); // flushes
    const second = new Ledger({ path });
    second.setSessionState("s2/op/llm", "settled");
    const unfinished = second.unfinishedSessions();
    assert.deepEqual(unfinished.map((s) => s.treeKey), ["s1/op/llm"]);
    assert.equal(unfinished[0].endHeight, 20n);
    assert.deepEqual(unfinished[0].targetHash, new Uint8Array(32).fill(0xff));
    const mined = [...second.minedRelays("s1/op/llm")];
    assert.deepEqual(mined.map((m) => m.relayHash[0]), [5, 3, 9], "the repeated relay is stored once");
    assert.deepEqual(mined.map((m) => m.weight), [100n, 100n, 100n]);
    second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A BatchWriter of numbers into a one-column table, on a clock the test moves; `failing` makes every commit throw. */
function numberWriter(options: { maxItems?: number; failing?: () => boolean; onCommit?(items: readonly number[]): void; onError?(): void } = {}) {
  const db = openSqlite(":memory:");
  db.exec("CREATE TABLE t (x INTEGER)");
  const insert = db.prepare("INSERT INTO t VALUES (?)");
  const clock = { now: 1_000 };
  const writer = new BatchWriter<number>({
    db,
    write: (items) => {
      if (options.failing?.()) throw new Error("disk full");
      for (const x of items) insert.run(x);
    },
    maxDelayMs: 20,
    maxItems: options.maxItems ?? 1000,
    now: () => clock.now,
    onCommit: options.onCommit,
    onError: options.onError,
  });
  const count = () => (db.prepare("SELECT COUNT(*) AS n FROM t").get() as { n: number }).n;
  const rows = () => db.prepare("SELECT x FROM t ORDER BY x").all();
  return { db, writer, clock, count, rows };
}

test("the batch writer commits a due batch on the next push, without waiting for its timer", () => {
  const committed: number[][] = [];
  const { db, writer, clock, count } = numberWriter({ onCommit: (items) => committed.push([...items]) });
  writer.push(1);
  clock.now += 10;
  writer.push(2);
  assert.deepEqual(committed, [], "not due yet");
  clock.now += 10; // the oldest write is now 20 ms old: this push commits everything queued
  writer.push(3);
  assert.deepEqual(committed, [[1, 2, 3]]);
  clock.now += 5;
  writer.push(4);
  assert.equal(writer.pending, 1);
  writer.close();
  assert.deepEqual(committed, [[1, 2, 3], [4]]);
  assert.equal(count(), 4);
  db.close();
});

test("after a quiet spell writes are committed at the end of their turn; writes that follow a commit closely wait for the batch timer", async () => {
  const committed: number[][] = [];
  let onTimerCommit: (() => void) | undefined;
  const { db, writer, clock, count } = numberWriter({
    onCommit: (items) => {
      committed.push([...items]);
      onTimerCommit?.();
    },
  });
  try {
    writer.push(1);
    writer.push(2);
    assert.deepEqual(committed, [], "nothing is written synchronously");
    await Promise.resolve(); // runs after the microtasks already queued, the writer's among them
    assert.deepEqual(committed, [[1, 2]], "the turn's writes share one commit at its end");
    clock.now += 5;
    const byTimer = new Promise<void>((resolve) => (onTimerCommit = resolve));
    writer.push(3);
    await Promise.resolve();
    assert.equal(writer.pending, 1, "5 ms after a commit, a write waits to be batched");
    await byTimer;
    assert.deepEqual(committed, [[1, 2], [3]], "the batch timer committed it");
    onTimerCommit = undefined;
    clock.now += 100;
    writer.push(4);
    await Promise.resolve();
    assert.deepEqual(committed, [[1, 2], [3], [4]], "quiet again: committed at the end of the turn");
  } finally {
    writer.close();
  }
  assert.equal(count(), 4);
  db.close();
});

test("a failed commit is retried by its own timer, not by the end of each later turn", async () => {
  let failing = true;
  let failures = 0;
  const { db, writer, clock, rows } = numberWriter({ failing: () => failing, onError: () => (failures += 1) });
  try {
    writer.push(1);
    await Promise.resolve();
    assert.equal(failures, 1, "the end-of-turn commit failed");
    clock.now += 1;
    writer.push(2);
    await Promise.resolve();
    assert.equal(failures, 1, "no second attempt before the retry timer");
    assert.equal(writer.pending, 2, "both writes are kept");
    failing = false;
    assert.equal(writer.close(), true);
    assert.deepEqual(rows(), [{ x: 1 }, { x: 2 }]);
  } finally {
    writer.close(); // stops the retry timer when an assertion failed first
    db.close();
  }
});

test("a commit that failed in the turn an end-of-turn commit was queued in is also left to the retry timer", async () => {
  let failures = 0;
  const { db, writer } = numberWriter({ maxItems: 2, failing: () => true, onError: () => (failures += 1) });
  try {
    writer.push(1); // a quiet writer: a commit is queued for the end of the turn
    writer.push(2); // a full batch: committed at once, and that fails
    assert.equal(failures, 1);
    await Promise.resolve();
    assert.equal(failures, 1, "the queued end-of-turn commit did not retry before the retry timer");
    assert.equal(writer.pending, 2);
  } finally {
    writer.close();
    db.close();
  }
});

test("storage settings: WAL, synchronous NORMAL unless FULL is asked for, a busy timeout and foreign keys", () => {
  const dir = tempDir();
  try {
    const normal = new Ledger({ path: join(dir, "normal.sqlite") });
    assert.deepEqual(normal.storageSettings(), { journalMode: "wal", synchronous: "NORMAL", busyTimeoutMs: 5000, foreignKeys: true });
    normal.close();
    const full = new Ledger({ path: join(dir, "full.sqlite"), synchronous: "FULL" });
    assert.equal(full.storageSettings().synchronous, "FULL");
    full.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("typed reads: relays in serving order, sessions by state, proofs, settlements and mined relay totals", () => {
  const ledger = new Ledger({ path: ":memory:", maxDelayMs: 60_000 });
  try {
    ledger.recordSession(sessionRecord(1));
    ledger.recordSession(sessionRecord(2));
    const relay = { timeMs: 5, serviceId: "llm", sessionId: "s1", treeKey: "s1/op/llm", applicationAddress: "app", latencyMs: 1.5 };
    ledger.recordRelay({ ...relay, tokensIn: 3, tokensOut: 5, status: "ok", httpStatus: 200, error: null, mined: true });
    ledger.recordRelay({ ...relay, tokensIn: null, tokensOut: null, status: "relayer_proxy:5", httpStatus: null, error: "down", mined: false });
    for (const [treeKey, fill] of [["s1/op/llm", 1], ["s1/op/llm", 2], ["s2/op/llm", 3]] as const) {
      ledger.recordMinedRelay({ treeKey, relayHash: new Uint8Array(32).fill(fill), relayBytes: new Uint8Array([fill]), weight: 100n, timeMs: 0 });
    }
    // Reads see what the relay path queued, without waiting for the batch timer.
    assert.deepEqual(ledger.relays(), [
      { ...relay, tokensIn: 3, tokensOut: 5, status: "ok", httpStatus: 200, error: null, mined: true },
      { ...relay, tokensIn: null, tokensOut: null, status: "relayer_proxy:5", httpStatus: null, error: "down", mined: false },
    ]);
    assert.equal(ledger.minedRelayCount(), 3);
    assert.equal(ledger.minedRelayCount("s1/op/llm"), 2);

    ledger.setSessionState("s2/op/llm", "skipped");
    assert.deepEqual(ledger.sessionsIn("skipped").map((s) => s.sessionId), ["s2"]);
    assert.deepEqual(ledger.sessionsIn("open").map((s) => s.sessionId), ["s1"]);

    ledger.saveProof({ treeKey: "s1/op/llm", status: "submitted", required: true, requirementReason: "THRESHOLD", reason: null, txHash: "P1", height: 17n, attempts: 1 });
    assert.deepEqual(ledger.proofs(), [ledger.proof("s1/op/llm")]);
    assert.equal(ledger.proofs()[0].requirementReason, "THRESHOLD");
    const settlement = { claimedUpokt: 10n, settledUpokt: 10n, penaltyUpokt: 0n, exact: true, height: 21n } as const;
    ledger.saveSettlement({ ...settlement, treeKey: "s2/op/llm", outcome: "skipped", reason: "insufficient_balance", rewardUpokt: 0n, timeMs: 2 });
    ledger.saveSettlement({ ...settlement, treeKey: "s1/op/llm", outcome: "settled", reason: null, rewardUpokt: 9n, timeMs: 1 });
    assert.deepEqual(ledger.settlements().map((s) => [s.treeKey, s.outcome, s.rewardUpokt]), [["s1/op/llm", "settled", 9n], ["s2/op/llm", "skipped", 0n]], "oldest first");
  } finally {
    ledger.close();
  }
});
