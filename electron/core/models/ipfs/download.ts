import { createHash } from "node:crypto";
import { rm } from "node:fs/promises";
import * as dagPb from "@ipld/dag-pb";
import { UnixFS } from "ipfs-unixfs";
import { sha256 } from "multiformats/hashes/sha2";
import { formatBytes } from "../../../../shared/format.js";
import { DownloadError, stopReason } from "../download/errors.js";
import type { RetryPolicy, Sleep } from "../download/retry.js";
import type { FileHashJob, HashingThreads } from "../download/hashing-threads.js";
import { mismatch, writeFailure, type Expectation, type FinishedFile } from "../download/verified-writer.js";
import type { OpenWriteTarget, WriteTarget } from "../download/write-target.js";
import { blockMatchesCid, parseCid, piecesMatchCid } from "./block.js";
import { GatewayPool, fetchVerifiedBlock, type BlockFetchOptions } from "./gateways.js";
import { MAX_PEER_RUNS, type PeerSwarm, type ReceivedBlock, type SwarmPeer } from "./peer-swarm.js";
import { planUnixfsFile, type FilePlan, type PlanItem } from "./plan.js";
import { IpfsResumeState } from "./resume-state.js";

/**
 * Verified blocks are synced and journaled in batches: one fsync per block would cap throughput on slow disks. A batch
 * closes after this many blocks or bytes, whichever comes first.
 */
const JOURNAL_BATCH = 32;
const JOURNAL_BATCH_BYTES = 64 * 1024 * 1024;
/**
 * With peers, a batch closes every 8 MiB and is synced and journaled while the blocks after it stream in: the disk
 * writes the file as it arrives, so the sync at the end has little left to flush.
 */
const PEER_JOURNAL_BATCH_BYTES = 8 * 1024 * 1024;
/**
 * CAR streams open to one peer at once: a few long streams beat many short ones; with blocks written and checked in
 * groups, three kept 48 MiB from a peer on loopback 7 % faster than two (median of 30 rounds, `bench sharing`).
 */
const PEER_STREAMS = 3;
/** Blocks one CAR request to a LAN peer asks for (8 MiB of 256 KiB leaves). */
const PEER_RUN_ITEMS = 32;

/** Who delivered a block: a gateway URL, a peer (its URL and label), or "inline" (carried by its CID or the DAG walk). */
export interface BlockSource {
  url: string;
  label: string;
  peer: boolean;
}

export interface IpfsDownloadOptions {
  cid: string;
  /** Trustless gateway base URLs in preference order (a local node first); may be empty when `peers` are given. */
  gateways: string[];
  /**
   * LAN peers holding this CID: asked first (runs of blocks as CARs, spread over them); blocks no peer delivers
   * come from `gateways`, or fail the download as unreachable when there are none.
   */
  peers?: PeerSwarm;
  /**
   * Required with peers: their blocks are checked and the file hashed on these threads as the file fills in (a LAN
   * delivers faster than one thread receives, writes and hashes every byte twice). Gateway downloads hash here.
   */
  hashing?: HashingThreads;
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
  /** Verified file bytes of one block and who delivered it (a gateway URL, or a peer). */
  onBlock?(via: BlockSource, bytes: number): void;
  /**
   * Asked once the plan is known, before the partial file is opened: a partial file another source left for the same
   * model (possibly moved to `partialPath` by the callback): blocks in its first `scanBytes` that match their CID
   * (each checked) are taken over when it holds more verified bytes (`worth`) than this download already has.
   */
  adopt?: () => { path: string; scanBytes: number; worth: number } | undefined;
  /** Blocks (or, with peers, runs of blocks) in flight at once. */
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
  if (options.peers && !options.hashing) throw new Error("internal: a download from LAN peers needs the hashing threads");
  const root = parseCid(options.cid);
  const state = new IpfsResumeState(options.partialPath);
  // Peers answer single blocks too (?format=raw): they come first in the pool that plans the DAG.
  const peerUrls = options.peers ? options.peers.urls() : [];
  const pool = new GatewayPool([...peerUrls, ...options.gateways]);
  // After planning, blocks the peers' CAR runs do not deliver come from the internet gateways alone.
  const blockPool = options.peers && options.gateways.length > 0 ? new GatewayPool(options.gateways) : pool;
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

  const adopt = options.adopt?.();
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
    let present = plan.items.reduce((sum, item, i) => (verified.has(i) ? sum + item.size : sum), 0);
    if (adopt && adopt.worth > present) {
      const inPlace = adopt.path === options.partialPath;
      const adopted = await adoptBlocks(plan, target, inPlace, state, adopt.path, Math.min(adopt.scanBytes, inPlace ? onDisk : Infinity), verified);
      if (adopted > 0) {
        verified = await state.loadVerified(plan.items.length);
        present = plan.items.reduce((sum, item, i) => (verified.has(i) ? sum + item.size : sum), 0);
      }
    }
    await options.reserve(plan.totalSize, present);
    if (onDisk !== plan.totalSize) await target.truncate(plan.totalSize).catch((e) => Promise.reject(writeFailure(e, options.partialPath)));
    options.onStart?.(plan.totalSize, present);

    const assembler = new Assembler(root, plan, target, verified, state, options, { ...blockOptions, pool: blockPool }, prefetched, counters);
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
      blocksServedBy: blockPool === pool ? pool.servedCounts() : { ...pool.servedCounts(), ...blockPool.servedCounts() },
    };
  } finally {
    if (!closed) await target.close().catch(() => {});
    // Nothing of this download is written after it returns (the caller may commit or delete the folder next).
    await state.settled();
  }
}

export async function clearIpfsResumeState(partialPath: string): Promise<void> {
  await new IpfsResumeState(partialPath).clear();
}

/**
 * Takes over blocks another source left in a partial file: each block of the plan that lies wholly inside its first
 * `bytes` is read and checked against its CID (raw leaves only), written in place (unless `inPlace`: the file is this
 * download's own) and journaled once synced (the other source may never have synced what it wrote). Returns the number
 * of blocks taken over.
 */
async function adoptBlocks(
  plan: FilePlan,
  target: WriteTarget,
  inPlace: boolean,
  state: IpfsResumeState,
  path: string,
  bytes: number,
  verified: ReadonlySet<number>,
): Promise<number> {
  const { open } = await import("node:fs/promises");
  const source = await open(path, "r").catch(() => null);
  if (!source) return 0;
  const taken: number[] = [];
  try {
    for (let i = 0; i < plan.items.length; i++) {
      const item = plan.items[i]!;
      if (item.offset + item.size > bytes) break;
      if (verified.has(i) || item.kind !== "raw") continue;
      const block = Buffer.allocUnsafe(item.size);
      const { bytesRead } = await source.read(block, 0, item.size, item.offset);
      if (bytesRead !== item.size || !(await blockMatchesCid(parseCid(item.cid), block))) continue;
      if (!inPlace) await target.write(block, item.offset);
      taken.push(i);
    }
  } finally {
    await source.close();
  }
  if (taken.length > 0) {
    await target.sync();
    await state.appendVerified(taken);
  }
  return taken.length;
}

/** Runs the block workers, writes blocks in place, journals them, and hashes the file in order as it fills in. */
class Assembler {
  private next = 0;
  private readonly todo: number[];
  private readonly window: number;
  private hashedUpTo = 0;
  private readonly hash = createHash("sha256");
  private readonly unhashed = new Map<number, readonly Uint8Array[]>();
  /** Blocks written ahead of the hash cursor beyond the in-memory window: hashed from the file when the cursor comes. */
  private readonly written = new Set<number>();
  private readonly unjournaled: number[] = [];
  private unjournaledBytes = 0;
  private runsInFlight = 0;
  /** With peers: blocks are checked and the file hashed on the hashing threads. */
  private readonly background: FileHashJob | null;
  private runWaiters: Array<() => void> = [];
  private journal: Promise<void> = Promise.resolve();
  private hashing: Promise<void> = Promise.resolve();
  private waiters: Array<() => void> = [];
  private failure: unknown = null;
  private readonly internal = new AbortController();
  private readonly blockOptions: BlockFetchOptions;
  private readonly concurrency: number;

  constructor(
    private readonly root: import("multiformats/cid").CID,
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
    // Blocks done ahead of the hash cursor wait in memory up to this many; further ones are read back from the file.
    this.window = Math.max(this.concurrency * 4, options.peers ? 2 * PEER_RUN_ITEMS : 0);
    this.background = options.peers && options.hashing ? options.hashing.hashFile(options.partialPath) : null;
    // The first failing worker aborts the others' requests through this signal.
    this.blockOptions = { ...blockOptions, signal: AbortSignal.any([options.signal, this.internal.signal]) };
  }

  async run(): Promise<string> {
    try {
      await this.advanceHash();
      const workers = Array.from({ length: Math.min(this.concurrency, Math.max(1, this.todo.length)) }, () => this.worker());
      await Promise.all(workers);
      // Whatever reached the disk is journaled when the download failed or stopped: that is what a resume skips. A
      // finished download is synced and committed next, so its last batch needs no journal (the file is whole); a
      // batch being journaled finishes first.
      if (this.failure) {
        await this.flushJournal().catch((error) => (this.failure ??= writeFailure(error, this.options.partialPath)));
      } else {
        await this.journal.catch((error) => (this.failure ??= writeFailure(error, this.options.partialPath)));
      }
      if (this.failure) throw stopReason(this.options.signal) ?? this.failure;
      await this.advanceHash();
      if (this.hashedUpTo !== this.plan.items.length) throw new Error("internal: the file hash did not reach the end");
      if (this.background) return await this.background.finish(this.plan.totalSize);
      return this.hash.digest("hex");
    } finally {
      await this.background?.dispose();
    }
  }

  private async worker(): Promise<void> {
    try {
      while (!this.failure && this.next < this.todo.length) {
        if (this.options.peers?.usable()) {
          // A few long streams per peer move bytes faster than many: the rest of the workers wait their turn.
          if (this.runsInFlight >= Math.min(MAX_PEER_RUNS, PEER_STREAMS * Math.max(1, this.options.peers.usableCount()))) {
            await new Promise<void>((resolve) => this.runWaiters.push(resolve));
            continue;
          }
          this.runsInFlight++;
          try {
            await this.peerRun();
          } finally {
            this.runsInFlight--;
            for (const resolve of this.runWaiters.splice(0)) resolve();
          }
          continue;
        }
        if (this.options.peers && this.options.gateways.length === 0) {
          throw new DownloadError("unreachable", "No LAN peer can deliver this model any more; verified blocks are kept and the download goes on from the next source.");
        }
        const index = this.todo[this.next];
        if (index >= this.hashedUpTo + this.window) {
          await new Promise<void>((resolve) => this.waiters.push(resolve));
          continue;
        }
        this.next++;
        const item = this.plan.items[index];
        const { bytes, via } = await this.fileBytes(item);
        await this.place(index, item, bytes, via);
      }
    } catch (error) {
      this.failure ??= error;
      this.internal.abort(error);
      this.wake();
      for (const resolve of this.runWaiters.splice(0)) resolve();
    }
  }

  /** Takes the next run of consecutive blocks for the LAN peers; what they cannot deliver comes from the gateways. */
  private async peerRun(): Promise<void> {
    const run: number[] = [];
    while (this.next < this.todo.length && run.length < PEER_RUN_ITEMS) {
      const index = this.todo[this.next]!;
      const previous = run[run.length - 1];
      if (previous !== undefined && index !== previous + 1) break;
      run.push(index);
      this.next++;
    }
    const indexOf = new Map<PlanItem, number>(run.map((i) => [this.plan.items[i]!, i]));
    const items = run.map((i) => this.plan.items[i]!).filter((item) => {
      // Blocks the DAG walk already fetched need no request.
      const block = this.prefetched.get(item.cid);
      return !block || item.kind !== "raw";
    });
    for (const index of run) {
      const item = this.plan.items[index]!;
      const block = item.kind === "raw" ? this.prefetched.get(item.cid) : undefined;
      if (!block) continue;
      this.prefetched.delete(item.cid);
      await this.place(index, item, block, { url: "inline", label: "inline", peer: false });
    }
    const raw = items.filter((item) => item.kind === "raw");
    const left = raw.length
      ? await this.options.peers!.fetchRun(this.root, raw, (blocks, peer) => this.placeFromPeer(blocks, peer, indexOf), this.blockOptions.signal)
      : [];
    // dag-pb leaves (CIDv0-style DAGs) and whatever no peer delivered go block by block through the pool.
    for (const item of [...items.filter((i) => i.kind !== "raw"), ...left]) {
      if (this.failure) return;
      if (this.options.gateways.length === 0 && item.kind === "raw") {
        throw new DownloadError(
          "unreachable",
          `No LAN peer could deliver block ${item.cid}; verified blocks are kept and the download goes on from the next source.`,
        );
      }
      const { bytes, via } = await this.fileBytes(item);
      await this.place(indexOf.get(item)!, item, bytes, via);
    }
  }

  /**
   * Blocks from a peer, consecutive in the file and not checked yet, taken up to the first that does not match its
   * CID or its size in the plan. They are written first and checked from the file on the hashing threads (the bytes of
   * a block that does not match stay unjournaled and are overwritten by the next source); identity CIDs, which carry
   * their bytes, are checked here first.
   */
  private async placeFromPeer(blocks: readonly ReceivedBlock[], peer: SwarmPeer, indexOf: ReadonlyMap<PlanItem, number>): Promise<number> {
    const via: BlockSource = { url: peer.url, label: peer.label, peer: true };
    // Only blocks of the size the plan gives their place are written: a longer one would spill over its neighbours
    // (verified ones included) or past the end of the file, where checking the block's own bytes cannot see it.
    let sized = 0;
    while (sized < blocks.length && blocks[sized]!.pieces.reduce((sum, piece) => sum + piece.length, 0) === blocks[sized]!.item.size) sized++;
    if (sized === 0) return 0;
    const fitting = blocks.slice(0, sized);
    const cids = fitting.map((block) => parseCid(block.item.cid));
    const offset = blocks[0]!.item.offset;
    let taken = 0;
    if (this.background && cids.every((cid) => cid.multihash.code === sha256.code)) {
      await this.write(fitting.flatMap((block) => block.pieces), offset);
      taken = await this.background.check(offset, fitting.map((block, i) => ({ size: block.item.size, digest: cids[i]!.multihash.digest })));
    } else {
      while (taken < fitting.length && piecesMatchCid(cids[taken]!, fitting[taken]!.pieces)) taken++;
      if (taken > 0) await this.write(fitting.slice(0, taken).flatMap((block) => block.pieces), offset);
    }
    for (const { item, pieces } of fitting.slice(0, taken)) {
      this.counters.fetched++;
      // A peer's bytes are views into memory its next response reuses: without the hashing threads the file hash is
      // fed from memory later, so they are copied.
      await this.onWritten(indexOf.get(item)!, item, this.background ? pieces : [Buffer.concat(pieces)], via);
    }
    return taken;
  }

  /**
   * Writes a verified block in place, journals it in the next batch and moves the hash cursor.
   */
  private async place(index: number, item: PlanItem, block: Uint8Array, via: BlockSource): Promise<void> {
    await this.write([block], item.offset);
    await this.onWritten(index, item, [block], via);
  }

  private async write(pieces: readonly Uint8Array[], offset: number): Promise<void> {
    try {
      if (pieces.length === 1) await this.target.write(pieces[0]!, offset);
      else if (this.target.writev) await this.target.writev(pieces, offset);
      else await this.target.write(Buffer.concat(pieces), offset);
    } catch (error) {
      throw writeFailure(error, this.options.partialPath);
    }
  }

  /** A verified block is on disk: it joins the next journal batch, and the file hash moves on. */
  private async onWritten(index: number, item: PlanItem, pieces: readonly Uint8Array[], via: BlockSource): Promise<void> {
    if (!this.background && index < this.hashedUpTo + this.window) this.unhashed.set(index, pieces);
    else this.written.add(index);
    this.unjournaled.push(index);
    this.unjournaledBytes += item.size;
    this.options.onBytes(item.size);
    this.options.onBlock?.(via, item.size);
    if (this.options.peers) {
      if (this.unjournaledBytes >= PEER_JOURNAL_BATCH_BYTES) {
        this.flushJournal().catch((error) => {
          this.failure ??= writeFailure(error, this.options.partialPath);
          this.internal.abort(error);
        });
      }
    } else if (this.unjournaled.length >= JOURNAL_BATCH || this.unjournaledBytes >= JOURNAL_BATCH_BYTES) {
      await this.flushJournal();
    }
    if (this.options.peers) {
      // Runs stream side by side: none waits for the file hash (one chain for all of them) to catch up.
      this.advanceHash().catch((error) => {
        this.failure ??= error;
        this.internal.abort(error);
      });
    } else {
      await this.advanceHash();
    }
  }

  private async fileBytes(item: PlanItem): Promise<{ bytes: Uint8Array; via: BlockSource }> {
    let block = this.prefetched.get(item.cid);
    let via = { url: "inline", label: "inline", peer: false };
    if (block) this.prefetched.delete(item.cid);
    else {
      const fetched = await fetchVerifiedBlock(parseCid(item.cid), this.blockOptions);
      block = fetched.bytes;
      const peer = this.options.peers?.labelOf(fetched.gateway);
      via = { url: fetched.gateway, label: peer ?? fetched.gateway, peer: peer !== undefined };
      this.counters.fetched++;
    }
    const bytes = item.kind === "raw" ? block : UnixFS.unmarshal(dagPb.decode(block).Data ?? new Uint8Array()).data ?? new Uint8Array();
    if (bytes.length !== item.size) {
      throw new DownloadError(
        "corrupt",
        `Block ${item.cid} holds ${bytes.length} bytes where its DAG promised ${item.size}; the model's IPFS DAG is malformed.`,
      );
    }
    return { bytes, via };
  }

  /** Syncs written blocks, then records them as verified; serialized so the journal only grows. */
  private flushJournal(): Promise<void> {
    const batch = this.unjournaled.splice(0);
    if (batch.length === 0) return this.journal;
    this.unjournaledBytes = 0;
    this.journal = this.journal.then(async () => {
      await this.target.sync();
      await this.state.appendVerified(batch);
    });
    return this.journal;
  }

  /** Feeds the hash every block from the cursor on that is available, from memory or (resumed ones) from disk. */
  private advanceHash(): Promise<void> {
    if (this.background) {
      // The thread reads what is on disk: only the unbroken run of written blocks is handed to it.
      const items = this.plan.items;
      const start = this.hashedUpTo;
      while (this.hashedUpTo < items.length && (this.resumed.has(this.hashedUpTo) || this.written.has(this.hashedUpTo))) {
        this.written.delete(this.hashedUpTo);
        this.hashedUpTo++;
      }
      if (this.hashedUpTo > start) {
        const last = items[this.hashedUpTo - 1]!;
        this.background.advance(last.offset + last.size);
      }
      this.wake();
      return Promise.resolve();
    }
    this.hashing = this.hashing.then(async () => {
      const items = this.plan.items;
      while (this.hashedUpTo < items.length) {
        const index = this.hashedUpTo;
        const inMemory = this.unhashed.get(index);
        if (inMemory) {
          this.unhashed.delete(index);
          for (const piece of inMemory) this.hash.update(piece);
        } else if (this.resumed.has(index) || this.written.has(index)) {
          this.written.delete(index);
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
