// Rigs share models over the LAN: three engines (createCore, each its own data folder, real HTTP on loopback). Two
// hold a model and serve it; the third downloads it from them, every block checked against its CID, the whole file
// against the catalog's sha256. Also: a lying peer is demoted and the download completes; a peer that disappears
// mid-download leaves the others to finish; when every peer is gone the catalog's IPFS source (a loopback gateway)
// goes on from the blocks the peers delivered.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createCore, type Core } from "../../../electron/core/app/create-core.js";
import { cpuOnly } from "../../../electron/core/hardware/compute-probe.js";
import { parseResult, type DownloadProgress, type MethodName } from "../../../shared/api/index.js";
import { startIpfsGateway, type GatewayFixture } from "../../fixtures/models/ipfs-gateway.js";
import { startPeerProxy, type PeerProxy } from "../../fixtures/models/peer-proxy.js";
import { catalogFor, serveJson, writeSharedModel } from "../../fixtures/models/shared-model.js";
import { buildUnixfs } from "../../fixtures/models/unixfs-blocks.js";
import { freeUdpPort } from "../../fixtures/free-udp-port.js";

const TIMEOUT = { timeout: 300_000 };
const work = mkdtempSync(join(tmpdir(), "pf-model-sharing-"));
// 1.1 MiB of real GGUF header and tensors, then 22 MiB: 94 blocks of 256 KiB, three CAR runs of 32.
const file = writeSharedModel(work, 22);
const dag = await buildUnixfs(file.bytes);
const cid = dag.root.toString();
/** No public CID: the catalog names only a mirror nobody can reach, so peers are the only way (as for real models). */
const PEERS_ONLY = "lan-model";
/** The same bytes with the catalog's IPFS CID, whose internet gateway is a loopback fixture: the fallback. */
const WITH_IPFS = "lan-model-ipfs";
const catalog = catalogFor([
  { id: PEERS_ONLY, file, sources: [{ kind: "https", url: "https://mirror.invalid/lan-model.gguf" }] },
  { id: WITH_IPFS, file, sources: [{ kind: "ipfs", cid }] },
]);

const closers: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
  rmSync(work, { recursive: true, force: true });
});

async function call<M extends MethodName>(core: Core, method: M, params: unknown) {
  return parseResult(method, await core.router.call(method, params, { transport: "internal" }));
}

let catalogUrl = "";
async function engine(name: string): Promise<Core> {
  const core = createCore({
    dataDir: mkdtempSync(join(work, `${name}-`)),
    version: "0.0.0-test",
    probeCompute: async () => cpuOnly(),
    telemetryIntervalMs: 3_600_000,
    // No engine of this test announces or browses: peers are listed by hand (mdns.test.ts covers discovery).
    mdns: { port: await freeUdpPort() },
    // The catalog is served on loopback (plain http), which only this option lets a remote catalog be.
    allowLoopbackCatalog: true,
    overrides: (config) => {
      config.openAi.port = 0;
      config.relayMiner.listen.port = 0;
      config.relayMiner.metrics.port = 0;
    },
  });
  closers.push(() => core.dispose());
  await core.start();
  await call(core, "sharing.update", { announce: false, discover: false });
  await call(core, "models.updateSettings", { remoteCatalogUrl: catalogUrl, ipfsGateways: ["http://127.0.0.1:9"], ipfsConcurrency: 8 });
  return core;
}

/** An engine that holds the model (imported, so its CID is computed here) and serves it on loopback. */
async function holder(name: string): Promise<{ core: Core; url: string }> {
  const core = await engine(name);
  const installed = await core.models.import(file.path, PEERS_ONLY);
  assert.equal(installed.cid, cid, "the CID is computed at install with publishing's settings");
  await core.models.import(file.path, WITH_IPFS);
  const status = await call(core, "sharing.update", { serve: true, host: "127.0.0.1", port: 0 });
  assert.equal(status.gateway.state, "listening");
  return { core, url: core.sharing.localUrl()! };
}

/** Resolves with the download's final event (completed or failed). */
function finished(core: Core, modelId: string): Promise<DownloadProgress> {
  return new Promise((resolve) => {
    const off = core.events.on("models.download", (progress) => {
      if (progress.modelId !== modelId || (progress.state !== "completed" && progress.state !== "failed")) return;
      off();
      resolve(progress);
    });
  });
}

/** Downloads `modelId` on a fresh engine that knows `peers`; returns the last progress and the installed record. */
async function fetchFrom(name: string, modelId: string, peers: string[], gateways?: string[]) {
  const core = await engine(name);
  await call(core, "sharing.update", { peers });
  if (gateways) await call(core, "models.updateSettings", { ipfsGateways: gateways });
  const done = finished(core, modelId);
  await call(core, "models.download", { modelId });
  const last = await done;
  return { core, last, installed: core.models.installed().find((m) => m.id === modelId) };
}

describe("models shared between engines on a LAN", TIMEOUT, () => {
  let a: { core: Core; url: string };
  let b: { core: Core; url: string };

  before(async () => {
    const served = await serveJson(catalog);
    closers.push(() => served.close());
    catalogUrl = served.url;
    a = await holder("a");
    b = await holder("b");
  });

  test("a third engine fetches the model from both peers, verified, and names who supplied what", TIMEOUT, async () => {
    const { core, last, installed } = await fetchFrom("c", PEERS_ONLY, [a.url, b.url]);
    assert.equal(last.state, "completed", JSON.stringify(last.error));
    assert.ok(installed, "installed");
    assert.equal(installed.sha256, file.sha256);
    assert.equal(installed.verified, true);
    assert.equal(installed.cid, cid, "the CID it computed itself is the peers' CID");
    assert.deepEqual(installed.source, { kind: "lan", detail: cid });
    assert.ok(readFileSync(installed.path).equals(file.bytes), "byte for byte the holders' file");
    assert.equal(last.source, "lan");
    const lan = last.suppliers.filter((s) => s.source === "lan");
    assert.equal(lan.length, 2, `both peers supplied blocks: ${JSON.stringify(last.suppliers)}`);
    assert.ok(lan.every((s) => s.bytes > 0 && s.blocks > 0 && s.state === "active"));
    assert.equal(last.suppliers.reduce((sum, s) => sum + s.bytes, 0), file.bytes.length, "every byte is accounted to its supplier");
    assert.equal(last.blocksRejected, 0);
    // The holders counted what they served; together, at least the whole file.
    const served = (await call(a.core, "sharing.status", {})).gateway.bytesServed + (await call(b.core, "sharing.status", {})).gateway.bytesServed;
    assert.ok(served >= file.bytes.length, `${served} bytes served`);
    // And the new holder can serve it in turn: its index lists the CID.
    const status = await call(core, "sharing.update", { serve: true, host: "127.0.0.1", port: 0 });
    assert.equal(status.gateway.models, 1);
    const index = (await (await fetch(`${core.sharing.localUrl()}/pocketforge/v1/index`)).json()) as { models: Array<{ cid: string; sha256: string }> };
    assert.deepEqual(index.models.map((m) => [m.cid, m.sha256]), [[cid, file.sha256]]);
  });

  test("a peer that sends a bad block is demoted and the download completes from the honest one", TIMEOUT, async () => {
    const liar = await startPeerProxy(a.url, { corrupt: true });
    closers.push(() => liar.close());
    const { last, installed } = await fetchFrom("d", PEERS_ONLY, [liar.url, b.url]);
    assert.equal(last.state, "completed", JSON.stringify(last.error));
    assert.ok(installed && readFileSync(installed.path).equals(file.bytes));
    assert.ok(last.blocksRejected >= 1, "the bad block was caught");
    const liarHost = new URL(liar.url).host;
    const lying = last.suppliers.find((s) => s.source === "lan" && s.via.includes(liarHost));
    assert.ok(lying, JSON.stringify(last.suppliers));
    assert.equal(lying.state, "demoted");
    assert.ok(lying.blocksRejected >= 1);
    const honest = last.suppliers.find((s) => s.source === "lan" && !s.via.includes(liarHost));
    assert.ok(honest && honest.bytes > 0);
    assert.equal(last.suppliers.reduce((sum, s) => sum + s.bytes, 0), file.bytes.length);
  });

  test("a peer that disappears mid-download leaves the other to finish", TIMEOUT, async () => {
    const vanishing = await startPeerProxy(b.url, { cutAfterBytes: 3 * 1024 * 1024 });
    closers.push(() => vanishing.close());
    const { last, installed } = await fetchFrom("e", PEERS_ONLY, [vanishing.url, a.url]);
    await vanishing.cut;
    assert.equal(last.state, "completed", JSON.stringify(last.error));
    assert.ok(installed && readFileSync(installed.path).equals(file.bytes));
    const gone = last.suppliers.find((s) => s.via.includes(new URL(vanishing.url).host));
    const stayed = last.suppliers.find((s) => s.via.includes(new URL(a.url).host));
    assert.ok(stayed && stayed.bytes > 0, JSON.stringify(last.suppliers));
    assert.ok(!gone || gone.bytes < file.bytes.length);
    assert.equal(last.suppliers.reduce((sum, s) => sum + s.bytes, 0), file.bytes.length);
  });

  test("when every peer is gone the catalog's IPFS source goes on from the blocks the peers delivered", TIMEOUT, async () => {
    const vanishing: PeerProxy = await startPeerProxy(a.url, { cutAfterBytes: 6 * 1024 * 1024 });
    closers.push(() => vanishing.close());
    const gateway: GatewayFixture = await startIpfsGateway(dag.blocks);
    closers.push(() => gateway.close());
    const { last, installed } = await fetchFrom("f", WITH_IPFS, [vanishing.url], [gateway.url]);
    assert.equal(last.state, "completed", JSON.stringify(last.error));
    assert.ok(installed && readFileSync(installed.path).equals(file.bytes));
    assert.equal(installed.source.kind, "ipfs");
    const lan = last.suppliers.filter((s) => s.source === "lan").reduce((sum, s) => sum + s.bytes, 0);
    const internet = last.suppliers.filter((s) => s.source === "ipfs").reduce((sum, s) => sum + s.bytes, 0);
    assert.ok(lan > 0, `the peer delivered blocks before it went: ${JSON.stringify(last.suppliers)}`);
    assert.equal(lan + internet, file.bytes.length, "nothing was fetched twice");
    const leavesFetched = gateway.requests.filter((c) => dag.leaves.includes(c)).length;
    assert.ok(leavesFetched < dag.leaves.length, `the gateway served only what the peer had not (${leavesFetched} of ${dag.leaves.length} leaves)`);
  });

  test("“Check peers now” reads a listed peer's models again: a model installed there since is offered at once", TIMEOUT, async () => {
    const later = await engine("later-holder");
    const served = await call(later, "sharing.update", { serve: true, host: "127.0.0.1", port: 0 });
    assert.equal(served.gateway.state, "listening");
    const url = later.sharing.localUrl()!;
    const watcher = await engine("watcher");
    const listed = await call(watcher, "sharing.update", { peers: [url] });
    assert.deepEqual(listed.settings.peers, [url]);
    const before = await call(watcher, "sharing.checkPeers", {});
    assert.deepEqual(before.peers.find((p) => p.url === url)?.cids, [], "nothing installed there yet");

    await later.models.import(file.path, PEERS_ONLY);
    const after = await call(watcher, "sharing.checkPeers", {});
    const peer = after.peers.find((p) => p.url === url);
    assert.deepEqual(peer?.cids, [cid]);
    assert.equal(peer?.error, null);
    assert.ok(peer!.seenAt !== null);
  });

  test("publishing an installed model reuses its CID", TIMEOUT, async () => {
    const model = a.core.models.installed().find((m) => m.id === PEERS_ONLY)!;
    const published = await a.core.models.publish({ path: model.path, name: "LAN model", serviceId: "pocketforge-lan-model" });
    assert.equal(published.cid, cid);
    assert.equal(published.sha256, file.sha256);
    // The CAR holds the whole DAG: every block of the fixture's DAG, root first.
    const { CarReader } = await import("@ipld/car/reader");
    const car = await CarReader.fromBytes(readFileSync(published.carPath));
    assert.deepEqual((await car.getRoots()).map(String), [cid]);
    const blocks = new Map<string, Uint8Array>();
    for await (const block of car.blocks()) blocks.set(block.cid.toString(), block.bytes);
    assert.deepEqual(new Set(blocks.keys()), new Set(dag.blocks.keys()));
    for (const [key, bytes] of dag.blocks) assert.ok(Buffer.from(blocks.get(key)!).equals(Buffer.from(bytes)), key);
  });
});
