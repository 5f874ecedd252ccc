// What the dashboard asks the ledger about money: totals (settled, pending, lost with reasons), per day, per
// session, and a CSV of settlements. Amounts are exact (SQLite integers read as bigint); the earnings.* API
// gets them as decimal strings (summary, sessionList, exportCsv).
import type { SqliteDatabase } from "../runtime/sqlite.js";
import type { EarningsSummary as EarningsSummaryDto, SessionEarnings as SessionEarningsDto } from "../../../shared/api/index.js";
import type { SessionState, SettlementOutcomeKind } from "./types.js";

const LOST_OUTCOMES: readonly SettlementOutcomeKind[] = ["expired", "slashed", "skipped", "unclaimed"];

export interface LostAmount {
  outcome: SettlementOutcomeKind;
  reason: string;
  sessions: number;
  /** The reward these sessions would have paid, plus penalties. */
  upokt: bigint;
}

export interface EarningsTotals {
  settledUpokt: bigint;
  pendingUpokt: bigint;
  lostUpokt: bigint;
  penaltiesUpokt: bigint;
  settledSessions: number;
  pendingSessions: number;
  lost: LostAmount[];
}

export interface DailyEarnings {
  /** UTC day, YYYY-MM-DD, of the session's first relay. */
  day: string;
  settledUpokt: bigint;
  pendingUpokt: bigint;
  lostUpokt: bigint;
  relays: number;
}

export interface SessionEarnings {
  treeKey: string;
  sessionId: string;
  serviceId: string;
  applicationAddress: string;
  operatorAddress: string;
  startHeight: bigint;
  endHeight: bigint;
  state: SessionState;
  createdAt: number;
  relays: number;
  minedRelays: number;
  computeUnits: bigint;
  claimStatus: string | null;
  proofStatus: string | null;
  expectedRewardUpokt: bigint;
  rewardUpokt: bigint;
  penaltyUpokt: bigint;
  /** Why the session earned nothing (or is waiting), when it did not settle. */
  reason: string | null;
}

/** Reasons start with a category (`insufficient_balance: …`); losses are grouped by it. */
function reasonCategory(reason: string | null): string {
  if (!reason) return "unknown";
  const colon = reason.indexOf(":");
  const head = colon > 0 ? reason.slice(0, colon) : reason;
  return /^[a-z_]+$/.test(head) ? head : reason;
}

/** Built by the Ledger over its own database (`ledger.earnings`). */
export class EarningsQueries {
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    this.statements = {
      settled: db
        .prepare("SELECT COALESCE(SUM(reward_upokt), 0) AS upokt, COUNT(*) AS n FROM settlements WHERE outcome = 'settled'")
        .safeIntegers(true),
      pending: db
        .prepare(`SELECT COALESCE(SUM(c.expected_reward_upokt), 0) AS upokt, COUNT(*) AS n
          FROM claims c JOIN sessions s ON s.tree_key = c.tree_key
          WHERE c.status = 'submitted' AND s.state IN ('claimed', 'proven')`)
        .safeIntegers(true),
      lost: db
        .prepare(`SELECT st.outcome AS outcome, st.reason AS reason, COALESCE(c.expected_reward_upokt, 0) AS expected,
            st.penalty_upokt AS penalty
          FROM settlements st LEFT JOIN claims c ON c.tree_key = st.tree_key
          WHERE st.outcome IN (${LOST_OUTCOMES.map(() => "?").join(", ")})`)
        .safeIntegers(true),
      daily: db
        .prepare(`SELECT strftime('%Y-%m-%d', s.created_at / 1000, 'unixepoch') AS day,
            COALESCE(SUM(CASE WHEN st.outcome = 'settled' THEN st.reward_upokt ELSE 0 END), 0) AS settled,
            COALESCE(SUM(CASE WHEN st.outcome IS NULL AND c.status = 'submitted' THEN c.expected_reward_upokt ELSE 0 END), 0) AS pending,
            COALESCE(SUM(CASE WHEN st.outcome IN ('expired', 'slashed', 'skipped', 'unclaimed')
              THEN COALESCE(c.expected_reward_upokt, 0) + st.penalty_upokt ELSE 0 END), 0) AS lost,
            COALESCE(SUM((SELECT COUNT(*) FROM relays r WHERE r.tree_key = s.tree_key)), 0) AS relays
          FROM sessions s
          LEFT JOIN claims c ON c.tree_key = s.tree_key
          LEFT JOIN settlements st ON st.tree_key = s.tree_key
          WHERE s.created_at >= ?
          GROUP BY day ORDER BY day`)
        .safeIntegers(true),
      sessions: db
        .prepare(`SELECT s.tree_key, s.session_id, s.service_id, s.application_address, s.operator_address, s.start_height,
            s.end_height, s.state, s.created_at, s.compute_units_per_relay,
            (SELECT COUNT(*) FROM relays r WHERE r.tree_key = s.tree_key) AS relays,
            (SELECT COUNT(*) FROM mined_relays m WHERE m.tree_key = s.tree_key) AS mined,
            c.status AS claim_status, c.reason AS claim_reason, c.expected_reward_upokt AS expected,
            p.status AS proof_status, p.reason AS proof_reason,
            st.outcome AS outcome, st.reason AS settlement_reason, st.reward_upokt AS reward, st.penalty_upokt AS penalty
          FROM sessions s
          LEFT JOIN claims c ON c.tree_key = s.tree_key
          LEFT JOIN proofs p ON p.tree_key = s.tree_key
          LEFT JOIN settlements st ON st.tree_key = s.tree_key
          ORDER BY s.end_height DESC, s.tree_key LIMIT ? OFFSET ?`)
        .safeIntegers(true),
      settlementsCsv: db
        .prepare(`SELECT st.time_ms, st.height, s.session_id, s.service_id, s.application_address, s.operator_address,
            s.start_height, s.end_height, st.outcome, st.claimed_upokt, st.settled_upokt, st.reward_upokt, st.penalty_upokt,
            st.exact, st.reason, c.relays, c.compute_units, c.tx_hash AS claim_tx, p.tx_hash AS proof_tx
          FROM settlements st
          JOIN sessions s ON s.tree_key = st.tree_key
          LEFT JOIN claims c ON c.tree_key = st.tree_key
          LEFT JOIN proofs p ON p.tree_key = st.tree_key
          ORDER BY st.time_ms, s.session_id`)
        .safeIntegers(true),
    };
  }

  totals(): EarningsTotals {
    const settled = this.statements.settled.get() as { upokt: bigint; n: bigint };
    const pending = this.statements.pending.get() as { upokt: bigint; n: bigint };
    const groups = new Map<string, LostAmount>();
    let lostUpokt = 0n;
    let penaltiesUpokt = 0n;
    for (const row of this.statements.lost.all(...LOST_OUTCOMES) as Array<{ outcome: SettlementOutcomeKind; reason: string | null; expected: bigint; penalty: bigint }>) {
      const category = reasonCategory(row.reason);
      const key = `${row.outcome}/${category}`;
      const group = groups.get(key) ?? { outcome: row.outcome, reason: category, sessions: 0, upokt: 0n };
      group.sessions += 1;
      group.upokt += row.expected + row.penalty;
      groups.set(key, group);
      lostUpokt += row.expected + row.penalty;
      penaltiesUpokt += row.penalty;
    }
    return {
      settledUpokt: settled.upokt,
      pendingUpokt: pending.upokt,
      lostUpokt,
      penaltiesUpokt,
      settledSessions: Number(settled.n),
      pendingSessions: Number(pending.n),
      lost: [...groups.values()].sort((a, b) => (b.upokt > a.upokt ? 1 : b.upokt < a.upokt ? -1 : 0)),
    };
  }

  daily(sinceMs: number): DailyEarnings[] {
    return (this.statements.daily.all(sinceMs) as Array<{ day: string; settled: bigint; pending: bigint; lost: bigint; relays: bigint }>).map((row) => ({
      day: row.day,
      settledUpokt: row.settled,
      pendingUpokt: row.pending,
      lostUpokt: row.lost,
      relays: Number(row.relays),
    }));
  }

  sessions(limit: number, offset: number): SessionEarnings[] {
    return (this.statements.sessions.all(limit, offset) as SessionRowJoined[]).map((row) => ({
      treeKey: row.tree_key,
      sessionId: row.session_id,
      serviceId: row.service_id,
      applicationAddress: row.application_address,
      operatorAddress: row.operator_address,
      startHeight: row.start_height,
      endHeight: row.end_height,
      state: row.state,
      createdAt: Number(row.created_at),
      relays: Number(row.relays),
      minedRelays: Number(row.mined),
      computeUnits: row.mined * row.compute_units_per_relay,
      claimStatus: row.claim_status,
      proofStatus: row.proof_status,
      expectedRewardUpokt: row.expected ?? 0n,
      rewardUpokt: row.reward ?? 0n,
      penaltyUpokt: row.penalty ?? 0n,
      reason: row.outcome === "settled" ? null : (row.settlement_reason ?? row.proof_reason ?? row.claim_reason),
    }));
  }

  /** earnings.summary: totals, and per day for the last `days` UTC days (today included). */
  summary(days: number, now = Date.now()): EarningsSummaryDto {
    const totals = this.totals();
    const today = new Date(now);
    const since = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - (days - 1) * 86_400_000;
    return {
      settledUpokt: totals.settledUpokt.toString(),
      pendingUpokt: totals.pendingUpokt.toString(),
      lostUpokt: totals.lostUpokt.toString(),
      penaltiesUpokt: totals.penaltiesUpokt.toString(),
      settledSessions: totals.settledSessions,
      pendingSessions: totals.pendingSessions,
      lost: totals.lost.map((l) => ({ outcome: l.outcome as "expired" | "slashed" | "skipped" | "unclaimed", reason: l.reason, sessions: l.sessions, upokt: l.upokt.toString() })),
      days: this.daily(since).map((d) => ({
        day: d.day,
        settledUpokt: d.settledUpokt.toString(),
        pendingUpokt: d.pendingUpokt.toString(),
        lostUpokt: d.lostUpokt.toString(),
        relays: d.relays,
      })),
    };
  }

  /** earnings.sessions: a page of sessions, newest first. */
  sessionList(limit: number, offset: number): SessionEarningsDto[] {
    return this.sessions(limit, offset).map((s) => ({
      sessionId: s.sessionId,
      serviceId: s.serviceId,
      applicationAddress: s.applicationAddress,
      operatorAddress: s.operatorAddress,
      startHeight: Number(s.startHeight),
      endHeight: Number(s.endHeight),
      stage: s.state,
      createdAt: s.createdAt,
      relays: s.relays,
      minedRelays: s.minedRelays,
      computeUnits: s.computeUnits.toString(),
      claimStatus: s.claimStatus,
      proofStatus: s.proofStatus,
      expectedRewardUpokt: s.expectedRewardUpokt.toString(),
      rewardUpokt: s.rewardUpokt.toString(),
      penaltyUpokt: s.penaltyUpokt.toString(),
      reason: s.reason,
    }));
  }

  /** earnings.exportCsv: the settlements CSV with a dated file name. */
  exportCsv(now = Date.now()): { filename: string; csv: string } {
    return { filename: `pocketforge-settlements-${new Date(now).toISOString().slice(0, 10)}.csv`, csv: this.settlementsCsv() };
  }

  /** Every settlement (and loss) as CSV, one line per session, for accounting. */
  settlementsCsv(): string {
    const header = [
      "settled_at",
      "height",
      "session_id",
      "service_id",
      "application",
      "operator",
      "session_start_height",
      "session_end_height",
      "outcome",
      "claimed_upokt",
      "settled_upokt",
      "reward_upokt",
      "penalty_upokt",
      "exact",
      "relays_mined",
      "compute_units",
      "claim_tx",
      "proof_tx",
      "reason",
    ];
    const lines = [header.join(",")];
    for (const row of this.statements.settlementsCsv.all() as CsvRow[]) {
      lines.push(
        [
          new Date(Number(row.time_ms)).toISOString(),
          row.height ?? "",
          row.session_id,
          row.service_id,
          row.application_address,
          row.operator_address,
          row.start_height,
          row.end_height,
          row.outcome,
          row.claimed_upokt,
          row.settled_upokt,
          row.reward_upokt,
          row.penalty_upokt,
          row.exact === 1n ? "true" : "false",
          row.relays ?? 0n,
          row.compute_units ?? 0n,
          row.claim_tx ?? "",
          row.proof_tx ?? "",
          row.reason ?? "",
        ]
          .map((value) => csvField(String(value)))
          .join(","),
      );
    }
    return lines.join("\r\n") + "\r\n";
  }
}

/** RFC 4180 quoting; a leading =, +, - or @ is prefixed so spreadsheets do not run it as a formula. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

interface SessionRowJoined {
  tree_key: string;
  session_id: string;
  service_id: string;
  application_address: string;
  operator_address: string;
  start_height: bigint;
  end_height: bigint;
  state: SessionState;
  created_at: bigint;
  compute_units_per_relay: bigint;
  relays: bigint;
  mined: bigint;
  claim_status: string | null;
  claim_reason: string | null;
  expected: bigint | null;
  proof_status: string | null;
  proof_reason: string | null;
  outcome: string | null;
  settlement_reason: string | null;
  reward: bigint | null;
  penalty: bigint | null;
}

interface CsvRow {
  time_ms: bigint;
  height: bigint | null;
  session_id: string;
  service_id: string;
  application_address: string;
  operator_address: string;
  start_height: bigint;
  end_height: bigint;
  outcome: string;
  claimed_upokt: bigint;
  settled_upokt: bigint;
  reward_upokt: bigint;
  penalty_upokt: bigint;
  exact: bigint;
  reason: string | null;
  relays: bigint | null;
  compute_units: bigint | null;
  claim_tx: string | null;
  proof_tx: string | null;
}
