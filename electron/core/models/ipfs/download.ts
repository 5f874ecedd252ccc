import { createHash } from "node:crypto";
import { rm } from "node:fs/promises";
import * as dagPb from "@ipld/dag-pb";
import { UnixFS } from "ipfs-unixfs";
import { formatBytes } from "../../../../shared/format.js";
import { DownloadError, stopReason } from "../download/errors.js";
import type { RetryPolicy, Sleep } from "../download/retry.js";
import { mismatch, writeFailure, type Expectation, type FinishedFile } from "../download/verified-writer.js";
import type { OpenWriteTarget, WriteTarget } from "../download/write-target.js";
import { parseCid } from "./block.js";
import { GatewayPool, fetchVerifiedBlock, type BlockFetchOptions } from "./gateways.js";
import { planUnixfsFile, type FilePlan, type PlanItem } from "./plan.js";
import { IpfsResumeState } from "./resume-state.js";

/** Verified blocks are synced and journaled in batches: one fsync per block would cap throughput on slow disks. */
const JOURNAL_BATCH = 32;

export interface IpfsDownloadOptions {
  cid: string;
  /** Trustless gateway base URLs in preference order (a local node first). */
  gateways: string[];
  partialPath: string;
  openTarget: OpenWriteTarget;
  fetch: typeof fetch;
  signal: AbortSignal;
  retry: RetryPolicy;
  sleep: Sleep;
  expected: Expectation;
  /** Called once the file size is known and before any byte is written: the free-space check. */
  reserve(totalBytes: number, presentBytes: number): Promise<void>;
  /** Size known and bytes already verified on disk from an earlier session. */
  onStart?(totalBytes: number, presentBytes: number): void;
  /** File bytes verified and written. */
  onBytes(bytes: number): void;
  onRejected?(gateway: string, cid: string): void;
  /** Blocks in flight at once. */
  concurrency?: number;
  blockTimeoutMs?: number;
}

export interface IpfsDownloadResult extends FinishedFile {
  /** Bytes received from gateways in this session, rejected blocks and DAG nodes included. */
  bytesTransferred: number;
  blocksFetched: number;
  blocksRejected: number;
  /** Blocks verified by an earlier session and not fetched again. */
  blocksResumed: number;
  blocksServedBy: Record<string, number>;
}

/**
 * Downloads a UnixFS file through trustless gateways: every block is fetched raw and checked against its CID, placed
 * at its offset in a pre-sized partial file, and journaled once synced, so an interrupted download resumes without
 * fetching any verified block again. The whole file is also hashed in order as it completes (the catalog's sha256).
 * On success the partial file is complete and synced; the caller commits it and then calls clearIpfsResumeState.
 */
export async function downloadFromIpfs(options: IpfsDownloadOptions): Promise<IpfsDownloadResult> {
  const root = parseCid(options.cid);
  const state = new IpfsResumeState(options.partialPath);
  const pool = new GatewayPool(options.gateways);
  const counters = { transferred: 0, fetched: 0, rejected: 0 };
  const blockOptions: BlockFetchOptions = {
    pool,
    fetch: options.fetch,
    signal: options.signal,
    retry: options.retry,
    sleep: options.sleep,
    blockTimeoutMs: options.blockTimeoutMs ?? 60_000,
    onReceived: (bytes) => (counters.transferred += bytes),
    onRejected: (gateway, cid) => {
      counters.rejected++;
      options.onRejected?.(gateway, cid);
    },
  };

  let plan = state.loadPlan(root.toString());
  let prefetched = new Map<string, Uint8Array>();
  if (!plan) {
    await state.clear();
    const planned = await planUnixfsFile(root, async (cid) => (await fetchVerifiedBlock(cid, blockOptions)).bytes);
    plan = planned.plan;
    prefetched = planned.prefetched;
    state.savePlan(plan);
  }
  if (options.expected.sizeBytes !== undefined && plan.totalSize !== options.expected.sizeBytes) {
    await state.clear();
    throw new DownloadError(
      "substituted",
      `The CID ${options.cid} holds a ${formatBytes(plan.totalSize)} file (${plan.totalSize} bytes) but the catalog lists ` +
        `${options.expected.sizeBytes} bytes: it is not this model. Try another source.`,
    );
  }

  const target = await options.openTarget(options.partialPath).catch((error) => {
    throw writeFailure(error, options.partialPath);
  });
  let closed = false;
  try {
    let verified = await state.loadVerified(plan.items.length);
    const onDisk = await target.size();
    if (verified.size > 0 && onDisk !== plan.totalSize) {
      // The partial file was removed or cut short behind our back: its journal no longer describes it.
      verified = new Set();
      await state.clearVerified();
    }
    const present = plan.items.reduce((sum, item, i) => (verified.has(i) ? sum + item.size : sum), 0);
    await options.reserve(plan.totalSize, present);
    if (onDisk !== plan.totalSize) await target.truncate(plan.totalSize).catch((e) => Promise.reject(writeFailure(e, options.partialPath)));
    options.onStart?.(plan.totalSize, present);

    const assembler = new Assembler(plan, target, verified, state, options, blockOptions, prefetched, counters);
    const sha256 = await assembler.run();
    await target.sync().catch((e) => Promise.reject(writeFailure(e, options.partialPath)));
    await target.close();
    closed = true;
    const finished = { sha256, sizeBytes: plan.totalSize };
    const problem = mismatch(finished, options.expected);
    if (problem) {
      await rm(options.partialPath, { force: true });
      await state.clear();
      throw problem;
    }
    return {
      ...finished,
      bytesTransferred: counters.transferred,
      blocksFetched: counters.fetched,
      blocksRejected: counters.rejected,
      blocksResumed: verified.size,
      blocksServedBy: pool.servedCounts(),
    };
  } finally {
    if (!closed) await target.close().catch(() => {});
  }
}

export async function clearIpfsResumeState(partialPath: string): Promise<void> {
  await new IpfsResumeState(partialPath).clear();
}

/** Runs the block workers, writes blocks in place, journals them, and hashes the file in order as it fills in. */
class Assembler {
  private next = 0;
  private readonly todo: number[];
  private readonly window: number;
  private hashedUpTo = 0;
  private readonly hash = createHash("sha256");
  private readonly unhashed = new Map<number, Uint8Array>();
  private readonly unjournaled: number[] = [];
  private journal: Promise<void> = Promise.resolve();
  private hashing: Promise<void> = Promise.resolve();
  private waiters: Array<() => void> = [];
  private failure: unknown = null;
  private readonly internal = new AbortController();
  private readonly blockOptions: BlockFetchOptions;
  private readonly concurrency: number;

  constructor(
    private readonly plan: FilePlan,
    private readonly target: WriteTarget,
    private readonly resumed: ReadonlySet<number>,
    private readonly state: IpfsResumeState,
    private readonly options: IpfsDownloadOptions,
    blockOptions: BlockFetchOptions,
    private readonly prefetched: Map<string, Uint8Array>,
    private readonly counters: { fetched: number },
  ) {
    this.todo = plan.items.map((_, i) => i).filter((i) => !resumed.has(i));
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    // Blocks done ahead of the hash cursor wait in memory; this bounds how many.
    this.window = this.concurrency * 4;
    // The first failing worker aborts the others' requests through this signal.
    this.blockOptions = { ...blockOptions, signal: AbortSignal.any([options.signal, this.internal.signal]) };
  }

  async run(): Promise<string> {
    await this.advanceHash();
    const workers = Array.from({ length: Math.min(this.concurrency, Math.max(1, this.todo.length)) }, () => this.worker());
    await Promise.all(workers);
    // Whatever reached the disk is journaled even when the download failed: that is what a resume skips.
    await this.flushJournal().catch((error) => (this.failure ??= writeFailure(error, this.options.partialPath)));
    if (this.failure) throw stopReason(this.options.signal) ?? this.failure;
    await this.advanceHash();
    if (this.hashedUpTo !== this.plan.items.length) throw new Error("internal: the file hash did not reach the end");
    return this.hash.digest("hex");
  }

  private async worker(): Promise<void> {
    try {
      while (!this.failure && this.next < this.todo.length) {
        const index = this.todo[this.next];
        if (index >= this.hashedUpTo + this.window) {
          await new Promise<void>((resolve) => this.waiters.push(resolve));
          continue;
        }
        this.next++;
        const item = this.plan.items[index];
        const bytes = await this.fileBytes(item);
        try {
          await this.target.write(bytes, item.offset);
        } catch (error) {
          throw writeFailure(error, this.options.partialPath);
        }
        this.unhashed.set(index, bytes);
        this.unjournaled.push(index);
        this.options.onBytes(item.size);
        if (this.unjournaled.length >= JOURNAL_BATCH) await this.flushJournal();
        await this.advanceHash();
      }
    } catch (error) {
      this.failure ??= error;
      this.internal.abort(error);
      this.wake();
    }
  }

  private async fileBytes(item: PlanItem): Promise<Uint8Array> {
    let block = this.prefetched.get(item.cid);
    if (block) this.prefetched.delete(item.cid);
    else {
      block = (await fetchVerifiedBlock(parseCid(item.cid), this.blockOptions)).bytes;
      this.counters.fetched++;
    }
    const bytes = item.kind === "raw" ? block : UnixFS.unmarshal(dagPb.decode(block).Data ?? new Uint8Array()).data ?? new Uint8Array();
    if (bytes.length !== item.size) {
      throw new DownloadError(
        "corrupt",
        `Block ${item.cid} holds ${bytes.length} bytes where its DAG promised ${item.size}; the model's IPFS DAG is malformed.`,
      );
    }
    return bytes;
  }

  /** Syncs written blocks, then records them as verified; serialized so the journal only grows. */
  private flushJournal(): Promise<void> {
    const batch = this.unjournaled.splice(0);
    if (batch.length === 0) return this.journal;
    this.journal = this.journal.then(async () => {
      await this.target.sync();
      await this.state.appendVerified(batch);
    });
    return this.journal;
  }

  /** Feeds the hash every block from the cursor on that is available, from memory or (resumed ones) from disk. */
  private advanceHash(): Promise<void> {
    this.hashing = this.hashing.then(async () => {
      const items = this.plan.items;
      while (this.hashedUpTo < items.length) {
        const index = this.hashedUpTo;
        const inMemory = this.unhashed.get(index);
        if (inMemory) {
          this.unhashed.delete(index);
          this.hash.update(inMemory);
        } else if (this.resumed.has(index)) {
          this.hash.update(await this.target.read(items[index].offset, items[index].size));
        } else break;
        this.hashedUpTo++;
      }
      this.wake();
    });
    return this.hashing;
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }
}
