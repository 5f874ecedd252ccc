import { z } from "zod";
import { CatalogEntry, ModelSource, ServiceId } from "../models/catalog-schema.js";
import { method } from "./define.js";

/** The models domain of the API: catalog, downloads, installed files, fit planning, benchmarks, publishing. */

export const ModelId = z.string().min(1).max(100).regex(/^[a-z0-9][a-z0-9._-]*$/, "a model id from the catalog or the installed list");

export const ModelSourceKind = z.enum(["ipfs", "arweave", "https"]);
export type ModelSourceKind = z.infer<typeof ModelSourceKind>;

/** Where a download's bytes come from: PocketForge peers on the LAN, or one of the catalog's internet sources. */
export const DownloadSourceKind = z.enum(["lan", "ipfs", "arweave", "https"]);
export type DownloadSourceKind = z.infer<typeof DownloadSourceKind>;

/** What node-llama-cpp reads from the file's GGUF header. */
export const GgufFacts = z.object({
  architecture: z.string(),
  name: z.string().nullable(),
  parameters: z.number(),
  quantization: z.string(),
  contextLength: z.number().int().nullable(),
  layers: z.number().int().nullable(),
  embeddingLength: z.number().int().nullable(),
  headCount: z.number().int().nullable(),
  kvHeads: z.number().int().nullable(),
  headDim: z.number().int().nullable(),
  /** The Jinja chat template embedded in the file; null when the model has none. */
  chatTemplate: z.string().nullable(),
});
export type GgufFacts = z.infer<typeof GgufFacts>;

export const InstalledModel = z.object({
  /** The catalog id for catalog models; `local-<sha256 prefix>` for imported files the catalog does not know. */
  id: z.string(),
  catalogId: z.string().nullable(),
  name: z.string(),
  path: z.string(),
  sizeBytes: z.number(),
  sha256: z.string(),
  /** True when the file's sha256 equals the one the catalog pins: byte for byte the published model. */
  verified: z.boolean(),
  /**
   * The file's IPFS CID (UnixFS, CIDv1, kubo's defaults as publishing uses: 256 KiB raw leaves, balanced DAG),
   * computed once from the installed file; null while it is being computed (models installed by an earlier version).
   */
  cid: z.string().nullable().default(null),
  source: z.object({
    kind: z.enum(["lan", "ipfs", "arweave", "https", "import"]),
    /** The CID, URL or transaction the bytes came from, or the imported file's original path. */
    detail: z.string(),
  }),
  installedAt: z.number().describe("epoch milliseconds"),
  /** The latest re-verification of the file on disk; null until one ran. */
  lastCheck: z
    .object({ at: z.number(), ok: z.boolean(), message: z.string().nullable() })
    .nullable(),
  gguf: GgufFacts.nullable(),
});
export type InstalledModel = z.infer<typeof InstalledModel>;

export const DownloadState = z.enum(["checking", "downloading", "verifying", "paused", "completed", "failed", "cancelled"]);
export type DownloadState = z.infer<typeof DownloadState>;

/** One peer, gateway or mirror that delivered part of a download, and what it delivered. */
export const DownloadSupplier = z.object({
  source: DownloadSourceKind,
  /** The peer's name, or the gateway's or mirror's host. */
  via: z.string(),
  /** File bytes it delivered that were verified (blocks against their CID; mirrors by the file's sha256 at the end). */
  bytes: z.number(),
  blocks: z.number().int(),
  /** Blocks it sent that did not match their CID (each was fetched again elsewhere). */
  blocksRejected: z.number().int(),
  /** demoted: it lied or kept failing and is asked only when nobody else can serve; gone: it stopped answering. */
  state: z.enum(["active", "demoted", "gone"]),
});
export type DownloadSupplier = z.infer<typeof DownloadSupplier>;

export const DownloadProgress = z.object({
  modelId: z.string(),
  state: DownloadState,
  source: DownloadSourceKind.nullable(),
  /** The gateway or URL in use, for display. */
  via: z.string().nullable(),
  bytesDone: z.number(),
  bytesTotal: z.number().nullable(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  /** Blocks a gateway sent that did not match their CID (each was fetched again elsewhere). */
  blocksRejected: z.number().int(),
  /** Who supplied what, across pauses and sources (bytes verified in an earlier session count for their supplier). */
  suppliers: z.array(DownloadSupplier).default([]),
  error: z.object({ reason: z.string(), message: z.string() }).nullable(),
  startedAt: z.number(),
  updatedAt: z.number(),
});
export type DownloadProgress = z.infer<typeof DownloadProgress>;

export const CatalogView = z.object({
  entries: z.array(CatalogEntry),
  installedIds: z.array(z.string()),
  problems: z.array(z.object({ origin: z.string(), entry: z.string().nullable(), message: z.string() })),
  remote: z.object({ url: z.string().nullable(), fetchedAt: z.number().nullable(), error: z.string().nullable() }),
});
export type CatalogView = z.infer<typeof CatalogView>;

const GatewayUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), "gateways are http:// or https:// URLs");

export const ModelSettings = z.object({
  /** Trustless gateways in preference order; a local node (e.g. http://127.0.0.1:8080) belongs first. */
  ipfsGateways: z.array(GatewayUrl).min(1, "keep at least one IPFS gateway").max(20),
  arweaveGateways: z.array(GatewayUrl).min(1, "keep at least one Arweave gateway").max(20),
  /** Arweave transactions with fewer confirmations are refused (a fork could still replace them). */
  minArweaveConfirmations: z.number().int().min(0).max(1000),
  /** A catalog that extends the built-in one; null for none. */
  remoteCatalogUrl: GatewayUrl.nullable(),
  /** IPFS blocks fetched at once. */
  ipfsConcurrency: z.number().int().min(1).max(64),
  /** Measured or known system-memory bandwidth; null lets the planner assume a typical desktop's. */
  cpuBandwidthGBps: z.number().positive().max(2000).nullable(),
});
export type ModelSettings = z.infer<typeof ModelSettings>;

export const PlanDevice = z.object({
  id: z.string().describe("gpu0, gpu1 … or cpu"),
  kind: z.enum(["gpu", "cpu"]),
  name: z.string(),
  memoryBytes: z.number().nullable(),
  bandwidthGBps: z.number(),
  /** Where the bandwidth figure comes from: a spec table, the settings, or an assumption for unknown hardware. */
  bandwidthSource: z.enum(["spec", "settings", "assumed"]),
});
export type PlanDevice = z.infer<typeof PlanDevice>;

export const ModelFit = z.object({
  modelId: z.string(),
  deviceId: z.string(),
  fit: z.enum(["full", "partial", "none"]),
  /** Layers on the GPU (all of them for a full fit, none on the CPU device). */
  gpuLayers: z.number().int(),
  totalLayers: z.number().int(),
  /** Memory the model needs on this device when it fits fully. */
  needBytes: z.number(),
  tokensPerSecond: z.number().nullable(),
  tokensPerSecondSource: z.enum(["estimate", "measured"]),
  /** tokens/s × the service's catalog weight: what the recommendation maximises. */
  earningScore: z.number(),
  reason: z.string(),
});
export type ModelFit = z.infer<typeof ModelFit>;

export const PlanResult = z.object({
  devices: z.array(PlanDevice),
  fits: z.array(ModelFit),
  recommendation: z
    .object({ modelId: z.string(), deviceId: z.string(), tokensPerSecond: z.number(), earningScore: z.number(), reason: z.string() })
    .nullable(),
  /** The estimate and ranking formulas in words, shown next to the figures. */
  method: z.string(),
});
export type PlanResult = z.infer<typeof PlanResult>;

export const ThreadTrial = z.object({
  threads: z.number().int(),
  /** Generation tokens/s of the trial's requests (median). */
  generationTokensPerSecond: z.number(),
});
export type ThreadTrial = z.infer<typeof ThreadTrial>;

export const BenchmarkResult = z.object({
  modelId: z.string(),
  deviceId: z.string(),
  timeToFirstTokenMs: z.number(),
  promptTokensPerSecond: z.number(),
  generationTokensPerSecond: z.number(),
  requests: z.number().int(),
  durationMs: z.number(),
  measuredAt: z.number(),
  /** The CPU thread count the figures were measured at: the fastest of the trials, used whenever this model loads. */
  threads: z.number().int().nullable().default(null),
  /** Each candidate thread count's speed; empty for results measured before thread trials existed. */
  threadTrials: z.array(ThreadTrial).default([]),
});
export type BenchmarkResult = z.infer<typeof BenchmarkResult>;

export const PublishParams = z
  .object({
    path: z.string().min(1, "choose a .gguf file"),
    name: z.string().min(1).max(120),
    serviceId: ServiceId,
    family: z.string().min(1).max(40).default("custom"),
    license: z.string().min(1).max(60).default("unknown"),
    /** Where to write the CAR for pinning services; omitted: beside the data dir's models, named after the CID. */
    carPath: z.string().min(1).optional(),
    /** Extra places the same bytes are published (an Arweave upload, a mirror URL). */
    extraSources: z.array(ModelSource).max(10).default([]),
    weight: z.number().positive().max(1000).default(1),
  })
  .strict();
export type PublishParams = z.input<typeof PublishParams>;

export const PublishResult = z.object({
  cid: z.string(),
  carPath: z.string(),
  sha256: z.string(),
  sizeBytes: z.number(),
  entry: CatalogEntry,
  /** What the chain returned for MsgAddService; null when no chain client is connected yet. */
  serviceRegistration: z.object({ txHash: z.string() }).nullable(),
});
export type PublishResult = z.infer<typeof PublishResult>;

const Empty = z.object({}).strict();
const ById = z.object({ modelId: ModelId }).strict();

export const modelsMethods = {
  "models.catalog": method(
    z.object({ refresh: z.boolean().default(false) }).strict(),
    CatalogView,
    "The model catalog (built-in plus the remote catalog, if set), with problems found in it",
  ),
  "models.installed": method(Empty, z.array(InstalledModel), "Models on disk, verified and ready to load"),
  "models.downloads": method(Empty, z.array(DownloadProgress), "Downloads in progress, paused or failed"),
  "models.download": method(
    z.object({ modelId: ModelId, source: ModelSourceKind.optional() }).strict(),
    DownloadProgress,
    "Start downloading a catalog model (IPFS first, then Arweave, then HTTPS unless a source is chosen)",
  ),
  "models.pause": method(ById, DownloadProgress, "Pause a download; what is verified so far is kept"),
  "models.resume": method(ById, DownloadProgress, "Resume a paused or failed download where it stopped"),
  "models.cancel": method(ById, z.object({ cancelled: z.boolean() }), "Stop a download and delete its partial file"),
  "models.delete": method(ById, z.object({ deleted: z.boolean() }), "Delete an installed model's file"),
  "models.verify": method(ById, InstalledModel, "Hash an installed model's file again and compare it with the catalog"),
  "models.import": method(
    z.object({ path: z.string().min(1, "choose a .gguf file"), catalogId: ModelId.optional() }).strict(),
    InstalledModel,
    "Copy a local GGUF file into the models folder (checked against the catalog when it is a catalog model)",
  ),
  "models.plan": method(Empty, PlanResult, "Which models fit each GPU and the CPU, expected tokens/s, and the recommendation"),
  "models.benchmark": method(
    z.object({ modelId: ModelId, seconds: z.number().int().min(5).max(300).default(60) }).strict(),
    BenchmarkResult,
    "Measure an installed model (time to first token, prompt and generation tokens/s) through the inference engine",
  ),
  "models.benchmarks": method(Empty, z.array(BenchmarkResult), "Stored benchmark results, one per model and device"),
  "models.publish": method(
    PublishParams,
    PublishResult,
    "Write a GGUF file's CAR for pinning (an installed model reuses its stored CID) and produce a catalog entry",
  ),
  "models.settings": method(Empty, ModelSettings, "Gateways, confirmations and the remote catalog URL"),
  "models.updateSettings": method(ModelSettings.partial().strict(), ModelSettings, "Change model source settings"),
};

export const modelsEvents = {
  /** A download's progress (throttled) and every state change. */
  "models.download": DownloadProgress,
  /** The installed list changed (download finished, import, delete, re-verification). */
  "models.changed": z.object({ installed: z.array(InstalledModel) }),
};
