// Groups many small writes into one SQLite transaction. A write is committed at most `maxDelayMs` after it was
// queued (sooner when `maxItems` are waiting), which is what the relay miner's durability promise rests on:
// one fsync per batch instead of one per relay. A timer alone would not keep that promise on a saturated event
// loop (timers wait until every ready socket was served), so each push also commits a batch that is due.
// The first write after a quiet spell (no commit for `maxDelayMs`) is committed at the end of the turn that queued
// it: at a few relays a second a batch holds one relay's writes anyway, and a timer would wake the event loop once
// more per relay, ~20 ms later, to run SQLite on cold caches (a third of a relay's own cost on the relay benchmark).
import type { SqliteDatabase } from "../runtime/sqlite.js";

export interface BatchWriterOptions<T> {
  db: SqliteDatabase;
  /** Writes the items; runs inside the batch's transaction. */
  write(items: readonly T[]): void;
  maxDelayMs: number;
  maxItems: number;
  /** After each commit, with the committed items and the time of the commit (ms since the epoch). */
  onCommit?(items: readonly T[], committedAt: number): void;
  /** A failed commit; the items stay queued and are retried with the next batch. */
  onError?(error: unknown, pending: number): void;
  now?(): number;
}

export class BatchWriter<T> {
  private queue: T[] = [];
  /** When the oldest queued item was queued. */
  private oldestAt = 0;
  private timer: NodeJS.Timeout | undefined;
  /** When the last batch was committed (ms since the epoch). */
  private lastCommitAt = Number.NEGATIVE_INFINITY;
  /** A commit is queued for the end of the current turn. */
  private commitQueued = false;
  private readonly transaction: (items: readonly T[]) => void;
  private closed = false;

  constructor(private readonly options: BatchWriterOptions<T>) {
    this.transaction = options.db.transaction((items: readonly T[]) => options.write(items));
  }

  get pending(): number {
    return this.queue.length;
  }

  push(item: T): void {
    if (this.closed) throw new Error("the ledger is closed");
    const now = (this.options.now ?? Date.now)();
    if (this.queue.length === 0) this.oldestAt = now;
    this.queue.push(item);
    if (this.queue.length >= this.options.maxItems || now - this.oldestAt >= this.options.maxDelayMs) this.flush();
    else if (this.timer === undefined && now - this.lastCommitAt >= this.options.maxDelayMs) this.commitAtEndOfTurn();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.options.maxDelayMs);
    }
  }

  /**
   * Writes queued in the same turn (a relay's record and its mined relay) share the commit. Not while a failed
   * commit's retry timer runs: that one decides when to try again.
   */
  private commitAtEndOfTurn(): void {
    if (this.commitQueued) return;
    this.commitQueued = true;
    queueMicrotask(() => {
      this.commitQueued = false;
      // A timer armed since (a sync commit failed, or one succeeded and writes followed) decides instead.
      if (!this.closed && this.timer === undefined) this.flush();
    });
  }

  /** Commits everything queued now; returns false when the commit failed (the items stay queued). */
  flush(): boolean {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.queue.length === 0) return true;
    const items = this.queue;
    this.queue = [];
    try {
      this.transaction(items);
    } catch (error) {
      if (this.queue.length === 0) this.oldestAt = (this.options.now ?? Date.now)();
      this.queue = items.concat(this.queue);
      this.options.onError?.(error, this.queue.length);
      if (!this.closed && this.timer === undefined) {
        // Retry later rather than at once: a full disk or a locked file does not clear in a microsecond.
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.flush();
        }, Math.max(100, this.options.maxDelayMs * 10));
      }
      return false;
    }
    this.lastCommitAt = (this.options.now ?? Date.now)();
    this.options.onCommit?.(items, this.lastCommitAt);
    return true;
  }

  /** Final flush; later pushes throw. */
  close(): boolean {
    const ok = this.flush();
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    return ok;
  }
}
