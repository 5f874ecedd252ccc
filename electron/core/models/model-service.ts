import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import type { z } from "zod";
import { ApiError } from "../../../shared/api/define.js";
import type { HardwareInfo } from "../../../shared/api/hardware.js";
import {
  PublishParams,
  type BenchmarkResult,
  type CatalogView,
  type DownloadProgress,
  type InstalledModel,
  type ModelSettings,
  type ModelSourceKind,
  type PlanResult,
  type PublishResult,
  type modelsEvents,
} from "../../../shared/api/models.js";
import type { CatalogEntry } from "../../../shared/models/catalog-schema.js";
import { dataDirLayout, type DataDirLayout } from "../runtime/data-dir.js";
import type { Logger } from "../runtime/logger.js";
import { OutboundUrlError, checkOutboundUrlResolved } from "../runtime/outbound-url.js";
import type { Service } from "../runtime/service.js";
import { runBenchmark, BenchmarkStore, type BenchmarkEngine } from "./benchmark.js";
import { ModelCatalog } from "./catalog.js";
import { commitFile } from "./download/commit.js";
import { DownloadError } from "./download/errors.js";
import { ensureFreeSpace, statfsProbe, type FreeSpaceProbe } from "./download/free-space.js";
import { HashingThreads } from "./download/hashing-threads.js";
import { lanReceiveRings } from "./ipfs/peer-swarm.js";
import { DEFAULT_RETRY, realSleep, type RetryPolicy, type Sleep } from "./download/retry.js";
import { openFileTarget, type OpenWriteTarget } from "./download/write-target.js";
import { DownloadManager, type VerifiedFile } from "./download-manager.js";
import { sha256File } from "./file-hash.js";
import { readGgufFacts } from "./gguf.js";
import { copyVerified } from "./local-import.js";
import { kvBudgetBytes, planFits, planModelFromCatalog, planModelFromInstalled, type PlanModel } from "./planner.js";
import { publishModel, type AddServiceOnChain } from "./publish.js";
import { ModelSettingsStore, DEFAULT_MODEL_SETTINGS } from "./settings.js";
import { ModelDag } from "./sharing/model-dag.js";
import { publishFromDag } from "./publish.js";
import { InstalledStore } from "./store.js";
import type { LanOffer } from "./sharing/sharing-service.js";

type ModelEvents = typeof modelsEvents;
export type ModelEventEmitter = <E extends keyof ModelEvents & string>(event: E, payload: z.output<ModelEvents[E]>) => void;

export interface ModelServiceOptions {
  dataDir: string;
  logger: Logger;
  emit: ModelEventEmitter;
  hardware: { getInfo(): Promise<HardwareInfo> };
  /** The inference engine benchmarks run through; without it models.benchmark is unavailable. */
  inference?: BenchmarkEngine;
  /** Thread counts benchmarks try; threadCandidates() for this machine by default (tests narrow it). */
  benchmarkThreadCandidates?: number[];
  /** MsgAddService once a chain client exists; publishing reports "not registered" without it. */
  addService?: AddServiceOnChain;
  fetch?: typeof fetch;
  /** Development and tests: a remote catalog on this machine over http:// is allowed (never the LAN or link-local). */
  allowLoopbackCatalog?: boolean;
  sleep?: Sleep;
  now?: () => number;
  openTarget?: OpenWriteTarget;
  freeSpace?: FreeSpaceProbe;
  retry?: RetryPolicy;
  settingsDefaults?: ModelSettings;
  /** Replaces models/catalog.json (tests). */
  builtInCatalog?: unknown;
  progressIntervalMs?: number;
  /** LAN peers serving a catalog model (the sharing service); downloads ask them first. */
  lanOffer?: (entry: CatalogEntry) => Promise<LanOffer | null>;
}

/**
 * Everything about models: the catalog, verified downloads, the installed store, the fit planner, benchmarks and
 * publishing. Files live under `<dataDir>/models`: index.json, settings.json, benchmarks.json, files/ (installed
 * models), downloads/ (one folder per unfinished download) and published/ (CARs).
 */
export class ModelService implements Service {
  readonly root: string;
  private readonly filesDir: string;
  private readonly catalog: ModelCatalog;
  private readonly store: InstalledStore;
  private readonly settingsStore: ModelSettingsStore;
  private readonly benchmarks: BenchmarkStore;
  private readonly downloads: DownloadManager;
  private readonly now: () => number;
  private readonly openTarget: OpenWriteTarget;
  private readonly freeSpace: FreeSpaceProbe;
  private benchmarking: Promise<unknown> | null = null;
  private readonly layout: DataDirLayout["models"];
  /** Loaded DAGs of installed models, by model id (the gateway and publishing read them). */
  private readonly dags = new Map<string, Promise<ModelDag>>();
  /** The background computation of CIDs for models an earlier version installed without one. */
  private backfill: Promise<void> | null = null;
  private disposed = false;
  private readonly hashing = new HashingThreads();
  private readonly receiveRings = lanReceiveRings();

  constructor(private readonly options: ModelServiceOptions) {
    const layout = (this.layout = dataDirLayout(options.dataDir).models);
    this.root = layout.dir;
    this.filesDir = layout.files;
    mkdirSync(this.filesDir, { recursive: true, mode: 0o700 });
    this.now = options.now ?? Date.now;
    this.openTarget = options.openTarget ?? openFileTarget;
    this.freeSpace = options.freeSpace ?? statfsProbe;
    const logger = options.logger;
    this.catalog = new ModelCatalog({ logger, fetch: options.fetch, allowLoopback: options.allowLoopbackCatalog, now: this.now, builtInDocument: options.builtInCatalog });
    this.store = new InstalledStore(layout.index, logger);
    this.settingsStore = new ModelSettingsStore(layout.settings, logger, options.settingsDefaults ?? DEFAULT_MODEL_SETTINGS);
    this.benchmarks = new BenchmarkStore(layout.benchmarks, logger);
    this.downloads = new DownloadManager({
      downloadsDir: layout.downloads,
      filesDir: this.filesDir,
      logger,
      settings: () => this.settingsStore.get(),
      catalogEntry: (id) => this.catalog.get(id),
      install: (entry, file) => this.install(entry, file),
      onProgress: (progress) => options.emit("models.download", progress),
      fetch: options.fetch ?? fetch,
      sleep: options.sleep ?? realSleep,
      now: this.now,
      openTarget: this.openTarget,
      freeSpace: this.freeSpace,
      retry: options.retry ?? DEFAULT_RETRY,
      progressIntervalMs: options.progressIntervalMs,
      lanOffer: options.lanOffer,
      hashing: this.hashing,
      receiveRings: this.receiveRings,
    });
  }

  async start(): Promise<void> {
    this.downloads.restore();
    for (const model of this.store.list()) {
      if (!existsSync(model.path)) {
        this.store.put({ ...model, lastCheck: { at: this.now(), ok: false, message: `The file ${model.path} is missing; download or import it again.` } });
      }
    }
    // Models installed before CIDs existed (or whose DAG sidecar is gone) get theirs in the background, one at a time.
    this.backfill = this.computeMissingCids().catch((error) => this.options.logger.warn("could not compute the CIDs of installed models", { error }));
    const url = this.settingsStore.get().remoteCatalogUrl;
    // The remote catalog only adds entries: it must not delay the start, and its failure is shown, not fatal.
    if (url) void this.catalog.refresh(url);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.downloads.pauseAll();
    await this.benchmarking?.catch(() => {});
    await this.backfill;
    await this.hashing.dispose();
    this.receiveRings.dispose();
  }

  async catalogView(refresh: boolean): Promise<CatalogView> {
    const snapshot = refresh ? await this.catalog.refresh(this.settingsStore.get().remoteCatalogUrl) : this.catalog.snapshot();
    return { ...snapshot, installedIds: this.store.list().map((m) => m.id) };
  }

  installed(): InstalledModel[] {
    return this.store.list();
  }

  downloadList(): DownloadProgress[] {
    return this.downloads.list();
  }

  download(modelId: string, source: ModelSourceKind | null): DownloadProgress {
    const entry = this.requireEntry(modelId);
    if (this.store.get(modelId)) throw new ApiError("conflict", `${entry.name} is already installed; delete it first to download it again.`);
    return this.downloads.start(entry, source);
  }

  pause(modelId: string): Promise<DownloadProgress> {
    return this.downloads.pause(modelId);
  }

  resume(modelId: string): DownloadProgress {
    return this.downloads.resume(modelId);
  }

  cancel(modelId: string): Promise<boolean> {
    return this.downloads.cancel(modelId);
  }

  delete(modelId: string): boolean {
    const removed = this.store.remove(modelId);
    if (!removed) return false;
    this.dags.delete(modelId);
    rmSync(this.dagPath(modelId), { force: true });
    this.benchmarks.forget(modelId);
    this.changed();
    return true;
  }

  /** Hashes the installed file again: it must still be what was installed and, for catalog models, what the catalog pins. */
  async verify(modelId: string): Promise<InstalledModel> {
    const model = this.requireInstalled(modelId);
    const entry = model.catalogId ? this.catalog.get(model.catalogId) : undefined;
    let check: NonNullable<InstalledModel["lastCheck"]>;
    if (!existsSync(model.path)) {
      check = { at: this.now(), ok: false, message: `The file ${model.path} is missing; download or import it again.` };
    } else {
      const { sha256 } = await sha256File(model.path);
      const expected = entry?.sha256 ?? model.sha256;
      check =
        sha256 === expected
          ? { at: this.now(), ok: true, message: null }
          : {
              at: this.now(),
              ok: false,
              message: `The file's sha256 is now ${sha256}, not ${expected}: it changed on disk. Delete it and download it again.`,
            };
    }
    const updated = { ...model, lastCheck: check };
    this.store.put(updated);
    this.changed();
    return updated;
  }

  /** Copies a local GGUF into the models folder; a catalog model must match the catalog's size and sha256. */
  async import(path: string, catalogId: string | null): Promise<InstalledModel> {
    const entry = catalogId ? this.requireEntry(catalogId) : undefined;
    const partialPath = join(this.layout.downloads, `import-${process.pid}-${this.now()}.partial`);
    mkdirSync(this.layout.downloads, { recursive: true });
    try {
      const finished = await copyVerified({
        sourcePath: path,
        partialPath,
        openTarget: this.openTarget,
        expected: { sha256: entry?.sha256, sizeBytes: entry?.sizeBytes },
        reserve: (total, present) => ensureFreeSpace(this.filesDir, total - present, this.freeSpace),
      });
      const id = entry?.id ?? `local-${finished.sha256.slice(0, 12)}`;
      if (this.store.get(id)) throw new ApiError("conflict", `This model is already installed as ${id}.`);
      const finalPath = join(this.filesDir, `${id}.gguf`);
      commitFile(partialPath, finalPath);
      const name = entry?.name ?? basename(path).replace(/\.gguf$/i, "");
      try {
        return await this.register(entry, { path: finalPath, sha256: finished.sha256, sizeBytes: finished.sizeBytes }, id, name, { kind: "import", detail: path });
      } catch (error) {
        await rm(finalPath, { force: true });
        throw error;
      }
    } finally {
      await rm(partialPath, { force: true });
    }
  }

  async plan(): Promise<PlanResult> {
    const hardware = await this.options.hardware.getInfo();
    const installed = this.store.list();
    const byId = new Map<string, PlanModel>();
    for (const entry of this.catalog.snapshot().entries) byId.set(entry.id, planModelFromCatalog(entry));
    for (const model of installed) {
      const planned = planModelFromInstalled(model, model.catalogId ? this.catalog.get(model.catalogId) : undefined);
      if (planned) byId.set(model.id, planned);
    }
    return planFits({
      hardware,
      models: [...byId.values()],
      measured: this.benchmarks.list(),
      cpuBandwidthGBps: this.settingsStore.get().cpuBandwidthGBps,
    });
  }

  async benchmark(modelId: string, seconds: number, maxRequests?: number): Promise<BenchmarkResult> {
    const engine = this.options.inference;
    if (!engine) throw new ApiError("unavailable", "Benchmarks need the inference engine, which is not running.");
    if (this.benchmarking) throw new ApiError("conflict", "A benchmark is already running; wait for it to finish.");
    const model = this.requireInstalled(modelId);
    const run = runBenchmark(engine, {
      modelId,
      modelPath: model.path,
      durationMs: seconds * 1000,
      maxRequests,
      threadCandidates: this.options.benchmarkThreadCandidates,
      // Stored before the serving model is loaded again, so that load already uses the measured thread count.
      save: (result) => this.benchmarks.put(result),
    });
    this.benchmarking = run;
    try {
      return await run;
    } finally {
      this.benchmarking = null;
    }
  }

  /**
   * What loading `modelPath` on `deviceId` should use on this machine: the thread count its latest benchmark found
   * fastest, and the memory the fit plan leaves for its KV cache. Empty for what is not known.
   */
  async loadTuning(modelPath: string, deviceId: string): Promise<{ threads?: number; memoryBudgetBytes?: number }> {
    const installed = this.store.list().find((m) => m.path === modelPath);
    const measured = installed
      ? this.benchmarks.list()
          .filter((r) => r.modelId === installed.id && r.threads !== null)
          .sort((a, b) => Number(b.deviceId === deviceId) - Number(a.deviceId === deviceId) || b.measuredAt - a.measuredAt)[0]
      : undefined;
    let weights = installed?.sizeBytes;
    if (weights === undefined) {
      try {
        weights = statSync(modelPath).size;
      } catch {
        weights = undefined;
      }
    }
    const hardware = await this.options.hardware.getInfo().catch(() => null);
    const budget = hardware && weights !== undefined ? kvBudgetBytes(hardware, deviceId, weights) : null;
    return {
      ...(measured?.threads ? { threads: measured.threads } : {}),
      ...(budget !== null ? { memoryBudgetBytes: budget } : {}),
    };
  }

  /** Every stored benchmark (the Models page shows them; the planner already uses them). */
  benchmarkResults(): BenchmarkResult[] {
    return this.benchmarks.list();
  }

  async publish(params: z.input<typeof PublishParams>): Promise<PublishResult> {
    const request = PublishParams.parse(params);
    // An installed model reuses the CID and DAG computed when it was installed: its CAR is written from them, each
    // leaf read from the file and checked against its CID on the way.
    const installed = this.store.list().find((m) => m.path === request.path && m.cid);
    const publish = async (carPath: string) => {
      const dag = installed ? await this.dagOf(installed).catch(() => null) : null;
      if (installed && dag) {
        return publishFromDag({ ...request, carPath, addService: this.options.addService }, dag, { sha256: installed.sha256, sizeBytes: installed.sizeBytes });
      }
      return publishModel({ ...request, carPath, addService: this.options.addService });
    };
    if (request.carPath) return publish(request.carPath);
    // Without a chosen path the CAR is named after its CID, which is known only once the file has been read.
    const publishedDir = this.layout.published;
    const scratch = join(publishedDir, `.publish-${process.pid}-${this.now()}.car`);
    const published = await publish(scratch);
    const carPath = join(publishedDir, `${published.cid}.car`);
    await rename(scratch, carPath);
    return { ...published, carPath };
  }

  settings(): ModelSettings {
    return this.settingsStore.get();
  }

  async updateSettings(patch: Partial<ModelSettings>): Promise<ModelSettings> {
    const before = this.settingsStore.get();
    if (patch.remoteCatalogUrl && patch.remoteCatalogUrl !== before.remoteCatalogUrl) {
      // The engine fetches this URL itself: never a service on this machine or its network (SSRF).
      try {
        await checkOutboundUrlResolved(patch.remoteCatalogUrl, { what: "The remote catalog URL", allowLoopback: this.options.allowLoopbackCatalog });
      } catch (error) {
        if (error instanceof OutboundUrlError) throw new ApiError("invalid_params", error.message, { field: "remoteCatalogUrl" });
        throw error;
      }
    }
    const next = this.settingsStore.update(patch);
    if (next.remoteCatalogUrl !== before.remoteCatalogUrl) await this.catalog.refresh(next.remoteCatalogUrl);
    return next;
  }

  /** Called by the download manager with a committed, verified file. */
  private async install(entry: CatalogEntry, file: VerifiedFile): Promise<void> {
    const source = file.source;
    const detail = source.kind === "ipfs" || source.kind === "lan" ? source.cid : source.kind === "arweave" ? source.txId : source.url;
    await this.register(entry, file, entry.id, entry.name, { kind: file.source.kind, detail });
  }

  private async register(
    entry: CatalogEntry | undefined,
    file: { path: string; sha256: string; sizeBytes: number },
    id: string,
    name: string,
    source: InstalledModel["source"],
  ): Promise<InstalledModel> {
    const gguf = await readGgufFacts(file.path).catch((error) => {
      throw new DownloadError("not_gguf", `${name} is not a model llama.cpp can read (${error instanceof Error ? error.message : String(error)}).`);
    });
    const verified = entry?.sha256 !== undefined && entry.sha256 === file.sha256;
    // The CID, once, with publishing's settings; the same read hashes the file again, which must still be what was verified.
    const computed = await ModelDag.compute(file.path, this.dagPath(id));
    if (computed.sha256 !== file.sha256) {
      rmSync(this.dagPath(id), { force: true });
      throw new DownloadError("io", `${name} changed on disk while it was being installed (its sha256 is now ${computed.sha256}); download or import it again.`);
    }
    this.dags.set(id, Promise.resolve(computed.dag));
    const record: InstalledModel = {
      id,
      catalogId: entry?.id ?? null,
      name,
      path: file.path,
      sizeBytes: file.sizeBytes,
      sha256: file.sha256,
      verified,
      cid: computed.dag.root.toString(),
      source,
      installedAt: this.now(),
      lastCheck: {
        at: this.now(),
        ok: true,
        message: verified ? null : "The catalog pins no sha256 for this model, so the file could not be compared with a published hash.",
      },
      gguf,
    };
    this.store.put(record);
    this.changed();
    return record;
  }

  /** Installed models whose blocks may be served: those with a CID whose file is present. */
  shareable(): InstalledModel[] {
    return this.store.list().filter((m) => m.cid !== null && existsSync(m.path));
  }

  /** The DAG of an installed model (loaded from its sidecar once, then kept). */
  dag(modelId: string): Promise<ModelDag> {
    return this.dagOf(this.requireInstalled(modelId));
  }

  /** The CID this engine trusts for a catalog model: computed here from a file whose sha256 matched the catalog's. */
  trustedCid(entry: CatalogEntry): string | undefined {
    return entry.sha256 ? this.store.trustedCid(entry.id, entry.sha256) : undefined;
  }

  /** Resolves when the CIDs missing at start have been computed (tests, diagnostics). */
  async cidsReady(): Promise<void> {
    await this.backfill;
  }

  private dagOf(model: InstalledModel): Promise<ModelDag> {
    if (!model.cid) return Promise.reject(new ApiError("unavailable", `The CID of ${model.name} is still being computed.`));
    let loading = this.dags.get(model.id);
    if (!loading) {
      loading = ModelDag.load(this.dagPath(model.id), model.cid, model.sizeBytes);
      loading.catch(() => this.dags.delete(model.id));
      this.dags.set(model.id, loading);
    }
    return loading;
  }

  private dagPath(modelId: string): string {
    return join(this.layout.dags, `${modelId}.car`);
  }

  private async computeMissingCids(): Promise<void> {
    for (const model of this.store.list()) {
      if (this.disposed) return;
      if (!existsSync(model.path)) continue;
      if (model.cid && existsSync(this.dagPath(model.id))) continue;
      const computed = await ModelDag.compute(model.path, this.dagPath(model.id));
      const current = this.store.get(model.id);
      if (!current) {
        rmSync(this.dagPath(model.id), { force: true });
        continue;
      }
      if (computed.sha256 !== current.sha256) {
        // The file changed since it was installed: no CID is stored for bytes that are not the installed model.
        rmSync(this.dagPath(model.id), { force: true });
        this.store.put({ ...current, lastCheck: { at: this.now(), ok: false, message: `The file's sha256 is now ${computed.sha256}, not ${current.sha256}: it changed on disk. Delete it and download it again.` } });
      } else {
        this.dags.set(model.id, Promise.resolve(computed.dag));
        this.store.put({ ...current, cid: computed.dag.root.toString() });
        this.options.logger.info("computed the CID of an installed model", { modelId: model.id, cid: computed.dag.root.toString() });
      }
      this.changed();
    }
  }

  private changed(): void {
    this.options.emit("models.changed", { installed: this.store.list() });
  }

  private requireEntry(id: string): CatalogEntry {
    const entry = this.catalog.get(id);
    if (!entry) throw new ApiError("not_found", `The catalog has no model "${id}".`);
    return entry;
  }

  private requireInstalled(id: string): InstalledModel {
    const model = this.store.get(id);
    if (!model) throw new ApiError("not_found", `No installed model "${id}".`);
    return model;
  }
}

