import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { z } from "zod";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import { ModelPaths } from "../../../electron/core/models/model-paths.js";
import { createModelHandlers } from "../../../electron/core/models/api-handlers.js";
import { openFileTarget, type OpenWriteTarget } from "../../../electron/core/models/download/write-target.js";
import { ModelService, type ModelServiceOptions } from "../../../electron/core/models/model-service.js";
import { ApiError, parseCall } from "../../../shared/api/index.js";
import type { DownloadProgress, HardwareInfo, InstalledModel, modelsEvents } from "../../../shared/api/index.js";
import { CATALOG_SCHEMA } from "../../../shared/models/catalog-schema.js";
import { startIpfsGateway, type GatewayFixture } from "../../fixtures/models/ipfs-gateway.js";
import { buildUnixfs } from "../../fixtures/models/unixfs-blocks.js";
import { repoRoot, sharedAssetsDir, testModelPath } from "../../fixtures/paths.js";

const model = readFileSync(testModelPath());
const dag = await buildUnixfs(model);
const builtIn = JSON.parse(readFileSync(resolve(repoRoot, "models", "catalog.json"), "utf8"));
const builtInStories = builtIn.models.find((m: { id: string }) => m.id === "test-stories260k");
// IPFS only: tests never reach a server beyond loopback.
const stories = { ...builtInStories, sources: builtInStories.sources.filter((s: { kind: string }) => s.kind === "ipfs") };
const catalog = {
  schema: CATALOG_SCHEMA,
  models: [
    builtIn.models.find((m: { id: string }) => m.id === "qwen2.5-0.5b-instruct-q4_k_m"),
    stories,
    { ...stories, id: "stories-wrong-sha", sha256: "0".repeat(64) },
    { ...stories, id: "stories-unpinned", sha256: undefined, verified: false },
  ],
};
const work = mkdtempSync(join(tmpdir(), "pf-models-service-"));
const closers: Array<() => Promise<void>> = [];
after(async () => {
  await Promise.all(closers.map((close) => close()));
  rmSync(work, { recursive: true, force: true });
});

const hardware: HardwareInfo = {
  cpu: { manufacturer: "Test", brand: "Test CPU", cores: 4, physicalCores: 2, speedGHz: 3 },
  memory: { totalBytes: 8 * 1024 ** 3, availableBytes: 6 * 1024 ** 3 },
  os: { platform: "linux", distro: "test", release: "1", arch: "x64" },
  gpus: [],
  compute: { backend: "cpu", deviceNames: [], vramTotalBytes: null, advice: [] },
};

type Events = typeof modelsEvents;
interface Recorder {
  progress: DownloadProgress[];
  changed: InstalledModel[][];
  /** Resolves with the first progress event (already seen or future) for `modelId` in `state`. */
  state(modelId: string, state: DownloadProgress["state"]): Promise<DownloadProgress>;
}

async function gateway(behaviour: Parameters<typeof startIpfsGateway>[1] = {}): Promise<GatewayFixture> {
  const g = await startIpfsGateway(dag.blocks, behaviour);
  closers.push(() => g.close());
  return g;
}

let counter = 0;
function service(gatewayUrl: string, extra: Partial<ModelServiceOptions> & { dataDir?: string } = {}): { models: ModelService; events: Recorder; dataDir: string } {
  const dataDir = extra.dataDir ?? join(work, `data-${++counter}`);
  const waiters: Array<{ test: (p: DownloadProgress) => boolean; resolve: (p: DownloadProgress) => void }> = [];
  const events: Recorder = {
    progress: [],
    changed: [],
    state: (modelId, state) => {
      const test = (p: DownloadProgress) => p.modelId === modelId && p.state === state;
      const seen = events.progress.find(test);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ test, resolve }));
    },
  };
  const emit = <E extends keyof Events & string>(event: E, payload: z.output<Events[E]>) => {
    if (event === "models.changed") events.changed.push((payload as { installed: InstalledModel[] }).installed);
    if (event !== "models.download") return;
    const progress = payload as DownloadProgress;
    events.progress.push(progress);
    for (const waiter of waiters.filter((w) => w.test(progress))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(progress);
    }
  };
  const models = new ModelService({
    dataDir,
    logger: silentLogger,
    emit,
    hardware: { getInfo: async () => hardware },
    builtInCatalog: catalog,
    sleep: async () => {},
    retry: { attempts: 2, baseDelayMs: 0, maxDelayMs: 0 },
    settingsDefaults: {
      ipfsGateways: [gatewayUrl],
      arweaveGateways: ["https://arweave.invalid"],
      minArweaveConfirmations: 10,
      remoteCatalogUrl: null,
      ipfsConcurrency: 1,
      cpuBandwidthGBps: null,
    },
    ...extra,
  });
  return { models, events, dataDir };
}

test("a catalog model downloads over IPFS, is verified, installed with its GGUF facts, and announced", async () => {
  const g = await gateway();
  const { models, events, dataDir } = service(g.url);
  await models.start();
  const started = models.download("test-stories260k", null);
  assert.equal(started.state, "checking");
  await events.state("test-stories260k", "completed");

  const [installed] = models.installed();
  assert.equal(installed.id, "test-stories260k");
  assert.equal(installed.verified, true);
  assert.equal(installed.sha256, stories.sha256);
  assert.deepEqual(installed.source, { kind: "ipfs", detail: stories.sources[0].cid });
  assert.equal(installed.gguf?.layers, 5);
  assert.equal(installed.gguf?.architecture, "llama");
  assert.deepEqual(readFileSync(installed.path), model);
  assert.equal(installed.path, join(dataDir, "models", "files", "test-stories260k.gguf"));
  assert.deepEqual(readdirSync(join(dataDir, "models", "downloads")), [], "no partial file or resume state is left");
  assert.deepEqual(events.progress.map((p) => p.state).filter((s, i, all) => s !== all[i - 1]), ["checking", "downloading", "verifying", "completed"]);
  assert.equal(events.progress.at(-1)?.bytesDone, model.length);
  assert.deepEqual(events.changed.at(-1)?.map((m) => m.id), ["test-stories260k"]);
  assert.deepEqual((await models.catalogView(false)).installedIds, ["test-stories260k"]);
  await assert.rejects(async () => models.download("test-stories260k", null), (e: ApiError) => e.code === "conflict");
  await models.dispose();
});

test("pause keeps verified blocks; a restarted service lists the download as paused and resumes it", async () => {
  const g = await gateway({ holdCid: dag.leaves[3] });
  const first = service(g.url);
  await first.models.start();
  first.models.download("test-stories260k", null);
  await g.held;
  const paused = await first.models.pause("test-stories260k");
  assert.equal(paused.state, "paused");
  assert.equal(paused.bytesDone, 3 * 262144);
  await first.models.dispose();

  g.release();
  const requestsBefore = g.requests.length;
  const second = service(g.url, { dataDir: first.dataDir });
  await second.models.start();
  const listed = second.models.downloadList();
  assert.deepEqual(listed.map((d) => [d.modelId, d.state, d.bytesDone]), [["test-stories260k", "paused", 3 * 262144]]);
  second.models.resume("test-stories260k");
  await second.events.state("test-stories260k", "completed");
  assert.deepEqual(g.requests.slice(requestsBefore), dag.leaves.slice(3), "only the blocks not yet verified were fetched");
  assert.deepEqual(readFileSync(second.models.installed()[0].path), model);
  await second.models.dispose();
});

test("cancel stops the download and deletes everything it wrote", async () => {
  const g = await gateway({ holdCid: dag.leaves[1] });
  const { models, events, dataDir } = service(g.url);
  models.download("test-stories260k", null);
  await g.held;
  assert.equal(await models.cancel("test-stories260k"), true);
  assert.equal(events.progress.at(-1)?.state, "cancelled");
  assert.deepEqual(readdirSync(join(dataDir, "models", "downloads")), []);
  assert.deepEqual(models.downloadList(), []);
  assert.deepEqual(models.installed(), []);
  g.release();
});

test("a file that does not match the catalog's sha256 is refused and never installed", async () => {
  const g = await gateway();
  const { models, events, dataDir } = service(g.url);
  models.download("stories-wrong-sha", null);
  const failed = await events.state("stories-wrong-sha", "failed");
  assert.equal(failed.error?.reason, "substituted");
  assert.match(failed.error?.message ?? "", /sha256/);
  assert.deepEqual(models.installed(), []);
  assert.deepEqual(events.changed, []);
  assert.deepEqual(readdirSync(join(dataDir, "models", "files")), []);
});

test("a disk that fills up mid-download fails with no_space and installs nothing", async () => {
  const g = await gateway();
  const fullAfter = 600_000;
  const smallDisk: OpenWriteTarget = async (path) => {
    const real = await openFileTarget(path);
    return {
      write: async (data, position) => {
        if (position + data.length > fullAfter) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
        return real.write(data, position);
      },
      read: (p, l) => real.read(p, l),
      size: () => real.size(),
      truncate: () => Promise.resolve(), // a sparse pre-size costs no space
      sync: () => real.sync(),
      close: () => real.close(),
    };
  };
  const { models, events, dataDir } = service(g.url, { openTarget: smallDisk });
  models.download("test-stories260k", null);
  const failed = await events.state("test-stories260k", "failed");
  assert.equal(failed.error?.reason, "no_space");
  assert.match(failed.error?.message ?? "", /disk filled up.*resume/);
  assert.deepEqual(models.installed(), []);
  assert.deepEqual(events.changed, []);
  assert.equal(existsSync(join(dataDir, "models", "files", "test-stories260k.gguf")), false);
  assert.equal(models.downloadList()[0].state, "failed", "the job stays, to be resumed once space is freed");
});

test("too little free space is reported before the model's blocks are fetched", async () => {
  const g = await gateway();
  const { models, events } = service(g.url, { freeSpace: async () => 10_000 });
  models.download("test-stories260k", null);
  const failed = await events.state("test-stories260k", "failed");
  assert.equal(failed.error?.reason, "no_space");
  assert.match(failed.error?.message ?? "", /Not enough disk space/);
  assert.deepEqual(g.requests, [dag.root.toString()], "only the DAG root, to learn the size");
  assert.deepEqual(models.installed(), []);
});

test("an unpinned catalog model installs but is marked unverified", async () => {
  const g = await gateway();
  const { models, events } = service(g.url);
  models.download("stories-unpinned", null);
  await events.state("stories-unpinned", "completed");
  const [installed] = models.installed();
  assert.equal(installed.verified, false);
  assert.match(installed.lastCheck?.message ?? "", /pins no sha256/);
});

test("import, re-verify, delete and plan through the API handlers", async () => {
  const { models, events, dataDir } = service("http://127.0.0.1:9");
  const handlers = createModelHandlers(models, new ModelPaths(dataDir));
  const call = async <M extends keyof typeof handlers>(method: M, params: unknown) => {
    const parsed = parseCall(method, params);
    return (handlers[method] as (p: unknown, c: unknown) => unknown)(parsed.params, { transport: "internal" });
  };

  const imported = (await call("models.import", { path: testModelPath(), catalogId: "test-stories260k" })) as InstalledModel;
  assert.equal(imported.verified, true);
  assert.deepEqual(imported.source, { kind: "import", detail: testModelPath() });
  assert.notEqual(imported.path, testModelPath(), "the file was copied into the models folder");

  const tiny = resolve(sharedAssetsDir, "models", "llama-2-tiny-random.gguf");
  await assert.rejects(call("models.import", { path: tiny, catalogId: "test-stories260k" }), (e: ApiError) => e.code === "corrupt");
  const local = (await call("models.import", { path: tiny })) as InstalledModel;
  assert.equal(local.id, `local-${createHash("sha256").update(readFileSync(tiny)).digest("hex").slice(0, 12)}`);
  assert.equal(local.catalogId, null);
  assert.equal(local.gguf?.name, "LLaMA v2");
  const notModel = join(work, "notes.txt");
  writeFileSync(notModel, "not a model");
  await assert.rejects(call("models.import", { path: notModel }), (e: ApiError) => e.code === "corrupt" && /not a GGUF/.test(e.message));

  const fine = (await call("models.verify", { modelId: "test-stories260k" })) as InstalledModel;
  assert.equal(fine.lastCheck?.ok, true);
  const tampered = Buffer.from(model);
  tampered[5000] ^= 1;
  writeFileSync(imported.path, tampered);
  const broken = (await call("models.verify", { modelId: "test-stories260k" })) as InstalledModel;
  assert.equal(broken.lastCheck?.ok, false);
  assert.match(broken.lastCheck?.message ?? "", /changed on disk/);

  const plan = (await call("models.plan", {})) as Awaited<ReturnType<ModelService["plan"]>>;
  const localFit = plan.fits.find((f) => f.modelId === local.id && f.deviceId === "cpu");
  assert.equal(localFit?.fit, "full");
  assert.equal(plan.recommendation?.modelId, "qwen2.5-0.5b-instruct-q4_k_m", "test models and unknown imports are never recommended");

  assert.deepEqual(await call("models.delete", { modelId: "test-stories260k" }), { deleted: true });
  assert.equal(existsSync(imported.path), false);
  assert.deepEqual(await call("models.delete", { modelId: "test-stories260k" }), { deleted: false });
  assert.deepEqual(events.changed.at(-1)?.map((m) => m.id), [local.id]);
  await assert.rejects(call("models.download", { modelId: "no-such-model" }), (e: ApiError) => e.code === "not_found");
  await assert.rejects(call("models.download", { modelId: "Bad Id!" }), (e: ApiError) => e.code === "invalid_params");
});

test("a browser's paths stay inside the data folder: imports from DATA_DIR/import, CARs into models/published", async () => {
  const { models, dataDir } = service("http://127.0.0.1:9");
  const paths = new ModelPaths(dataDir);
  const handlers = createModelHandlers(models, paths);
  const fromBrowser = async <M extends keyof typeof handlers>(method: M, params: unknown) => {
    const parsed = parseCall(method, params);
    return (handlers[method] as (p: unknown, c: unknown) => unknown)(parsed.params, { transport: "websocket", peer: "192.168.1.9" });
  };
  const confined = (e: ApiError) => e.code === "invalid_params" && e.message.includes(paths.importDir);
  await assert.rejects(fromBrowser("models.import", { path: testModelPath() }), confined);
  await assert.rejects(fromBrowser("models.import", { path: join(dataDir, "import", "..", "..", "..", "x.gguf") }), confined);
  mkdirSync(paths.importDir, { recursive: true });
  copyFileSync(testModelPath(), join(paths.importDir, "stories.gguf"));
  const imported = (await fromBrowser("models.import", { path: join(paths.importDir, "stories.gguf"), catalogId: "test-stories260k" })) as InstalledModel;
  assert.equal(imported.verified, true);

  const victim = join(work, "victim.txt");
  writeFileSync(victim, "keep me");
  for (const carPath of [victim, "../../victim.txt", join(dataDir, "config.json")]) {
    await assert.rejects(
      fromBrowser("models.publish", { path: imported.path, name: "Mine", serviceId: "my-model", carPath }),
      (e: ApiError) => e.code === "invalid_params" && e.message.includes(paths.publishedDir),
      carPath,
    );
  }
  assert.equal(readFileSync(victim, "utf8"), "keep me");
  await assert.rejects(fromBrowser("models.publish", { path: testModelPath(), name: "Mine", serviceId: "my-model" }), confined);
});
