import assert from "node:assert/strict";
import { test } from "node:test";
import { csvField } from "../../../electron/core/ledger/earnings.js";
import { EarningsSummary, SessionEarnings } from "../../../shared/api/index.js";
import { Ledger } from "../../../electron/core/ledger/ledger.js";
import type { ClaimRecord, SessionState, SettlementRecord } from "../../../electron/core/ledger/types.js";
import { sessionRecord } from "../../fixtures/relayminer/ledger-records.js";

function claim(n: number, expected: bigint, status: ClaimRecord["status"] = "submitted", reason: string | null = null): ClaimRecord {
  return {
    treeKey: `s${n}/op/llm`,
    status,
    reason,
    rootHash: new Uint8Array(48),
    relays: 2n,
    computeUnits: 200n,
    claimedUpokt: expected * 2n,
    expectedRewardUpokt: expected,
    txHash: status === "submitted" ? `TX${n}` : null,
    height: status === "submitted" ? 12n : null,
    attempts: 1,
  };
}

function settlement(n: number, outcome: SettlementRecord["outcome"], reward: bigint, reason: string | null, penalty = 0n): SettlementRecord {
  return {
    treeKey: `s${n}/op/llm`,
    outcome,
    reason,
    claimedUpokt: 999n,
    settledUpokt: outcome === "settled" ? 900n : 0n,
    rewardUpokt: reward,
    penaltyUpokt: penalty,
    exact: true,
    height: 20n,
    timeMs: Date.UTC(2026, 0, 10, 12),
  };
}

function seeded(): Ledger {
  const ledger = new Ledger({ path: ":memory:" });
  const states: SessionState[] = ["settled", "claimed", "skipped", "expired", "slashed", "settled"];
  for (let n = 1; n <= 6; n++) ledger.recordSession(sessionRecord(n, { createdAt: Date.UTC(2026, 0, n <= 3 ? 1 : 2, 8) }));
  for (let n = 1; n <= 6; n++) {
    ledger.recordRelay({ timeMs: 0, serviceId: "llm", sessionId: `s${n}`, treeKey: `s${n}/op/llm`, applicationAddress: "app", latencyMs: 1, tokensIn: 1, tokensOut: 2, status: "ok", httpStatus: 200, error: null, mined: true });
  }
  ledger.saveClaim(claim(1, 100n));
  ledger.saveClaim(claim(2, 50n));
  ledger.saveClaim(claim(3, 30n, "skipped", "insufficient_balance: the operator has 0 upokt left"));
  ledger.saveClaim(claim(4, 20n));
  ledger.saveClaim(claim(5, 10n));
  ledger.saveClaim(claim(6, 7n));
  ledger.saveSettlement(settlement(1, "settled", 98n, null));
  ledger.saveSettlement(settlement(3, "skipped", 0n, "insufficient_balance: the operator has 0 upokt left"));
  ledger.saveSettlement(settlement(4, "expired", 0n, "proof_missing: the required proof was not accepted"));
  ledger.saveSettlement(settlement(5, "slashed", 0n, "proof_missing: slashed, \"penalty\"", 1_000_000n));
  ledger.saveSettlement(settlement(6, "settled", 7n, null));
  states.forEach((state, i) => ledger.setSessionState(`s${i + 1}/op/llm`, state));
  return ledger;
}

test("totals: settled rewards, pending expected rewards, and losses grouped by outcome and reason", () => {
  const ledger = seeded();
  try {
    const totals = ledger.earnings.totals();
    assert.equal(totals.settledUpokt, 105n);
    assert.equal(totals.settledSessions, 2);
    assert.equal(totals.pendingUpokt, 50n);
    assert.equal(totals.pendingSessions, 1);
    assert.equal(totals.penaltiesUpokt, 1_000_000n);
    assert.equal(totals.lostUpokt, 30n + 20n + 10n + 1_000_000n);
    assert.deepEqual(
      totals.lost.map((l) => [l.outcome, l.reason, l.sessions, l.upokt]),
      [
        ["slashed", "proof_missing", 1, 1_000_010n],
        ["skipped", "insufficient_balance", 1, 30n],
        ["expired", "proof_missing", 1, 20n],
      ],
    );
  } finally {
    ledger.close();
  }
});

test("per day (UTC day of the session's first relay) and per session", () => {
  const ledger = seeded();
  try {
    const queries = ledger.earnings;
    assert.deepEqual(queries.daily(0), [
      { day: "2026-01-01", settledUpokt: 98n, pendingUpokt: 50n, lostUpokt: 30n, relays: 3 },
      { day: "2026-01-02", settledUpokt: 7n, pendingUpokt: 0n, lostUpokt: 1_000_030n, relays: 3 },
    ]);
    assert.deepEqual(queries.daily(Date.UTC(2026, 0, 2)).map((d) => d.day), ["2026-01-02"]);
    const sessions = queries.sessions(10, 0);
    assert.equal(sessions.length, 6);
    assert.deepEqual(sessions.map((s) => s.sessionId), ["s6", "s5", "s4", "s3", "s2", "s1"], "newest first");
    const skipped = sessions.find((s) => s.sessionId === "s3")!;
    assert.equal(skipped.state, "skipped");
    assert.match(skipped.reason!, /^insufficient_balance/);
    assert.equal(sessions.find((s) => s.sessionId === "s1")!.rewardUpokt, 98n);
    assert.equal(sessions.find((s) => s.sessionId === "s1")!.reason, null);
    assert.deepEqual(queries.sessions(2, 2).map((s) => s.sessionId), ["s4", "s3"]);
  } finally {
    ledger.close();
  }
});

test("CSV export: a header and one quoted-where-needed line per settlement", () => {
  const ledger = seeded();
  try {
    const csv = ledger.earnings.settlementsCsv();
    const lines = csv.trimEnd().split("\r\n");
    assert.equal(lines.length, 6);
    assert.equal(lines[0].split(",")[8], "outcome");
    const settled = lines.find((l) => l.includes(",s1,"))!.split(",");
    assert.deepEqual([settled[8], settled[11], settled[16]], ["settled", "98", "TX1"]);
    assert.ok(csv.includes('"proof_missing: slashed, ""penalty"""'), csv);
  } finally {
    ledger.close();
  }
  assert.equal(csvField("=SUM(A1)"), "'=SUM(A1)");
  assert.equal(csvField("-12"), "-12");
  assert.equal(csvField("a\nb"), '"a\nb"');
});

test("the earnings.* API's shapes: amounts as decimal strings, the last N UTC days, a dated CSV file name", () => {
  const ledger = seeded();
  try {
    const now = Date.UTC(2026, 0, 2, 23, 59);
    const summary = EarningsSummary.parse(ledger.earnings.summary(1, now));
    assert.equal(summary.settledUpokt, "105");
    assert.equal(summary.pendingUpokt, "50");
    assert.equal(summary.lostUpokt, "1000060");
    assert.deepEqual(summary.lost[0], { outcome: "slashed", reason: "proof_missing", sessions: 1, upokt: "1000010" });
    assert.deepEqual(summary.days, [{ day: "2026-01-02", settledUpokt: "7", pendingUpokt: "0", lostUpokt: "1000030", relays: 3 }]);
    assert.deepEqual(ledger.earnings.summary(2, now).days.map((d) => d.day), ["2026-01-01", "2026-01-02"]);

    const sessions = ledger.earnings.sessionList(10, 0).map((s) => SessionEarnings.parse(s));
    const s1 = sessions.find((s) => s.sessionId === "s1")!;
    assert.deepEqual([s1.stage, s1.startHeight, s1.rewardUpokt, s1.expectedRewardUpokt, s1.relays], ["settled", 11, "98", "100", 1]);

    const csv = ledger.earnings.exportCsv(now);
    assert.equal(csv.filename, "pocketforge-settlements-2026-01-02.csv");
    assert.equal(csv.csv, ledger.earnings.settlementsCsv());
  } finally {
    ledger.close();
  }
});
