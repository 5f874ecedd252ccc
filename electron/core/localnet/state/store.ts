// Module state on SQLite. Every read and write is metered when a gas meter is attached, nested savepoints
// give transactions all-or-nothing semantics (a failed Msg leaves only its fee and sequence behind), and the
// writes that survive a block are folded into the next app hash.
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import type { SqliteStatement } from "../../runtime/sqlite.js";
import type { LocalnetDatabase } from "./db.js";
import { GAS, type GasMeter } from "./gas.js";

interface Write {
  bucket: string;
  key: string;
  /** undefined = deleted */
  value: Uint8Array | undefined;
}

export interface KvEntry {
  key: string;
  value: Uint8Array;
}

/** The byte after every character a key uses: a prefix scan ends just before prefix + this. */
const PREFIX_END = "\u{10FFFF}";

export class Store {
  private readonly getStmt: SqliteStatement;
  private readonly setStmt: SqliteStatement;
  private readonly deleteStmt: SqliteStatement;
  private readonly scanStmt: SqliteStatement;
  /** Pending writes per open savepoint; index 0 is the block. */
  private readonly frames: Map<string, Write>[] = [];
  private savepointCounter = 0;
  meter: GasMeter | undefined;

  constructor(readonly db: LocalnetDatabase) {
    this.getStmt = db.prepare("SELECT value FROM kv WHERE bucket = ? AND key = ?").pluck();
    this.setStmt = db.prepare("INSERT OR REPLACE INTO kv (bucket, key, value) VALUES (?, ?, ?)");
    this.deleteStmt = db.prepare("DELETE FROM kv WHERE bucket = ? AND key = ?");
    this.scanStmt = db.prepare("SELECT key, value FROM kv WHERE bucket = ? AND key >= ? AND key < ? ORDER BY key");
  }

  get(bucket: string, key: string): Uint8Array | undefined {
    const value = this.getStmt.get(bucket, key) as Buffer | undefined;
    this.meter?.consume(GAS.readFlat + GAS.readPerByte * BigInt(key.length + (value?.length ?? 0)), "ReadFlat");
    return value === undefined ? undefined : new Uint8Array(value.buffer, value.byteOffset, value.length);
  }

  has(bucket: string, key: string): boolean {
    return this.get(bucket, key) !== undefined;
  }

  set(bucket: string, key: string, value: Uint8Array): void {
    this.meter?.consume(GAS.writeFlat + GAS.writePerByte * BigInt(key.length + value.length), "WriteFlat");
    this.setStmt.run(bucket, key, Buffer.from(value.buffer, value.byteOffset, value.length));
    this.record({ bucket, key, value });
  }

  delete(bucket: string, key: string): void {
    this.meter?.consume(GAS.delete, "Delete");
    this.deleteStmt.run(bucket, key);
    this.record({ bucket, key, value: undefined });
  }

  /** Entries of `bucket` whose key starts with `prefix`, in key order. */
  scan(bucket: string, prefix = ""): KvEntry[] {
    const rows = this.scanStmt.all(bucket, prefix, prefix + PREFIX_END) as Array<{ key: string; value: Buffer }>;
    this.meter?.consume(GAS.readFlat + GAS.iterNextFlat * BigInt(rows.length), "Iterator");
    return rows.map((row) => ({ key: row.key, value: new Uint8Array(row.value.buffer, row.value.byteOffset, row.value.length) }));
  }

  /** Starts collecting a block's writes (inside the caller's SQLite transaction). */
  beginBlock(): void {
    this.frames.length = 0;
    this.frames.push(new Map());
  }

  /** The block's surviving writes folded into the previous app hash. */
  endBlock(previousAppHash: Uint8Array): Uint8Array {
    const writes = [...(this.frames[0]?.values() ?? [])].sort((a, b) =>
      a.bucket === b.bucket ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.bucket < b.bucket ? -1 : 1,
    );
    this.frames.length = 0;
    const parts = writes.map((w) =>
      sha256(concatBytes(utf8ToBytes(`${w.bucket}\u0000${w.key}\u0000`), w.value === undefined ? new Uint8Array([0]) : concatBytes(new Uint8Array([1]), w.value))),
    );
    return sha256(concatBytes(previousAppHash, sha256(concatBytes(...parts))));
  }

  /** Runs `fn` in a savepoint: its writes persist if it returns, vanish if it throws. */
  atomically<T>(fn: () => T): T {
    const name = `sp${++this.savepointCounter}`;
    this.db.exec(`SAVEPOINT ${name}`);
    this.frames.push(new Map());
    try {
      const result = fn();
      this.db.exec(`RELEASE ${name}`);
      const frame = this.frames.pop()!;
      const parent = this.frames[this.frames.length - 1];
      if (parent) for (const [k, w] of frame) parent.set(k, w);
      return result;
    } catch (error) {
      this.db.exec(`ROLLBACK TO ${name}`);
      this.db.exec(`RELEASE ${name}`);
      this.frames.pop();
      throw error;
    }
  }

  /** Runs `fn` and always undoes its writes (simulation, read-only checks). */
  discarding<T>(fn: () => T): T {
    const name = `sp${++this.savepointCounter}`;
    this.db.exec(`SAVEPOINT ${name}`);
    this.frames.push(new Map());
    try {
      return fn();
    } finally {
      this.db.exec(`ROLLBACK TO ${name}`);
      this.db.exec(`RELEASE ${name}`);
      this.frames.pop();
    }
  }

  /** Runs `fn` with `meter` charging every access (restoring the previous meter afterwards). */
  metered<T>(meter: GasMeter | undefined, fn: () => T): T {
    const previous = this.meter;
    this.meter = meter;
    try {
      return fn();
    } finally {
      this.meter = previous;
    }
  }

  private record(write: Write): void {
    const frame = this.frames[this.frames.length - 1];
    frame?.set(`${write.bucket}\u0000${write.key}`, write);
  }
}

/** A typed view of one bucket whose values are protobuf messages. */
export class Collection<T> {
  constructor(
    private readonly store: Store,
    readonly bucket: string,
    private readonly codec: { toBytes(value: T): Uint8Array; decode(bytes: Uint8Array): T },
  ) {}

  get(key: string): T | undefined {
    const bytes = this.store.get(this.bucket, key);
    return bytes === undefined ? undefined : this.codec.decode(bytes);
  }

  set(key: string, value: T): void {
    this.store.set(this.bucket, key, this.codec.toBytes(value));
  }

  delete(key: string): void {
    this.store.delete(this.bucket, key);
  }

  values(prefix = ""): T[] {
    return this.store.scan(this.bucket, prefix).map((entry) => this.codec.decode(entry.value));
  }

  entries(prefix = ""): Array<{ key: string; value: T }> {
    return this.store.scan(this.bucket, prefix).map((entry) => ({ key: entry.key, value: this.codec.decode(entry.value) }));
  }
}

/** Zero-padded decimal so heights sort as text. */
export function heightKey(height: bigint): string {
  return height.toString().padStart(20, "0");
}
