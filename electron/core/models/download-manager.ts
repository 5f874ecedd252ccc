import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ApiError } from "../../../shared/api/define.js";
import type { DownloadProgress, DownloadSourceKind, DownloadState, DownloadSupplier, ModelSettings, ModelSourceKind } from "../../../shared/api/models.js";
import type { CatalogEntry, ModelSource } from "../../../shared/models/catalog-schema.js";
import type { Logger } from "../runtime/logger.js";
import { writeFileAtomic } from "../runtime/atomic-file.js";
import { downloadFromArweave } from "./download/arweave.js";
import { commitFile } from "./download/commit.js";
import { DownloadError, describeError, hostOf, throwIfStopped, type DownloadFailureReason } from "./download/errors.js";
import type { HashingThreads } from "./download/hashing-threads.js";
import { ensureFreeSpace, type FreeSpaceProbe } from "./download/free-space.js";
import { downloadWithRanges } from "./download/http-range.js";
import { ProgressMeter } from "./download/progress.js";
import type { RetryPolicy, Sleep } from "./download/retry.js";
import { SequentialVerifiedWriter, type Expectation, type FinishedFile } from "./download/verified-writer.js";
import type { OpenWriteTarget } from "./download/write-target.js";
import { downloadFromIpfs } from "./ipfs/download.js";
import { PeerSwarm } from "./ipfs/peer-swarm.js";
import type { ReceiveRingPool } from "./ipfs/receive-ring.js";
import { IpfsResumeState } from "./ipfs/resume-state.js";
import type { LanOffer } from "./sharing/sharing-service.js";

const JOB_FORMAT = "pocketforge-download-job-v1";
const Supplier = z.object({
  source: z.enum(["lan", "ipfs", "arweave", "https"]),
  via: z.string(),
  bytes: z.number(),
  blocks: z.number().int(),
  blocksRejected: z.number().int(),
  state: z.enum(["active", "demoted", "gone"]),
});
const JobDocument = z.object({
  format: z.literal(JOB_FORMAT),
  modelId: z.string(),
  preferred: z.enum(["ipfs", "arweave", "https"]).nullable(),
  startedAt: z.number(),
  /** Who supplied what so far (written by versions that share models on the LAN). */
  suppliers: z.array(Supplier).default([]),
});

/** LAN peers are near: a failing one is given up on quickly so the internet sources take over. */
const LAN_RETRY: RetryPolicy = { attempts: 2, baseDelayMs: 200, maxDelayMs: 1_000 };
/** Partial files that hold blocks at their offsets (with a plan and a journal) and those written in order. */
const BLOCK_KINDS = ["lan", "ipfs"] as const;
const SEQUENTIAL_KINDS = ["https", "arweave"] as const;

/**
 * Which failure names a failed job when several sources failed: a source caught serving the wrong file says more
 * than one that was unreachable.
 */
const REASON_WEIGHT: Record<DownloadFailureReason, number> = {
  unreachable: 1,
  unconfirmed: 2,
  not_gguf: 3,
  corrupt: 4,
  substituted: 5,
  io: 6,
  no_space: 7,
  paused: 0,
  cancelled: 0,
};

/** Trustless sources first: IPFS blocks are checked one by one, Arweave data is immutable once confirmed. */
const SOURCE_PREFERENCE: ModelSourceKind[] = ["ipfs", "arweave", "https"];

export interface VerifiedFile extends FinishedFile {
  path: string;
  /** The catalog source, or LAN peers serving this CID. */
  source: ModelSource | { kind: "lan"; cid: string };
}

export interface DownloadManagerOptions {
  /** One folder per job (partial files and resume state) lives here. */
  downloadsDir: string;
  /** Finished models are renamed into this folder (same filesystem, so the rename is atomic). */
  filesDir: string;
  logger: Logger;
  settings: () => ModelSettings;
  /** Catalog lookup, for jobs found on disk after a restart. */
  catalogEntry: (id: string) => CatalogEntry | undefined;
  /** Registers a committed file as installed (reads its GGUF facts); throwing deletes nothing but fails the job. */
  install: (entry: CatalogEntry, file: VerifiedFile) => Promise<void>;
  onProgress: (progress: DownloadProgress) => void;
  fetch: typeof fetch;
  sleep: Sleep;
  now: () => number;
  openTarget: OpenWriteTarget;
  freeSpace: FreeSpaceProbe;
  retry: RetryPolicy;
  /** Progress events are sent at most this often per job (state changes always go out at once). */
  progressIntervalMs?: number;
  /** LAN peers serving a catalog model (tried before the catalog's sources); null when none does. */
  lanOffer?: (entry: CatalogEntry) => Promise<LanOffer | null>;
  /** Checks the blocks and hashes the file of downloads from LAN peers off the thread that receives them. */
  hashing?: HashingThreads;
  /** The memory downloads from LAN peers read into, kept from one download to the next. */
  receiveRings?: ReceiveRingPool;
}

interface Job {
  entry: CatalogEntry;
  preferred: ModelSourceKind | null;
  state: DownloadState;
  source: DownloadSourceKind | null;
  /** By "<source> <via>": who delivered how much, across sessions. */
  suppliers: Map<string, DownloadSupplier>;
  via: string | null;
  meter: ProgressMeter;
  blocksRejected: number;
  error: { reason: string; message: string } | null;
  startedAt: number;
  updatedAt: number;
  lastEmit: number;
  controller: AbortController | null;
  running: Promise<void> | null;
}

/**
 * Runs model downloads: one job per catalog model, trying its sources in order (IPFS, Arweave, HTTPS unless one is
 * chosen), with pause (the partial file and resume state stay), resume, cancel (everything deleted) and progress
 * events. A model is committed to its final name and installed only after its bytes were verified.
 */
export class DownloadManager {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly options: DownloadManagerOptions) {
    mkdirSync(options.downloadsDir, { recursive: true });
    mkdirSync(options.filesDir, { recursive: true });
  }

  /** Lists jobs left on disk by an earlier run as paused, so the user can resume or cancel them. */
  restore(): void {
    for (const name of readdirSync(this.options.downloadsDir)) {
      const file = join(this.options.downloadsDir, name, "job.json");
      if (!existsSync(file) || this.jobs.has(name)) continue;
      try {
        const doc = JobDocument.parse(JSON.parse(readFileSync(file, "utf8")));
        const entry = this.options.catalogEntry(doc.modelId);
        if (!entry) {
          this.options.logger.warn("a paused download's model is no longer in the catalog; removing it", { modelId: doc.modelId });
          rmSync(join(this.options.downloadsDir, name), { recursive: true, force: true });
          continue;
        }
        const job = this.newJob(entry, doc.preferred, doc.startedAt);
        for (const supplier of doc.suppliers) job.suppliers.set(`${supplier.source} ${supplier.via}`, { ...supplier, state: "active" });
        job.state = "paused";
        job.meter.setBaseline(this.bytesOnDisk(entry), entry.sizeBytes ?? null);
        this.jobs.set(entry.id, job);
      } catch (error) {
        this.options.logger.warn("ignoring an unreadable download job", { file, error });
      }
    }
  }

  list(): DownloadProgress[] {
    return [...this.jobs.values()].map((job) => this.snapshot(job));
  }

  get(modelId: string): DownloadProgress | undefined {
    const job = this.jobs.get(modelId);
    return job ? this.snapshot(job) : undefined;
  }

  isActive(modelId: string): boolean {
    return this.jobs.get(modelId)?.running != null;
  }

  start(entry: CatalogEntry, preferred: ModelSourceKind | null): DownloadProgress {
    const existing = this.jobs.get(entry.id);
    if (existing?.running) throw new ApiError("conflict", `${entry.name} is already downloading.`);
    if (preferred && !entry.sources.some((s) => s.kind === preferred)) {
      throw new ApiError("invalid_params", `${entry.name} has no ${preferred} source in the catalog.`);
    }
    const job = existing ?? this.newJob(entry, preferred, this.options.now());
    job.preferred = preferred ?? job.preferred;
    this.jobs.set(entry.id, job);
    mkdirSync(this.jobDir(entry.id), { recursive: true });
    this.saveJob(job);
    this.run(job);
    return this.snapshot(job);
  }

  resume(modelId: string): DownloadProgress {
    const job = this.jobs.get(modelId);
    if (!job) throw new ApiError("not_found", `There is no download of ${modelId} to resume; start one from the catalog.`);
    if (job.running) return this.snapshot(job);
    return this.start(job.entry, job.preferred);
  }

  async pause(modelId: string): Promise<DownloadProgress> {
    const job = this.jobs.get(modelId);
    if (!job) throw new ApiError("not_found", `There is no download of ${modelId} to pause.`);
    if (job.running && job.controller) {
      job.controller.abort(new DownloadError("paused", "The download was paused"));
      await job.running;
    }
    return this.snapshot(job);
  }

  async cancel(modelId: string): Promise<boolean> {
    const job = this.jobs.get(modelId);
    if (!job) return false;
    if (job.running && job.controller) {
      job.controller.abort(new DownloadError("cancelled", "The download was cancelled"));
      await job.running;
    }
    rmSync(this.jobDir(modelId), { recursive: true, force: true });
    this.jobs.delete(modelId);
    this.setState(job, "cancelled");
    return true;
  }

  /** Pauses every running job (their partial files stay for the next start). */
  async pauseAll(): Promise<void> {
    await Promise.all([...this.jobs.values()].filter((j) => j.running).map((j) => this.pause(j.entry.id)));
  }

  private saveJob(job: Job): void {
    if (!existsSync(this.jobDir(job.entry.id))) return;
    writeFileAtomic(
      join(this.jobDir(job.entry.id), "job.json"),
      JSON.stringify({ format: JOB_FORMAT, modelId: job.entry.id, preferred: job.preferred, startedAt: job.startedAt, suppliers: [...job.suppliers.values()] }),
    );
  }

  /** Counts verified bytes for whoever delivered them. */
  private tally(job: Job, source: DownloadSourceKind, via: string, bytes: number, blocks: number): void {
    const supplier = this.supplier(job, source, via);
    supplier.bytes += bytes;
    supplier.blocks += blocks;
  }

  private supplier(job: Job, source: DownloadSourceKind, via: string): DownloadSupplier {
    const key = `${source} ${via}`;
    let supplier = job.suppliers.get(key);
    if (!supplier) {
      supplier = { source, via, bytes: 0, blocks: 0, blocksRejected: 0, state: "active" };
      job.suppliers.set(key, supplier);
    }
    return supplier;
  }

  private newJob(entry: CatalogEntry, preferred: ModelSourceKind | null, startedAt: number): Job {
    return {
      entry,
      preferred,
      state: "checking",
      source: null,
      suppliers: new Map(),
      via: null,
      meter: new ProgressMeter(this.options.now),
      blocksRejected: 0,
      error: null,
      startedAt,
      updatedAt: this.options.now(),
      lastEmit: 0,
      controller: null,
      running: null,
    };
  }

  private run(job: Job): void {
    const controller = new AbortController();
    job.controller = controller;
    job.error = null;
    this.setState(job, "checking");
    job.running = this.attempt(job, controller.signal).finally(() => {
      job.running = null;
      job.controller = null;
    });
  }

  private async attempt(job: Job, signal: AbortSignal): Promise<void> {
    const { entry } = job;
    const failures: string[] = [];
    let last: DownloadError | null = null;
    const steps: Array<ModelSource | { kind: "lan" }> = [...(this.options.lanOffer ? [{ kind: "lan" as const }] : []), ...this.sourceOrder(entry, job.preferred)];
    for (const source of steps) {
      job.source = source.kind;
      job.via = null;
      try {
        let file: VerifiedFile;
        if (source.kind === "lan") {
          const offer = await this.options.lanOffer!(entry).catch((error) => {
            this.options.logger.warn("could not ask LAN peers", { modelId: entry.id, error });
            return null;
          });
          throwIfStopped(signal);
          // No peer serves it: not a failure, the catalog's sources are next.
          if (!offer) continue;
          file = await this.fetchFromPeers(job, offer, signal);
        } else {
          file = await this.fetchSource(job, source, signal);
        }
        this.setState(job, "verifying");
        const finalPath = join(this.options.filesDir, `${entry.id}.gguf`);
        commitFile(file.path, finalPath);
        try {
          await this.options.install(entry, { ...file, path: finalPath });
        } catch (error) {
          // Verified bytes that are not a loadable model (or could not be indexed) must not linger unregistered.
          rmSync(finalPath, { force: true });
          throw error;
        }
        // The plan and block journal of an IPFS download go with the job folder.
        rmSync(this.jobDir(entry.id), { recursive: true, force: true });
        this.setState(job, "completed");
        this.jobs.delete(entry.id);
        return;
      } catch (error) {
        const failure = error instanceof DownloadError ? error : new DownloadError("io", describeError(error));
        this.saveJob(job);
        if (failure.reason === "paused") return this.setState(job, "paused");
        if (failure.reason === "cancelled") return;
        this.options.logger.warn("model source failed", { modelId: entry.id, source: source.kind, reason: failure.reason, error: failure.message });
        if (!last || REASON_WEIGHT[failure.reason] >= REASON_WEIGHT[last.reason]) last = failure;
        failures.push(`${source.kind === "lan" ? "LAN peers" : source.kind.toUpperCase()}: ${failure.message}`);
        // A full disk or a broken disk fails the same way whatever the source: stop and say so.
        if (failure.reason === "no_space" || failure.reason === "io") break;
      }
    }
    const message = failures.length > 1 ? failures.join(" — ") : (last?.message ?? `${entry.name} has no usable source.`);
    job.error = { reason: last?.reason ?? "unreachable", message };
    this.setState(job, "failed");
  }

  private async fetchSource(job: Job, source: ModelSource, signal: AbortSignal): Promise<VerifiedFile> {
    const { entry } = job;
    const settings = this.options.settings();
    const expected: Expectation = { sha256: entry.sha256, sizeBytes: entry.sizeBytes };
    const partialPath = join(this.jobDir(entry.id), `${entry.id}.${source.kind}.partial`);
    const reserve = async (total: number, present: number) => {
      job.meter.setTotal(total || null);
      await ensureFreeSpace(this.jobDir(entry.id), total - present, this.options.freeSpace);
    };
    const onBytes = (bytes: number) => {
      job.meter.add(bytes);
      this.maybeEmit(job);
    };
    const common = { fetch: this.options.fetch, signal, retry: this.options.retry, sleep: this.options.sleep };

    if (source.kind === "ipfs") {
      const result = await downloadFromIpfs({
        ...common,
        cid: source.cid,
        gateways: settings.ipfsGateways,
        partialPath,
        openTarget: this.options.openTarget,
        expected,
        concurrency: settings.ipfsConcurrency,
        reserve,
        onStart: (total, present) => {
          job.meter.setBaseline(present, total);
          this.setState(job, "downloading");
        },
        onBytes,
        onBlock: (via, bytes) => this.tally(job, via.peer ? "lan" : "ipfs", via.peer ? via.label : hostOf(via.url), bytes, 1),
        onRejected: (gateway) => {
          job.blocksRejected++;
          job.via = gateway;
          this.supplier(job, "ipfs", hostOf(gateway)).blocksRejected++;
        },
        adopt: () => this.adoptForBlocks(job, "ipfs", partialPath),
      });
      return { path: partialPath, sha256: result.sha256, sizeBytes: result.sizeBytes, source };
    }

    this.adoptForSequential(job, source.kind, partialPath);
    const writer = await SequentialVerifiedWriter.open(partialPath, this.options.openTarget, expected, true);
    job.meter.setBaseline(writer.offset, entry.sizeBytes ?? null);
    this.setState(job, "downloading");
    try {
      const range = {
        ...common,
        writer,
        expectedSize: entry.sizeBytes,
        reserve,
        onBytes: (bytes: number) => {
          onBytes(bytes);
          if (job.via) this.tally(job, source.kind, hostOf(job.via), bytes, 0);
        },
        onRestart: () => job.meter.setBaseline(0, entry.sizeBytes ?? null),
        onSource: (url: string) => {
          job.via = url;
        },
      };
      if (source.kind === "arweave") {
        await downloadFromArweave({
          ...range,
          txId: source.txId,
          gateways: settings.arweaveGateways,
          minConfirmations: settings.minArweaveConfirmations,
        });
      } else {
        await downloadWithRanges({ ...range, urls: [source.url] });
      }
    } catch (error) {
      await writer.close();
      throw error;
    }
    this.setState(job, "verifying");
    const finished = await writer.finish();
    return { path: partialPath, ...finished, source };
  }

  /**
   * LAN peers: runs of blocks as CARs spread over the peers serving `offer.cid`, each block checked against its CID;
   * blocks another source left on disk are taken over first. Fails as unreachable once no peer can deliver (the
   * catalog's sources then go on from what was verified here).
   */
  private async fetchFromPeers(job: Job, offer: LanOffer, signal: AbortSignal): Promise<VerifiedFile> {
    const { entry } = job;
    const settings = this.options.settings();
    const partialPath = join(this.jobDir(entry.id), `${entry.id}.lan.partial`);
    const swarm = new PeerSwarm({
      peers: offer.peers,
      rings: this.options.receiveRings,
      onRejected: (peer) => {
        job.blocksRejected++;
        this.supplier(job, "lan", peer.label).blocksRejected++;
        this.emit(job);
      },
      onPeerState: (peer, state) => {
        this.supplier(job, "lan", peer.label).state = state;
        this.emit(job);
      },
    });
    job.via = offer.peers().map((p) => p.label).join(", ") || null;
    const result = await downloadFromIpfs({
      fetch: this.options.fetch,
      signal,
      retry: LAN_RETRY,
      sleep: this.options.sleep,
      cid: offer.cid,
      gateways: [],
      peers: swarm,
      hashing: this.options.hashing,
      partialPath,
      openTarget: this.options.openTarget,
      expected: { sha256: entry.sha256, sizeBytes: entry.sizeBytes },
      concurrency: settings.ipfsConcurrency,
      blockTimeoutMs: 15_000,
      reserve: async (total, present) => {
        job.meter.setTotal(total || null);
        await ensureFreeSpace(this.jobDir(entry.id), total - present, this.options.freeSpace);
      },
      onStart: (total, present) => {
        job.meter.setBaseline(present, total);
        this.setState(job, "downloading");
      },
      onBytes: (bytes) => {
        job.meter.add(bytes);
        this.maybeEmit(job);
      },
      onBlock: (via, bytes) => this.tally(job, via.peer ? "lan" : "ipfs", via.peer ? via.label : hostOf(via.url), bytes, 1),
      adopt: () => this.adoptForBlocks(job, "lan", partialPath),
    }).finally(() => swarm.close());
    return { path: partialPath, sha256: result.sha256, sizeBytes: result.sizeBytes, source: { kind: "lan", cid: offer.cid } };
  }

  /**
   * Resume across sources, into a block source: the partial file (of another source) holding the most verified bytes,
   * when it holds more than this source's own. When this source has nothing yet, that file is moved here and checked
   * in place; otherwise its blocks are copied over. Either way each block is checked against this source's CIDs.
   */
  private adoptForBlocks(job: Job, kind: (typeof BLOCK_KINDS)[number], partialPath: string): { path: string; scanBytes: number; worth: number } | undefined {
    const own = this.partialWorth(job, kind);
    let best: { kind: DownloadSourceKind; path: string; worth: number; size: number } | null = null;
    for (const other of [...BLOCK_KINDS, ...SEQUENTIAL_KINDS]) {
      if (other === kind) continue;
      const path = this.partialPath(job, other);
      const worth = this.partialWorth(job, other);
      if (worth > (best?.worth ?? 0)) best = { kind: other, path, worth, size: statSync(path).size };
    }
    if (!best || best.worth <= own) return undefined;
    if (own > 0) return { path: best.path, scanBytes: best.size, worth: best.worth };
    // This source's plan (just saved) stays; its empty partial file and journal give way to the other file.
    rmSync(partialPath, { force: true });
    rmSync(new IpfsResumeState(partialPath).journalPath, { force: true });
    renameSync(best.path, partialPath);
    this.clearPartialState(best.path);
    this.options.logger.info("taking over what another source downloaded", { modelId: job.entry.id, from: best.kind, to: kind, bytes: best.worth });
    return { path: partialPath, scanBytes: best.size, worth: best.worth };
  }

  /**
   * Resume across sources, into a source that writes in order: the unbroken run of verified blocks at the start of a
   * block source's partial file, when it is longer than this source's own partial file, becomes this source's start.
   */
  private adoptForSequential(job: Job, kind: (typeof SEQUENTIAL_KINDS)[number], partialPath: string): void {
    const own = existsSync(partialPath) ? statSync(partialPath).size : 0;
    let best: { path: string; prefix: number } | null = null;
    for (const other of BLOCK_KINDS) {
      const path = this.partialPath(job, other);
      const prefix = this.blockProgress(path)?.prefixBytes ?? 0;
      if (prefix > (best?.prefix ?? 0)) best = { path, prefix };
    }
    if (!best || best.prefix <= own) return;
    rmSync(partialPath, { force: true });
    rmSync(`${partialPath}.validator`, { force: true });
    renameSync(best.path, partialPath);
    truncateSync(partialPath, best.prefix);
    this.clearPartialState(best.path);
    this.options.logger.info("going on from the blocks another source verified", { modelId: job.entry.id, to: kind, bytes: best.prefix });
  }

  private partialPath(job: Job, kind: DownloadSourceKind): string {
    return join(this.jobDir(job.entry.id), `${job.entry.id}.${kind}.partial`);
  }

  /** Verified bytes in one source's partial file (a block source's journal, or a sequential file's length). */
  private partialWorth(job: Job, kind: DownloadSourceKind): number {
    const path = this.partialPath(job, kind);
    if (!existsSync(path)) return 0;
    if ((BLOCK_KINDS as readonly string[]).includes(kind)) return this.blockProgress(path)?.verifiedBytes ?? 0;
    return statSync(path).size;
  }

  private blockProgress(path: string): { verifiedBytes: number; prefixBytes: number } | null {
    if (!existsSync(path)) return null;
    const state = new IpfsResumeState(path);
    const plan = state.loadAnyPlan();
    if (!plan || !existsSync(state.journalPath)) return null;
    return state.progressSync(plan);
  }

  private clearPartialState(path: string): void {
    new IpfsResumeState(path).clearSync();
    rmSync(`${path}.validator`, { force: true });
  }

  private sourceOrder(entry: CatalogEntry, preferred: ModelSourceKind | null): ModelSource[] {
    const order = preferred ? [preferred, ...SOURCE_PREFERENCE.filter((k) => k !== preferred)] : SOURCE_PREFERENCE;
    return order.flatMap((kind) => entry.sources.filter((s) => s.kind === kind));
  }

  /** Verified bytes already on disk for a job (for the progress bar of a restored, paused job). */
  private bytesOnDisk(entry: CatalogEntry): number {
    let best = 0;
    for (const kind of ["lan", ...SOURCE_PREFERENCE] as const) {
      const partial = join(this.jobDir(entry.id), `${entry.id}.${kind}.partial`);
      if (!existsSync(partial)) continue;
      if (kind === "ipfs" || kind === "lan") {
        best = Math.max(best, this.blockProgress(partial)?.verifiedBytes ?? 0);
      } else {
        best = Math.max(best, statSync(partial).size);
      }
    }
    return best;
  }

  private jobDir(modelId: string): string {
    return join(this.options.downloadsDir, modelId);
  }

  private setState(job: Job, state: DownloadState): void {
    job.state = state;
    if (state === "paused" || state === "failed") this.saveJob(job);
    this.emit(job);
  }

  private maybeEmit(job: Job): void {
    if (this.options.now() - job.lastEmit >= (this.options.progressIntervalMs ?? 500)) this.emit(job);
  }

  private emit(job: Job): void {
    job.updatedAt = job.lastEmit = this.options.now();
    this.options.onProgress(this.snapshot(job));
  }

  private snapshot(job: Job): DownloadProgress {
    const figures = job.meter.figures();
    return {
      modelId: job.entry.id,
      state: job.state,
      source: job.source,
      via: job.via,
      bytesDone: figures.bytesDone,
      bytesTotal: figures.bytesTotal ?? job.entry.sizeBytes ?? null,
      bytesPerSecond: job.state === "downloading" ? figures.bytesPerSecond : 0,
      etaSeconds: job.state === "downloading" ? figures.etaSeconds : null,
      blocksRejected: job.blocksRejected,
      suppliers: [...job.suppliers.values()].map((s) => ({ ...s })),
      error: job.error,
      startedAt: job.startedAt,
      updatedAt: job.updatedAt,
    };
  }
}
