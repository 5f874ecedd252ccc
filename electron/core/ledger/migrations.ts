// Versioned schema of the ledger. Each migration runs once, in order, inside a transaction with the row that
// records it, so a crash mid-migration leaves the previous version intact. A database written by a newer
// PocketForge (a version this build does not know) is refused rather than guessed at.
import type { SqliteDatabase } from "../runtime/sqlite.js";

export interface Migration {
  version: number;
  name: string;
  up(db: SqliteDatabase): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "relays, mined relays, sessions, claims, proofs, settlements",
    up(db) {
      db.exec(`
        CREATE TABLE sessions (
          tree_key TEXT PRIMARY KEY,
          session_id TEXT NOT NULL,
          operator_address TEXT NOT NULL,
          service_id TEXT NOT NULL,
          application_address TEXT NOT NULL,
          start_height INTEGER NOT NULL,
          end_height INTEGER NOT NULL,
          claim_open_height INTEGER NOT NULL,
          claim_close_height INTEGER NOT NULL,
          proof_open_height INTEGER NOT NULL,
          proof_close_height INTEGER NOT NULL,
          compute_units_per_relay INTEGER NOT NULL,
          target_hash BLOB NOT NULL,
          compute_units_to_tokens_multiplier INTEGER NOT NULL,
          compute_unit_cost_granularity INTEGER NOT NULL,
          state TEXT NOT NULL DEFAULT 'open',
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX sessions_by_state ON sessions(state);
        CREATE INDEX sessions_by_created ON sessions(created_at);

        CREATE TABLE relays (
          id INTEGER PRIMARY KEY,
          time_ms INTEGER NOT NULL,
          service_id TEXT NOT NULL,
          session_id TEXT NOT NULL,
          tree_key TEXT NOT NULL,
          application_address TEXT NOT NULL,
          latency_ms REAL NOT NULL,
          tokens_in INTEGER,
          tokens_out INTEGER,
          status TEXT NOT NULL,
          http_status INTEGER,
          error TEXT,
          mined INTEGER NOT NULL
        );
        CREATE INDEX relays_by_time ON relays(time_ms);
        CREATE INDEX relays_by_tree ON relays(tree_key);

        CREATE TABLE mined_relays (
          id INTEGER PRIMARY KEY,
          tree_key TEXT NOT NULL,
          relay_hash BLOB NOT NULL,
          relay_bytes BLOB NOT NULL,
          weight INTEGER NOT NULL,
          time_ms INTEGER NOT NULL,
          UNIQUE (tree_key, relay_hash)
        );

        CREATE TABLE claims (
          tree_key TEXT PRIMARY KEY REFERENCES sessions(tree_key),
          status TEXT NOT NULL,
          reason TEXT,
          root_hash BLOB,
          relays INTEGER NOT NULL DEFAULT 0,
          compute_units INTEGER NOT NULL DEFAULT 0,
          claimed_upokt INTEGER NOT NULL DEFAULT 0,
          expected_reward_upokt INTEGER NOT NULL DEFAULT 0,
          tx_hash TEXT,
          height INTEGER,
          attempts INTEGER NOT NULL DEFAULT 0,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX claims_by_status ON claims(status);

        CREATE TABLE proofs (
          tree_key TEXT PRIMARY KEY REFERENCES sessions(tree_key),
          status TEXT NOT NULL,
          required INTEGER NOT NULL,
          requirement_reason TEXT NOT NULL,
          reason TEXT,
          tx_hash TEXT,
          height INTEGER,
          attempts INTEGER NOT NULL DEFAULT 0,
          updated_at INTEGER NOT NULL
        );

        CREATE TABLE settlements (
          tree_key TEXT PRIMARY KEY REFERENCES sessions(tree_key),
          outcome TEXT NOT NULL,
          reason TEXT,
          claimed_upokt INTEGER NOT NULL DEFAULT 0,
          settled_upokt INTEGER NOT NULL DEFAULT 0,
          reward_upokt INTEGER NOT NULL DEFAULT 0,
          penalty_upokt INTEGER NOT NULL DEFAULT 0,
          exact INTEGER NOT NULL DEFAULT 1,
          height INTEGER,
          time_ms INTEGER NOT NULL
        );
        CREATE INDEX settlements_by_time ON settlements(time_ms);
      `);
    },
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export class LedgerSchemaError extends Error {
  override readonly name = "LedgerSchemaError";
}

/** Brings the database to the latest version; returns the versions applied. */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[] = MIGRATIONS, now = Date.now): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const current = (db.prepare("SELECT MAX(version) AS version FROM schema_migrations").get() as { version: number | null }).version ?? 0;
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  if (current > latest) {
    throw new LedgerSchemaError(
      `The ledger was written by a newer PocketForge (schema version ${current}, this build knows ${latest}); update PocketForge, or use another data folder.`,
    );
  }
  const applied: number[] = [];
  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      record.run(migration.version, migration.name, now());
      db.pragma(`user_version = ${migration.version}`);
    })();
    applied.push(migration.version);
  }
  return applied;
}
