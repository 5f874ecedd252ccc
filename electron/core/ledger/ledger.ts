// The supplier's books in SQLite (WAL): every served relay, every mined relay's bytes and weight, sessions,
// claims, proofs and settlements. Relay-path writes are batched (see BatchWriter): a mined relay is committed
// right after its reply when the books were quiet, otherwise about `maxDelayMs` (20 ms by default) after the miner
// queued it, well inside the 100 ms the README promises.
// Scheduler writes are rare and go straight to disk after whatever the relay path queued before them.
import { openSqlite, type SqliteDatabase } from "../runtime/sqlite.js";
import { BatchWriter } from "./batch-writer.js";
import { EarningsQueries } from "./earnings.js";
import { migrate } from "./migrations.js";
import type {
  ClaimRecord,
  MinedRelayRecord,
  ProofRecord,
  RelayRecord,
  SessionRecord,
  SessionState,
  SettlementRecord,
  StoredSession,
} from "./types.js";
import { FINAL_SESSION_STATES } from "./types.js";

export type LedgerWrite =
  | { kind: "session"; record: SessionRecord }
  | { kind: "relay"; record: RelayRecord }
  | { kind: "mined"; record: MinedRelayRecord };

export interface LedgerOptions {
  /** Database file; ":memory:" for tests that need no file. */
  path: string;
  /** Upper bound between queueing a relay-path write and its commit. */
  maxDelayMs?: number;
  maxBatchItems?: number;
  /**
   * NORMAL (default): a commit is in the WAL at once and survives a crashed or killed process; an OS crash or
   * power cut may roll back commits made since SQLite's last checkpoint. FULL also fsyncs every commit, which
   * survives power loss but blocks the event loop for the disk's sync time (tens to hundreds of ms on a busy disk).
   */
  synchronous?: "FULL" | "NORMAL";
  onCommit?(writes: readonly LedgerWrite[], committedAt: number): void;
  onError?(error: unknown): void;
}

export const DEFAULT_MAX_DELAY_MS = 20;

/** How SQLite keeps the books (what the constructor's pragmas took effect as). */
export interface LedgerStorageSettings {
  /** "wal" for a file; in-memory databases report "memory". */
  journalMode: string;
  synchronous: "OFF" | "NORMAL" | "FULL" | "EXTRA";
  busyTimeoutMs: number;
  foreignKeys: boolean;
}

const SYNCHRONOUS_LEVELS = ["OFF", "NORMAL", "FULL", "EXTRA"] as const;

export class Ledger {
  // Private so that callers depend on the typed reads below, not on the schema.
  readonly #db: SqliteDatabase;
  /** The dashboard's money questions (earnings.* API). */
  readonly earnings: EarningsQueries;
  private readonly writer: BatchWriter<LedgerWrite>;
  private readonly commitListeners = new Set<(writes: readonly LedgerWrite[], committedAt: number) => void>();
  private readonly statements;

  constructor(options: LedgerOptions) {
    this.#db = openSqlite(options.path, { synchronous: options.synchronous ?? "NORMAL", foreignKeys: true });
    migrate(this.#db);
    this.statements = prepareStatements(this.#db);
    this.earnings = new EarningsQueries(this.#db);
    if (options.onCommit) this.commitListeners.add(options.onCommit);
    this.writer = new BatchWriter<LedgerWrite>({
      db: this.#db,
      write: (writes) => this.applyWrites(writes),
      maxDelayMs: options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS,
      maxItems: options.maxBatchItems ?? 512,
      onCommit: (writes, at) => {
        for (const listener of this.commitListeners) listener(writes, at);
      },
      onError: (error) => options.onError?.(error),
    });
  }

  /** Called after every relay-path commit (metrics, tests of the durability bound). */
  onCommit(listener: (writes: readonly LedgerWrite[], committedAt: number) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  // ---------------------------------------------------------------------------------------------------
  // Relay path (batched)

  recordSession(record: SessionRecord): void {
    this.writer.push({ kind: "session", record });
  }

  recordRelay(record: RelayRecord): void {
    this.writer.push({ kind: "relay", record });
  }

  recordMinedRelay(record: MinedRelayRecord): void {
    this.writer.push({ kind: "mined", record });
  }

  get pendingWrites(): number {
    return this.writer.pending;
  }

  /** Commits queued relay-path writes now. */
  flush(): boolean {
    return this.writer.flush();
  }

  close(): void {
    this.writer.close();
    this.#db.close();
  }

  private applyWrites(writes: readonly LedgerWrite[]): void {
    const s = this.statements;
    for (const write of writes) {
      if (write.kind === "session") {
        const r = write.record;
        s.insertSession.run({
          tree_key: r.treeKey,
          session_id: r.sessionId,
          operator_address: r.operatorAddress,
          service_id: r.serviceId,
          application_address: r.applicationAddress,
          start_height: r.startHeight,
          end_height: r.endHeight,
          claim_open_height: r.claimOpenHeight,
          claim_close_height: r.claimCloseHeight,
          proof_open_height: r.proofOpenHeight,
          proof_close_height: r.proofCloseHeight,
          compute_units_per_relay: r.computeUnitsPerRelay,
          target_hash: r.targetHash,
          compute_units_to_tokens_multiplier: r.computeUnitsToTokensMultiplier,
          compute_unit_cost_granularity: r.computeUnitCostGranularity,
          created_at: r.createdAt,
        });
      } else if (write.kind === "relay") {
        const r = write.record;
        s.insertRelay.run(
          r.timeMs,
          r.serviceId,
          r.sessionId,
          r.treeKey,
          r.applicationAddress,
          r.latencyMs,
          r.tokensIn,
          r.tokensOut,
          r.status,
          r.httpStatus,
          r.error,
          r.mined ? 1 : 0,
        );
      } else {
        const r = write.record;
        s.insertMined.run(r.treeKey, r.relayHash, r.relayBytes, r.weight, r.timeMs);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Sessions, claims, proofs, settlements (scheduler; written at once)

  /** Sessions that still have something to do (claim, proof or settlement). */
  unfinishedSessions(): StoredSession[] {
    this.flush();
    const placeholders = FINAL_SESSION_STATES.map(() => "?").join(", ");
    const rows = this.#db
      .prepare(`SELECT * FROM sessions WHERE state NOT IN (${placeholders}) ORDER BY end_height, tree_key`)
      .safeIntegers(true)
      .all(...FINAL_SESSION_STATES) as SessionRow[];
    return rows.map(sessionFromRow);
  }

  session(treeKey: string): StoredSession | undefined {
    this.flush();
    const row = this.statements.session.get(treeKey) as SessionRow | undefined;
    return row ? sessionFromRow(row) : undefined;
  }

  /** The mined relays of a session in the order they were mined (to rebuild its tree). */
  *minedRelays(treeKey: string): Generator<{ relayHash: Uint8Array; relayBytes: Uint8Array; weight: bigint }> {
    this.flush();
    for (const row of this.statements.minedOf.iterate(treeKey) as Iterable<{ relay_hash: Buffer; relay_bytes: Buffer; weight: bigint }>) {
      yield { relayHash: row.relay_hash, relayBytes: row.relay_bytes, weight: row.weight };
    }
  }

  /** Mined relays of one session, or of every session when no key is given. */
  minedRelayCount(treeKey?: string): number {
    this.flush();
    const row = treeKey === undefined ? this.statements.minedTotal.get() : this.statements.minedCount.get(treeKey);
    return Number((row as { n: bigint }).n);
  }

  /** Sessions in one state, by end height (e.g. every session skipped for lack of funds). */
  sessionsIn(state: SessionState): StoredSession[] {
    this.flush();
    return (this.statements.sessionsIn.all(state) as SessionRow[]).map(sessionFromRow);
  }

  /** Every booked relay in the order it was served; reads the whole table (diagnostics and tests). */
  relays(): RelayRecord[] {
    this.flush();
    return (this.statements.relays.all() as RelayRow[]).map(relayFromRow);
  }

  setSessionState(treeKey: string, state: SessionState, now = Date.now()): void {
    this.flush();
    this.statements.setState.run(state, now, treeKey);
  }

  saveClaim(record: ClaimRecord, now = Date.now()): void {
    this.flush();
    this.statements.upsertClaim.run({
      tree_key: record.treeKey,
      status: record.status,
      reason: record.reason,
      root_hash: record.rootHash,
      relays: record.relays,
      compute_units: record.computeUnits,
      claimed_upokt: record.claimedUpokt,
      expected_reward_upokt: record.expectedRewardUpokt,
      tx_hash: record.txHash,
      height: record.height,
      attempts: record.attempts,
      updated_at: now,
    });
  }

  claim(treeKey: string): ClaimRecord | undefined {
    const row = this.statements.claim.get(treeKey) as ClaimRow | undefined;
    return row ? claimFromRow(row) : undefined;
  }

  saveProof(record: ProofRecord, now = Date.now()): void {
    this.flush();
    this.statements.upsertProof.run({
      tree_key: record.treeKey,
      status: record.status,
      required: record.required ? 1 : 0,
      requirement_reason: record.requirementReason,
      reason: record.reason,
      tx_hash: record.txHash,
      height: record.height,
      attempts: record.attempts,
      updated_at: now,
    });
  }

  proof(treeKey: string): ProofRecord | undefined {
    const row = this.statements.proof.get(treeKey) as ProofRow | undefined;
    return row ? proofFromRow(row) : undefined;
  }

  proofs(): ProofRecord[] {
    return (this.statements.proofs.all() as ProofRow[]).map(proofFromRow);
  }

  saveSettlement(record: SettlementRecord): void {
    this.flush();
    this.statements.upsertSettlement.run({
      tree_key: record.treeKey,
      outcome: record.outcome,
      reason: record.reason,
      claimed_upokt: record.claimedUpokt,
      settled_upokt: record.settledUpokt,
      reward_upokt: record.rewardUpokt,
      penalty_upokt: record.penaltyUpokt,
      exact: record.exact ? 1 : 0,
      height: record.height,
      time_ms: record.timeMs,
    });
  }

  settlement(treeKey: string): SettlementRecord | undefined {
    const row = this.statements.settlement.get(treeKey) as SettlementRow | undefined;
    return row ? settlementFromRow(row) : undefined;
  }

  /** Every settlement (and loss), oldest first. */
  settlements(): SettlementRecord[] {
    return (this.statements.settlements.all() as SettlementRow[]).map(settlementFromRow);
  }

  storageSettings(): LedgerStorageSettings {
    const db = this.#db;
    return {
      journalMode: String(db.pragma("journal_mode")),
      synchronous: SYNCHRONOUS_LEVELS[Number(db.pragma("synchronous"))],
      busyTimeoutMs: Number(db.pragma("busy_timeout")),
      foreignKeys: Number(db.pragma("foreign_keys")) === 1,
    };
  }
}

// ---------------------------------------------------------------------------------------------------
// Rows

export interface SessionRow {
  tree_key: string;
  session_id: string;
  operator_address: string;
  service_id: string;
  application_address: string;
  start_height: bigint;
  end_height: bigint;
  claim_open_height: bigint;
  claim_close_height: bigint;
  proof_open_height: bigint;
  proof_close_height: bigint;
  compute_units_per_relay: bigint;
  target_hash: Buffer;
  compute_units_to_tokens_multiplier: bigint;
  compute_unit_cost_granularity: bigint;
  state: SessionState;
  created_at: bigint;
  updated_at: bigint;
}

export function sessionFromRow(row: SessionRow): StoredSession {
  return {
    treeKey: row.tree_key,
    sessionId: row.session_id,
    operatorAddress: row.operator_address,
    serviceId: row.service_id,
    applicationAddress: row.application_address,
    startHeight: row.start_height,
    endHeight: row.end_height,
    claimOpenHeight: row.claim_open_height,
    claimCloseHeight: row.claim_close_height,
    proofOpenHeight: row.proof_open_height,
    proofCloseHeight: row.proof_close_height,
    computeUnitsPerRelay: row.compute_units_per_relay,
    targetHash: new Uint8Array(row.target_hash),
    computeUnitsToTokensMultiplier: row.compute_units_to_tokens_multiplier,
    computeUnitCostGranularity: row.compute_unit_cost_granularity,
    state: row.state,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

interface RelayRow {
  time_ms: number;
  service_id: string;
  session_id: string;
  tree_key: string;
  application_address: string;
  latency_ms: number;
  tokens_in: number | null;
  tokens_out: number | null;
  status: string;
  http_status: number | null;
  error: string | null;
  mined: number;
}

function relayFromRow(row: RelayRow): RelayRecord {
  return {
    timeMs: row.time_ms,
    serviceId: row.service_id,
    sessionId: row.session_id,
    treeKey: row.tree_key,
    applicationAddress: row.application_address,
    latencyMs: row.latency_ms,
    tokensIn: row.tokens_in,
    tokensOut: row.tokens_out,
    status: row.status,
    httpStatus: row.http_status,
    error: row.error,
    mined: row.mined === 1,
  };
}

interface ClaimRow {
  tree_key: string;
  status: ClaimRecord["status"];
  reason: string | null;
  root_hash: Buffer | null;
  relays: bigint;
  compute_units: bigint;
  claimed_upokt: bigint;
  expected_reward_upokt: bigint;
  tx_hash: string | null;
  height: bigint | null;
  attempts: bigint;
}

function claimFromRow(row: ClaimRow): ClaimRecord {
  return {
    treeKey: row.tree_key,
    status: row.status,
    reason: row.reason,
    rootHash: row.root_hash ? new Uint8Array(row.root_hash) : null,
    relays: row.relays,
    computeUnits: row.compute_units,
    claimedUpokt: row.claimed_upokt,
    expectedRewardUpokt: row.expected_reward_upokt,
    txHash: row.tx_hash,
    height: row.height,
    attempts: Number(row.attempts),
  };
}

interface ProofRow {
  tree_key: string;
  status: ProofRecord["status"];
  required: bigint;
  requirement_reason: ProofRecord["requirementReason"];
  reason: string | null;
  tx_hash: string | null;
  height: bigint | null;
  attempts: bigint;
}

function proofFromRow(row: ProofRow): ProofRecord {
  return {
    treeKey: row.tree_key,
    status: row.status,
    required: row.required === 1n,
    requirementReason: row.requirement_reason,
    reason: row.reason,
    txHash: row.tx_hash,
    height: row.height,
    attempts: Number(row.attempts),
  };
}

interface SettlementRow {
  tree_key: string;
  outcome: SettlementRecord["outcome"];
  reason: string | null;
  claimed_upokt: bigint;
  settled_upokt: bigint;
  reward_upokt: bigint;
  penalty_upokt: bigint;
  exact: bigint;
  height: bigint | null;
  time_ms: bigint;
}

function settlementFromRow(row: SettlementRow): SettlementRecord {
  return {
    treeKey: row.tree_key,
    outcome: row.outcome,
    reason: row.reason,
    claimedUpokt: row.claimed_upokt,
    settledUpokt: row.settled_upokt,
    rewardUpokt: row.reward_upokt,
    penaltyUpokt: row.penalty_upokt,
    exact: row.exact === 1n,
    height: row.height,
    timeMs: Number(row.time_ms),
  };
}

function prepareStatements(db: SqliteDatabase) {
  return {
    insertSession: db.prepare(`INSERT OR IGNORE INTO sessions (
        tree_key, session_id, operator_address, service_id, application_address, start_height, end_height,
        claim_open_height, claim_close_height, proof_open_height, proof_close_height, compute_units_per_relay,
        target_hash, compute_units_to_tokens_multiplier, compute_unit_cost_granularity, state, created_at, updated_at)
      VALUES (@tree_key, @session_id, @operator_address, @service_id, @application_address, @start_height, @end_height,
        @claim_open_height, @claim_close_height, @proof_open_height, @proof_close_height, @compute_units_per_relay,
        @target_hash, @compute_units_to_tokens_multiplier, @compute_unit_cost_granularity, 'open', @created_at, @created_at)`),
    insertRelay: db.prepare(`INSERT INTO relays (time_ms, service_id, session_id, tree_key, application_address, latency_ms,
        tokens_in, tokens_out, status, http_status, error, mined) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    insertMined: db.prepare(
      "INSERT OR IGNORE INTO mined_relays (tree_key, relay_hash, relay_bytes, weight, time_ms) VALUES (?, ?, ?, ?, ?)",
    ),
    session: db.prepare("SELECT * FROM sessions WHERE tree_key = ?").safeIntegers(true),
    sessionsIn: db.prepare("SELECT * FROM sessions WHERE state = ? ORDER BY end_height, tree_key").safeIntegers(true),
    relays: db.prepare(`SELECT time_ms, service_id, session_id, tree_key, application_address, latency_ms, tokens_in, tokens_out,
        status, http_status, error, mined FROM relays ORDER BY id`),
    minedOf: db.prepare("SELECT relay_hash, relay_bytes, weight FROM mined_relays WHERE tree_key = ? ORDER BY id").safeIntegers(true),
    minedCount: db.prepare("SELECT COUNT(*) AS n FROM mined_relays WHERE tree_key = ?").safeIntegers(true),
    minedTotal: db.prepare("SELECT COUNT(*) AS n FROM mined_relays").safeIntegers(true),
    setState: db.prepare("UPDATE sessions SET state = ?, updated_at = ? WHERE tree_key = ?"),
    upsertClaim: db.prepare(`INSERT INTO claims (tree_key, status, reason, root_hash, relays, compute_units, claimed_upokt,
        expected_reward_upokt, tx_hash, height, attempts, updated_at)
      VALUES (@tree_key, @status, @reason, @root_hash, @relays, @compute_units, @claimed_upokt, @expected_reward_upokt,
        @tx_hash, @height, @attempts, @updated_at)
      ON CONFLICT (tree_key) DO UPDATE SET status = excluded.status, reason = excluded.reason, root_hash = excluded.root_hash,
        relays = excluded.relays, compute_units = excluded.compute_units, claimed_upokt = excluded.claimed_upokt,
        expected_reward_upokt = excluded.expected_reward_upokt, tx_hash = excluded.tx_hash, height = excluded.height,
        attempts = excluded.attempts, updated_at = excluded.updated_at`),
    claim: db.prepare("SELECT * FROM claims WHERE tree_key = ?").safeIntegers(true),
    upsertProof: db.prepare(`INSERT INTO proofs (tree_key, status, required, requirement_reason, reason, tx_hash, height,
        attempts, updated_at)
      VALUES (@tree_key, @status, @required, @requirement_reason, @reason, @tx_hash, @height, @attempts, @updated_at)
      ON CONFLICT (tree_key) DO UPDATE SET status = excluded.status, required = excluded.required,
        requirement_reason = excluded.requirement_reason, reason = excluded.reason, tx_hash = excluded.tx_hash,
        height = excluded.height, attempts = excluded.attempts, updated_at = excluded.updated_at`),
    proof: db.prepare("SELECT * FROM proofs WHERE tree_key = ?").safeIntegers(true),
    proofs: db.prepare("SELECT * FROM proofs ORDER BY tree_key").safeIntegers(true),
    upsertSettlement: db.prepare(`INSERT INTO settlements (tree_key, outcome, reason, claimed_upokt, settled_upokt,
        reward_upokt, penalty_upokt, exact, height, time_ms)
      VALUES (@tree_key, @outcome, @reason, @claimed_upokt, @settled_upokt, @reward_upokt, @penalty_upokt, @exact, @height, @time_ms)
      ON CONFLICT (tree_key) DO UPDATE SET outcome = excluded.outcome, reason = excluded.reason,
        claimed_upokt = excluded.claimed_upokt, settled_upokt = excluded.settled_upokt, reward_upokt = excluded.reward_upokt,
        penalty_upokt = excluded.penalty_upokt, exact = excluded.exact, height = excluded.height, time_ms = excluded.time_ms`),
    settlement: db.prepare("SELECT * FROM settlements WHERE tree_key = ?").safeIntegers(true),
    settlements: db.prepare("SELECT * FROM settlements ORDER BY time_ms, tree_key").safeIntegers(true),
  };
}
