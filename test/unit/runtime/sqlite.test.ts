// The one SQLite door of the engine (runtime/sqlite.ts) over the libsql binding, on real SQLite: rows hold their
// columns and nothing else, BLOBs read as Buffers however they are read, arguments the binding would crash on are
// bound correctly or refused with a TypeError, transactions nest, and a file is opened WAL, owner-only.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openSqlite, type SqliteDatabase } from "../../../electron/core/runtime/sqlite.js";

function withTable(run: (db: SqliteDatabase) => void): void {
  const db = openSqlite(":memory:");
  try {
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, data BLOB, big INTEGER)");
    const insert = db.prepare("INSERT INTO t (name, data, big) VALUES (?, ?, ?)");
    insert.run("a", Buffer.from([1, 2]), 2n ** 62n + 1n);
    insert.run("b", new Uint8Array([3]), 7);
    run(db);
  } finally {
    db.close();
  }
}

test("rows hold their columns only (no binding metadata) and BLOBs are Buffers, from get, all and iterate", () => {
  withTable((db) => {
    const select = () => db.prepare("SELECT id, name, data FROM t ORDER BY id");
    const expected = [
      { id: 1, name: "a", data: Buffer.from([1, 2]) },
      { id: 2, name: "b", data: Buffer.from([3]) },
    ];
    assert.deepEqual(select().get(), expected[0]);
    assert.deepEqual(select().all(), expected);
    assert.deepEqual([...select().iterate()], expected);
    for (const row of [select().get(), ...select().all(), ...select().iterate()] as Array<Record<string, unknown>>) {
      assert.deepEqual(Object.keys(row), ["id", "name", "data"]);
      assert.ok(Buffer.isBuffer(row.data), "a BLOB is a Buffer");
      assert.equal(JSON.stringify(row).includes("_metadata"), false);
    }
    assert.equal(db.prepare("SELECT * FROM t WHERE id = ?").get(99), undefined);
  });
});

test("pluck gives the first column from get, all and iterate; safeIntegers reads INTEGER as exact bigint", () => {
  withTable((db) => {
    assert.deepEqual(db.prepare("SELECT data FROM t WHERE id = ?").pluck().get(1), Buffer.from([1, 2]));
    assert.deepEqual(db.prepare("SELECT name FROM t ORDER BY id").pluck().all(), ["a", "b"]);
    assert.deepEqual([...db.prepare("SELECT name FROM t ORDER BY id").pluck().iterate()], ["a", "b"]);
    // A column named like an array index does not jump ahead of the first one.
    assert.equal(db.prepare('SELECT name, 5 AS "0" FROM t WHERE id = 1').pluck().get(), "a");
    assert.equal(db.prepare("SELECT big FROM t WHERE id = 1").safeIntegers().pluck().get(), 2n ** 62n + 1n);
    assert.deepEqual([...db.prepare("SELECT big FROM t ORDER BY id").safeIntegers().pluck().iterate()], [2n ** 62n + 1n, 7n]);
    assert.equal(typeof db.prepare("SELECT big FROM t WHERE id = 2").pluck().get(), "number");
    assert.equal(db.prepare("SELECT name FROM t WHERE id = 3").pluck().get(), undefined);
  });
});

test("a lone Buffer, Uint8Array or null argument is positional; named arguments come as one plain object", () => {
  withTable((db) => {
    // The binding takes a lone object-like argument for named parameters; a lone Buffer even aborted the process.
    assert.equal(db.prepare("SELECT name FROM t WHERE data = ?").pluck().get(Buffer.from([1, 2])), "a");
    assert.equal(db.prepare("SELECT name FROM t WHERE data = ?").pluck().get(new Uint8Array([3])), "b");
    assert.equal(db.prepare("SELECT ? IS NULL AS n").pluck().get(null), 1);
    assert.equal(db.prepare("SELECT ? IS NULL AS n").pluck().get(undefined), 1);
    const named = db.prepare("INSERT INTO t (name, data, big) VALUES (@name, @data, @big)");
    assert.equal(named.run({ name: "c", data: Buffer.from([9]), big: 10n }).changes, 1);
    assert.deepEqual(db.prepare("SELECT name, data, big FROM t WHERE name = :name").get({ name: "c" }), { name: "c", data: Buffer.from([9]), big: 10 });
    const result = db.prepare("INSERT INTO t (name) VALUES (?)").run("d");
    assert.deepEqual(Object.keys(result).sort(), ["changes", "lastInsertRowid"]);
    assert.equal(result.lastInsertRowid, 4);
  });
});

test("values SQLite cannot hold are a TypeError (the binding would abort the process on a boolean)", () => {
  withTable((db) => {
    const select = db.prepare("SELECT ? AS v");
    for (const value of [true, false, new Date(0), [1], Symbol("s"), () => 1, new ArrayBuffer(1)]) {
      assert.throws(() => select.get(value as never), TypeError, String(value));
    }
    assert.throws(() => select.get(1, true as never), /argument 2 is a boolean/);
    assert.throws(() => db.prepare("SELECT @flag AS v").get({ flag: true as never }), /parameter "flag" is a boolean/);
    assert.equal(db.prepare("SELECT COUNT(*) AS n FROM t").pluck().get(), 2, "nothing was written, and the process is alive");
  });
});

test("get, all, iterate and pluck refuse a statement that returns nothing; pragma returns a value or nothing", () => {
  withTable((db) => {
    const update = db.prepare("UPDATE t SET name = 'x' WHERE id = 0");
    assert.equal(update.returnsData, false);
    assert.throws(() => update.get(), /returns no data/);
    assert.throws(() => update.all(), /returns no data/);
    assert.throws(() => update.pluck(), /returns no data/);
    assert.equal(db.pragma("user_version"), 0);
    assert.equal(db.pragma("user_version = 3"), undefined);
    assert.equal(db.pragma("user_version"), 3);
  });
});

test("transactions commit, roll back on a throw, and nest as savepoints", () => {
  withTable((db) => {
    const count = () => db.prepare("SELECT COUNT(*) FROM t").pluck().get();
    const insert = db.prepare("INSERT INTO t (name) VALUES (?)");
    assert.equal(db.transaction((name: string) => insert.run(name).changes)("c"), 1);
    assert.equal(count(), 3);
    assert.throws(() => db.transaction(() => (insert.run("d"), assert.fail("boom")))(), /boom/);
    assert.equal(count(), 3, "rolled back");
    assert.equal(db.inTransaction, false);
    db.transaction(() => {
      insert.run("outer");
      assert.throws(() => db.transaction(() => (insert.run("inner"), assert.fail("inner fails")))(), /inner fails/);
      db.transaction(() => insert.run("inner kept"))();
    })();
    assert.deepEqual(db.prepare("SELECT name FROM t WHERE id > 3 ORDER BY id").pluck().all(), ["outer", "inner kept"]);
    assert.equal(db.inTransaction, false);
  });
});

test("a file opens in WAL with the chosen synchronous level, busy timeout and foreign keys; it and its WAL are 0600", () => {
  const dir = mkdtempSync(join(tmpdir(), "pf-sqlite-"));
  const previousUmask = process.umask(0o022); // what an engine that forgot keepPrivate() would run with
  try {
    const path = join(dir, "nested", "books.sqlite");
    const db = openSqlite(path, { synchronous: "FULL", foreignKeys: true, busyTimeoutMs: 1234 });
    try {
      assert.equal(db.pragma("journal_mode"), "wal");
      assert.equal(db.pragma("synchronous"), 2); // FULL
      assert.equal(db.pragma("busy_timeout"), 1234);
      assert.equal(db.pragma("foreign_keys"), 1);
      db.exec("CREATE TABLE t (x INTEGER)");
      db.prepare("INSERT INTO t VALUES (1)").run();
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        assert.equal(statSync(file).mode & 0o777, 0o600, file);
      }
      assert.equal(statSync(join(dir, "nested")).mode & 0o777, 0o700);
    } finally {
      db.close();
    }
    const defaults = openSqlite(path);
    assert.deepEqual([defaults.pragma("synchronous"), defaults.pragma("busy_timeout"), defaults.pragma("foreign_keys")], [1, 5000, 0]);
    defaults.close();
  } finally {
    process.umask(previousUmask);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a read-only connection reads what a writer committed, cannot write, and never creates a file", () => {
  const dir = mkdtempSync(join(tmpdir(), "pf-sqlite-"));
  try {
    const path = join(dir, "books.sqlite");
    assert.throws(() => openSqlite(path, { readOnly: true }), /no SQLite database/);
    assert.equal(existsSync(path), false);
    const writer = openSqlite(path);
    writer.exec("CREATE TABLE t (x INTEGER)");
    writer.prepare("INSERT INTO t VALUES (?)").run(42);
    const reader = openSqlite(path, { readOnly: true });
    try {
      assert.equal(reader.prepare("SELECT x FROM t").pluck().get(), 42);
      assert.throws(() => reader.prepare("INSERT INTO t VALUES (1)").run(), /readonly|read-only/i);
      assert.equal(reader.pragma("journal_mode"), "wal", "the reader left the writer's journal mode alone");
    } finally {
      reader.close();
      writer.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
