// One way to open SQLite for every room that keeps a database (the ledger, the localnet's state): WAL, the chosen
// synchronous level, a busy timeout, foreign keys on or off, and a file only its owner can read.
//
// The binding is libsql (a better-sqlite3-compatible API over N-API, so the same binary loads in Node and in
// Electron; docs/architecture.md §3.2). Its API differs from better-sqlite3 in ways that would hurt us if callers
// used it directly, so this module is the only place that imports it and smooths them over:
//  - its row objects carry an extra `_metadata` field (query timing, from `get()`) and give BLOBs as ArrayBuffers
//    (from `all()` and `iterate()`), and its `pluck()` is ignored by `get()`: here rows are built from the binding's
//    raw (array) mode, so a row holds its columns and nothing else, BLOBs are Buffers, and pluck takes column 0;
//  - one positional argument that is an object (a Buffer, null) is taken for named parameters, and a lone Buffer or a
//    boolean anywhere aborts the whole process (a Rust panic): arguments always go down as one array (positional)
//    or one plain object (named), and only SQL values are let through (anything else is a TypeError, as in
//    better-sqlite3);
//  - its `transaction()` cannot nest: here a nested transaction is a savepoint, as in better-sqlite3;
//  - it ignores `readonly`: a read-only connection here is `query_only`, on a file that must already exist.
// Unlike better-sqlite3 it binds a missing named or positional parameter as NULL instead of throwing; the tables'
// NOT NULL constraints are what catch such a slip.
import { closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import Libsql from "libsql";

/** What SQLite stores: INTEGER (number or bigint), REAL, TEXT, BLOB (Uint8Array or Buffer) and NULL (null or undefined). */
export type SqlValue = number | bigint | string | Uint8Array | null | undefined;

/** Statement arguments: positional values, or one object of named ones (`@name`, `:name`, `$name` in the SQL). */
export type SqlArguments = SqlValue[] | [Readonly<Record<string, SqlValue>>];

export interface SqliteRunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface SqliteOptions {
  /**
   * NORMAL (default): a commit is in the WAL at once and survives a crashed or killed process. FULL also fsyncs
   * every commit, which survives power loss.
   */
  synchronous?: "NORMAL" | "FULL";
  /** Enforce REFERENCES clauses (default off, SQLite's own default). */
  foreignKeys?: boolean;
  /** How long a statement waits for another connection's lock before failing with SQLITE_BUSY (default 5000 ms). */
  busyTimeoutMs?: number;
  /** A connection that cannot write (`query_only`), to a file that must exist; the journal mode is left as it is. */
  readOnly?: boolean;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

const BINDABLE = "SQLite can only bind numbers, bigints, strings, Uint8Arrays (Buffers), null and undefined";

function checkValue(value: unknown, where: string): void {
  if (value === null || value === undefined || value instanceof Uint8Array) return;
  const type = typeof value;
  if (type === "number" || type === "bigint" || type === "string") return;
  const what = type === "object" ? ((value as object).constructor?.name ?? "object") : type;
  throw new TypeError(`${BINDABLE}; ${where} is a ${what}`);
}

function isNamedArguments(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** The one argument the binding gets: an array of positional values or a plain object of named ones. */
function bindings(args: readonly unknown[]): unknown[] | Readonly<Record<string, unknown>> {
  if (args.length === 1 && isNamedArguments(args[0])) {
    for (const [name, value] of Object.entries(args[0])) checkValue(value, `parameter "${name}"`);
    return args[0];
  }
  for (let i = 0; i < args.length; i++) checkValue(args[i], `argument ${i + 1}`);
  return args as unknown[];
}

type LibsqlStatement = Libsql.Statement<unknown[]>;

/**
 * A prepared statement. Rows are plain objects keyed by column name (or, after `pluck()`, the first column's value);
 * BLOBs read as Buffers. Statements that return data run in the binding's raw (array) mode and rows are built here:
 * the binding's own row objects carry `_metadata` (from `get()`) and give BLOBs as ArrayBuffers (from `all()` and
 * `iterate()`), while its arrays hold Buffers and nothing else.
 */
export class SqliteStatement {
  readonly #statement: LibsqlStatement;
  /** Column names of a statement that returns data; undefined for one that does not. */
  readonly #columns: readonly string[] | undefined;
  #plucked = false;

  constructor(statement: LibsqlStatement, readonly source: string) {
    this.#statement = statement;
    if (statement.reader) {
      statement.raw(true);
      this.#columns = statement.columns().map((column) => column.name);
    }
  }

  /** Whether the statement returns rows (SELECT, most PRAGMAs, … RETURNING). */
  get returnsData(): boolean {
    return this.#columns !== undefined;
  }

  /** Rows become the value of their first column. */
  pluck(on = true): this {
    this.#reader();
    this.#plucked = on;
    return this;
  }

  /** INTEGER columns read as bigint (exact beyond 2^53) instead of number. */
  safeIntegers(on = true): this {
    this.#statement.safeIntegers(on);
    return this;
  }

  run(...args: SqlArguments): SqliteRunResult {
    const result = this.#statement.run(bindings(args));
    return { changes: result.changes, lastInsertRowid: result.lastInsertRowid };
  }

  /** The first row, or undefined when there is none. */
  get(...args: SqlArguments): unknown {
    const columns = this.#reader();
    const values = this.#statement.get(bindings(args)) as unknown[] | undefined;
    return values === undefined ? undefined : this.#plucked ? values[0] : toRow(columns, values);
  }

  all(...args: SqlArguments): unknown[] {
    const columns = this.#reader();
    const rows = this.#statement.all(bindings(args)) as unknown[][];
    return this.#plucked ? rows.map((values) => values[0]) : rows.map((values) => toRow(columns, values));
  }

  /** Rows one at a time (the binding fetches them in small batches). */
  *iterate(...args: SqlArguments): Generator<unknown, void, undefined> {
    const columns = this.#reader();
    const plucked = this.#plucked;
    for (const values of this.#statement.iterate(bindings(args)) as Iterable<unknown[]>) yield plucked ? values[0] : toRow(columns, values);
  }

  #reader(): readonly string[] {
    if (this.#columns === undefined) throw new TypeError(`this statement returns no data; use run(): ${this.source}`);
    return this.#columns;
  }
}

function toRow(columns: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) row[columns[i]] = values[i];
  return row;
}

/** A connection; see `openSqlite`. */
export class SqliteDatabase {
  readonly #db: Libsql.Database;
  #savepoints = 0;

  constructor(
    /** The file, or ":memory:". */
    readonly path: string,
    db: Libsql.Database,
  ) {
    this.#db = db;
  }

  prepare(sql: string): SqliteStatement {
    return new SqliteStatement(this.#db.prepare(sql) as LibsqlStatement, sql);
  }

  /** Runs one or more statements that return nothing. */
  exec(sql: string): void {
    this.#db.exec(sql);
  }

  /** `PRAGMA <source>`; returns the first column of its first row (undefined for a pragma that returns nothing). */
  pragma(source: string): unknown {
    const statement = this.prepare(`PRAGMA ${source}`);
    if (!statement.returnsData) {
      statement.run();
      return undefined;
    }
    return statement.pluck().get();
  }

  get inTransaction(): boolean {
    return this.#db.inTransaction;
  }

  /**
   * Wraps `fn` so that it runs in a transaction: committed if it returns, rolled back if it throws. Called inside
   * another transaction it runs in a savepoint of it instead.
   */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    return (...args: A): R => {
      const savepoint = this.inTransaction ? `pocketforge_nested_${++this.#savepoints}` : undefined;
      this.exec(savepoint ? `SAVEPOINT ${savepoint}` : "BEGIN");
      try {
        const result = fn(...args);
        this.exec(savepoint ? `RELEASE ${savepoint}` : "COMMIT");
        return result;
      } catch (error) {
        // SQLite may already have rolled back on its own (a full disk, an I/O error): then there is nothing to undo.
        if (this.inTransaction) this.exec(savepoint ? `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}` : "ROLLBACK");
        throw error;
      }
    };
  }

  close(): void {
    this.#db.close();
  }
}

/**
 * Opens (creating it and its folder if need be) a database file, or ":memory:". A new file is created owner-only
 * (0600; SQLite gives its -wal and -shm files the database file's permissions), whatever the process umask.
 */
export function openSqlite(path: string, options: SqliteOptions = {}): SqliteDatabase {
  const memory = path === ":memory:";
  if (options.readOnly) {
    if (memory || !existsSync(path)) throw new Error(`no SQLite database to read at ${path}`);
  } else if (!memory) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (!existsSync(path)) closeSync(openSync(path, "a", 0o600)); // an empty file is an empty database
  }
  const db = new SqliteDatabase(path, new Libsql(path));
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
    if (options.readOnly) db.pragma("query_only = ON");
    else {
      db.pragma("journal_mode = WAL");
      db.pragma(`synchronous = ${options.synchronous ?? "NORMAL"}`);
    }
    db.pragma(`foreign_keys = ${options.foreignKeys ? "ON" : "OFF"}`);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
