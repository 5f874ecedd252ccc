import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CarReader } from "@ipld/car/reader";
import { exporter } from "ipfs-unixfs-exporter";
import type { CID } from "multiformats/cid";
import { openFileTarget } from "../../../electron/core/models/download/write-target.js";
import { blockMatchesCid } from "../../../electron/core/models/ipfs/block.js";
import { downloadFromIpfs } from "../../../electron/core/models/ipfs/download.js";
import { importUnixfs, publishModel, type AddServiceOnChain } from "../../../electron/core/models/publish.js";
import { CatalogEntry } from "../../../shared/models/catalog-schema.js";
import { startIpfsGateway } from "../../fixtures/models/ipfs-gateway.js";
import { sharedAssetsDir, testModelPath } from "../../fixtures/paths.js";

const work = mkdtempSync(join(tmpdir(), "pf-publish-"));
after(() => rmSync(work, { recursive: true, force: true }));

test("the computed UnixFS CIDs of both test models equal the ones in the shared models README", async () => {
  // ../shared/models/README.md lists these CIDs (ipfs-unixfs-importer, kubo-style defaults).
  const stories = await importUnixfs(testModelPath(), null);
  assert.equal(stories.cid, "bafybeiatwpy6miidvwxi2klvvabcgj4raczu7er7fe3phd3pqs2tr2kmoe");
  assert.equal(stories.sha256, "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d");
  assert.equal(stories.sizeBytes, 1_185_376);
  const tiny = await importUnixfs(resolve(sharedAssetsDir, "models", "llama-2-tiny-random.gguf"), null);
  assert.equal(tiny.cid, "bafybeiczhyewdgtpdctrcbzmbcrlnl2kovxz5o5oqhx6u67ii2tf65e5ba");
});

test("publishing writes a CAR whose root and blocks reassemble the file, and a valid catalog entry", async () => {
  const model = readFileSync(testModelPath());
  const carPath = join(work, "out", "stories.car");
  const registered: Array<{ serviceId: string; name: string; entry: CatalogEntry }> = [];
  const addService: AddServiceOnChain = async (request) => {
    registered.push(request);
    return { txHash: "ABCDEF0123" };
  };
  const published = await publishModel({
    path: testModelPath(),
    carPath,
    name: "Stories 260K",
    serviceId: "stories-260k",
    family: "llama",
    license: "mit",
    weight: 1,
    extraSources: [{ kind: "https", url: "https://mirror.example/stories260K.gguf" }],
    addService,
  });
  assert.equal(published.cid, "bafybeiatwpy6miidvwxi2klvvabcgj4raczu7er7fe3phd3pqs2tr2kmoe");
  assert.equal(existsSync(`${carPath}.partial`), false);

  const car = await CarReader.fromBytes(readFileSync(carPath));
  const roots = await car.getRoots();
  assert.deepEqual(roots.map(String), [published.cid]);
  const blocks = new Map<string, Uint8Array>();
  for await (const { cid, bytes } of car.blocks()) {
    assert.ok(await blockMatchesCid(cid, bytes), `block ${cid} matches its CID`);
    blocks.set(cid.toString(), bytes);
  }
  assert.equal(blocks.size, 6);
  const store = { get: function* (cid: CID) { yield blocks.get(cid.toString())!; } };
  const file = await exporter(roots[0], store);
  assert.equal(file.type, "file");
  const chunks: Uint8Array[] = [];
  if (file.type === "file") for await (const chunk of file.content()) chunks.push(chunk);
  assert.deepEqual(Buffer.concat(chunks), model);

  const { entry } = published;
  assert.ok(CatalogEntry.safeParse(entry).success);
  assert.equal(entry.id, "stories-260k-f32");
  assert.equal(entry.sha256, createHash("sha256").update(model).digest("hex"));
  assert.equal(entry.sizeBytes, model.length);
  assert.equal(entry.verified, true);
  assert.deepEqual(entry.architecture, { layers: 5, kvHeads: 4, headDim: 8 });
  assert.equal(entry.contextLength, 2048);
  assert.equal(entry.parameters, 292800);
  assert.deepEqual(entry.sources, [
    { kind: "ipfs", cid: published.cid },
    { kind: "https", url: "https://mirror.example/stories260K.gguf" },
  ]);
  assert.deepEqual(registered.map((r) => [r.serviceId, r.name, r.entry.id]), [["stories-260k", "Stories 260K", entry.id]]);
  assert.deepEqual(published.serviceRegistration, { txHash: "ABCDEF0123" });
});

test("a published entry downloads back through a gateway serving its CAR's blocks", async () => {
  const carPath = join(work, "roundtrip.car");
  const { entry } = await publishModel({
    path: testModelPath(), carPath, name: "Round trip", serviceId: "round-trip", family: "llama", license: "mit", weight: 1, extraSources: [],
  });
  const car = await CarReader.fromBytes(readFileSync(carPath));
  const blocks = new Map<string, Uint8Array>();
  for await (const { cid, bytes } of car.blocks()) blocks.set(cid.toString(), bytes);
  const gateway = await startIpfsGateway(blocks);
  try {
    const partialPath = join(work, "roundtrip.partial");
    const source = entry.sources[0];
    assert.equal(source.kind, "ipfs");
    const result = await downloadFromIpfs({
      cid: source.kind === "ipfs" ? source.cid : "",
      gateways: [gateway.url],
      partialPath,
      openTarget: openFileTarget,
      fetch,
      signal: new AbortController().signal,
      retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
      sleep: async () => {},
      expected: { sha256: entry.sha256, sizeBytes: entry.sizeBytes },
      reserve: async () => {},
      onBytes: () => {},
    });
    assert.equal(result.sha256, entry.sha256);
  } finally {
    await gateway.close();
  }
});

test("a file that is not a GGUF model is not published", async () => {
  const notModel = join(work, "notes.txt");
  writeFileSync(notModel, "just some text, not a model");
  await assert.rejects(
    publishModel({ path: notModel, carPath: join(work, "x.car"), name: "x", serviceId: "x", family: "x", license: "x", weight: 1, extraSources: [] }),
    /not a GGUF model/,
  );
  assert.equal(existsSync(join(work, "x.car")), false);
});
