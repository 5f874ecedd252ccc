// The localnet's SQLite file: module state as a key/value store (like a cosmos IAVL store, minus the tree),
// plus blocks, transactions and their events for the CometBFT RPC. WAL mode so readers never block the writer.
import { openSqlite, type SqliteDatabase } from "../../runtime/sqlite.js";

export type LocalnetDatabase = SqliteDatabase;

const SCHEMA_VERSION = 1;

export function openLocalnetDatabase(path: string): LocalnetDatabase {
  const db = openSqlite(path, { synchronous: "NORMAL", foreignKeys: false });
  const version = Number(db.pragma("user_version"));
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new Error(`the localnet database was written by a newer PocketForge (schema ${version}); reset the localnet`);
  }
  if (version < SCHEMA_VERSION) createSchema(db);
  return db;
}

function createSchema(db: LocalnetDatabase): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS kv (
      bucket TEXT NOT NULL,
      key TEXT NOT NULL,
      value BLOB NOT NULL,
      PRIMARY KEY (bucket, key)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS blocks (
      height INTEGER PRIMARY KEY,
      hash BLOB NOT NULL,
      parts_hash BLOB NOT NULL,
      header TEXT NOT NULL,
      last_commit TEXT NOT NULL,
      num_txs INTEGER NOT NULL,
      size INTEGER NOT NULL,
      finalize_events TEXT NOT NULL,
      app_hash BLOB NOT NULL
    );
    CREATE TABLE IF NOT EXISTS txs (
      hash BLOB PRIMARY KEY,
      height INTEGER NOT NULL,
      idx INTEGER NOT NULL,
      tx BLOB NOT NULL,
      result TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS txs_by_height ON txs (height, idx);
    CREATE TABLE IF NOT EXISTS tx_attributes (
      composite_key TEXT NOT NULL,
      value TEXT NOT NULL,
      height INTEGER NOT NULL,
      idx INTEGER NOT NULL,
      tx_hash BLOB NOT NULL
    );
    CREATE INDEX IF NOT EXISTS tx_attributes_lookup ON tx_attributes (composite_key, value);
  `);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
}
