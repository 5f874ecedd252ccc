import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ApiError } from "../../../shared/api/define.js";
import type { DownloadProgress, DownloadState, ModelSettings, ModelSourceKind } from "../../../shared/api/models.js";
import type { CatalogEntry, ModelSource } from "../../../shared/models/catalog-schema.js";
import type { Logger } from "../runtime/logger.js";
import { writeFileAtomic } from "../runtime/atomic-file.js";
import { downloadFromArweave } from "./download/arweave.js";
import { commitFile } from "./download/commit.js";
import { DownloadError, describeError, type DownloadFailureReason } from "./download/errors.js";
import { ensureFreeSpace, type FreeSpaceProbe } from "./download/free-space.js";
import { downloadWithRanges } from "./download/http-range.js";
import { ProgressMeter } from "./download/progress.js";
import type { RetryPolicy, Sleep } from "./download/retry.js";
import { SequentialVerifiedWriter, type Expectation, type FinishedFile } from "./download/verified-writer.js";
import type { OpenWriteTarget } from "./download/write-target.js";
import { downloadFromIpfs } from "./ipfs/download.js";
import { IpfsResumeState } from "./ipfs/resume-state.js";

const JOB_FORMAT = "pocketforge-download-job-v1";
const JobDocument = z.object({
  format: z.literal(JOB_FORMAT),
  modelId: z.string(),
  preferred: z.enum(["ipfs", "arweave", "https"]).nullable(),
  startedAt: z.number(),
});

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
  source: ModelSource;
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
}

interface Job {
  entry: CatalogEntry;
  preferred: ModelSourceKind | null;
  state: DownloadState;
  source: ModelSourceKind | null;
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
    writeFileAtomic(
      join(this.jobDir(entry.id), "job.json"),
      JSON.stringify({ format: JOB_FORMAT, modelId: entry.id, preferred: job.preferred, startedAt: job.startedAt }),
    );
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

  private newJob(entry: CatalogEntry, preferred: ModelSourceKind | null, startedAt: number): Job {
    return {
      entry,
      preferred,
      state: "checking",
      source: null,
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
    for (const source of this.sourceOrder(entry, job.preferred)) {
      job.source = source.kind;
      job.via = null;
      try {
        const file = await this.fetchSource(job, source, signal);
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
        if (failure.reason === "paused") return this.setState(job, "paused");
        if (failure.reason === "cancelled") return;
        this.options.logger.warn("model source failed", { modelId: entry.id, source: source.kind, reason: failure.reason, error: failure.message });
        if (!last || REASON_WEIGHT[failure.reason] >= REASON_WEIGHT[last.reason]) last = failure;
        failures.push(`${source.kind.toUpperCase()}: ${failure.message}`);
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
        onRejected: (gateway) => {
          job.blocksRejected++;
          job.via = gateway;
        },
      });
      return { path: partialPath, sha256: result.sha256, sizeBytes: result.sizeBytes, source };
    }

    const writer = await SequentialVerifiedWriter.open(partialPath, this.options.openTarget, expected, true);
    job.meter.setBaseline(writer.offset, entry.sizeBytes ?? null);
    this.setState(job, "downloading");
    try {
      const range = {
        ...common,
        writer,
        expectedSize: entry.sizeBytes,
        reserve,
        onBytes,
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

  private sourceOrder(entry: CatalogEntry, preferred: ModelSourceKind | null): ModelSource[] {
    const order = preferred ? [preferred, ...SOURCE_PREFERENCE.filter((k) => k !== preferred)] : SOURCE_PREFERENCE;
    return order.flatMap((kind) => entry.sources.filter((s) => s.kind === kind));
  }

  /** Verified bytes already on disk for a job (for the progress bar of a restored, paused job). */
  private bytesOnDisk(entry: CatalogEntry): number {
    let best = 0;
    for (const kind of SOURCE_PREFERENCE) {
      const partial = join(this.jobDir(entry.id), `${entry.id}.${kind}.partial`);
      if (!existsSync(partial)) continue;
      if (kind === "ipfs") {
        const state = new IpfsResumeState(partial);
        const source = entry.sources.find((s) => s.kind === "ipfs");
        const plan = source?.kind === "ipfs" ? state.loadPlan(source.cid) : null;
        if (!plan || !existsSync(state.journalPath)) continue;
        const journaled = statSync(state.journalPath).size / 4;
        best = Math.max(best, Math.min(plan.totalSize, plan.items.slice(0, journaled).reduce((s, i) => s + i.size, 0)));
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
      error: job.error,
      startedAt: job.startedAt,
      updatedAt: job.updatedAt,
    };
  }
}
