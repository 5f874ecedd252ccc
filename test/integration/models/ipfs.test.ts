import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixedSize } from "ipfs-unixfs-importer/chunker";
import { balanced } from "ipfs-unixfs-importer/layout";
import { DownloadError } from "../../../electron/core/models/download/errors.js";
import { openFileTarget } from "../../../electron/core/models/download/write-target.js";
import { downloadFromIpfs, type IpfsDownloadOptions } from "../../../electron/core/models/ipfs/download.js";
import { IpfsResumeState } from "../../../electron/core/models/ipfs/resume-state.js";
import { ipfsDownloadOptions } from "../../fixtures/models/ipfs-download-options.js";
import { startIpfsGateway, type GatewayFixture } from "../../fixtures/models/ipfs-gateway.js";
import { buildUnixfs } from "../../fixtures/models/unixfs-blocks.js";
import { testModelPath } from "../../fixtures/paths.js";

const model = readFileSync(testModelPath());
const modelSha = createHash("sha256").update(model).digest("hex");
const dag = await buildUnixfs(model);
const work = mkdtempSync(join(tmpdir(), "pf-ipfs-"));
const gateways: GatewayFixture[] = [];
after(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  rmSync(work, { recursive: true, force: true });
});

async function gateway(...args: Parameters<typeof startIpfsGateway>): Promise<GatewayFixture> {
  const g = await startIpfsGateway(...args);
  gateways.push(g);
  return g;
}

/** A loopback URL nothing listens on: what a local IPFS node that is not running looks like. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

let counter = 0;
function options(overrides: Partial<IpfsDownloadOptions>): IpfsDownloadOptions {
  return ipfsDownloadOptions({
    cid: dag.root.toString(),
    partialPath: join(work, `model-${++counter}.partial`),
    retry: { attempts: 2, baseDelayMs: 0, maxDelayMs: 0 },
    expected: { sha256: modelSha, sizeBytes: model.length },
    ...overrides,
  });
}

test("the tiny model's DAG has several 256 KiB raw leaves (the premise of the block tests)", () => {
  assert.equal(dag.root.toString(), "bafybeiatwpy6miidvwxi2klvvabcgj4raczu7er7fe3phd3pqs2tr2kmoe");
  assert.equal(dag.leaves.length, 5);
});

test("downloads through a trustless gateway, verifying every block, after skipping a dead local node", async () => {
  const good = await gateway(dag.blocks);
  const local = await deadUrl();
  let progressed = 0;
  const result = await downloadFromIpfs(options({
    gateways: [local, good.url],
    onBytes: (n) => (progressed += n),
    partialPath: join(work, "fresh.partial"),
  }));
  assert.equal(result.sha256, modelSha);
  assert.equal(result.sizeBytes, model.length);
  assert.deepEqual(readFileSync(join(work, "fresh.partial")), model);
  assert.equal(progressed, model.length);
  assert.equal(result.blocksFetched, 5);
  assert.equal(result.blocksRejected, 0);
  assert.equal(result.bytesTransferred, good.bytesServed);
  assert.deepEqual(new Set(good.requests), new Set([dag.root.toString(), ...dag.leaves]));
  assert.equal(result.blocksServedBy[good.url], 6);
  assert.equal(result.blocksServedBy[local], 0);
});

test("a block that fails verification is refetched from another gateway and the liar is demoted", async () => {
  const bad = dag.leaves[2];
  const liar = await gateway(dag.blocks, { corrupt: new Set([bad]) });
  const honest = await gateway(dag.blocks);
  const rejected: Array<[string, string]> = [];
  const partialPath = join(work, "corrupt.partial");
  const result = await downloadFromIpfs(options({
    gateways: [liar.url, honest.url],
    partialPath,
    concurrency: 1,
    onRejected: (g, cid) => rejected.push([g, cid]),
  }));
  assert.equal(result.sha256, modelSha);
  assert.deepEqual(readFileSync(partialPath), model);
  assert.deepEqual(rejected, [[liar.url, bad]]);
  assert.equal(result.blocksRejected, 1);
  assert.ok(honest.requests.includes(bad), "the bad block was fetched again from the honest gateway");
  // Once caught lying, the first gateway is no longer asked first.
  assert.deepEqual(liar.requests, [dag.root.toString(), ...dag.leaves.slice(0, 3)]);
  assert.deepEqual(honest.requests, [bad, ...dag.leaves.slice(3)]);
});

test("a dropped connection leaves verified blocks journaled; the resume fetches only the rest", async () => {
  const partialPath = join(work, "dropped.partial");
  const flaky = await gateway(dag.blocks, { dropAfterBlocks: 4 }); // the root and 3 leaves, then cut-offs
  await assert.rejects(
    downloadFromIpfs(options({ gateways: [flaky.url], partialPath, concurrency: 1, retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 } })),
    (error: unknown) => error instanceof DownloadError && error.reason === "unreachable" && /verified blocks are kept/.test(error.message),
  );
  const state = new IpfsResumeState(partialPath);
  const verified = await state.loadVerified(dag.leaves.length);
  assert.deepEqual([...verified].sort(), [0, 1, 2]);

  const healthy = await gateway(dag.blocks);
  let present = -1;
  const result = await downloadFromIpfs(options({ gateways: [healthy.url], partialPath, onStart: (_total, p) => (present = p) }));
  assert.equal(result.sha256, modelSha);
  assert.deepEqual(readFileSync(partialPath), model);
  assert.equal(present, 3 * 262144);
  assert.equal(result.blocksResumed, 3);
  assert.equal(result.bytesTransferred, model.length - 3 * 262144, "only the unverified bytes crossed the network");
  assert.equal(healthy.bytesServed, model.length - 3 * 262144);
  assert.deepEqual(healthy.requests, dag.leaves.slice(3), "no verified block and no DAG node was fetched again");
});

test("a file whose sha256 differs from the catalog's is refused and deleted, resume state included", async () => {
  const good = await gateway(dag.blocks);
  const partialPath = join(work, "substituted.partial");
  await assert.rejects(
    downloadFromIpfs(options({ gateways: [good.url], partialPath, expected: { sha256: "0".repeat(64), sizeBytes: model.length } })),
    (error: unknown) => error instanceof DownloadError && error.reason === "substituted" && /sha256/.test(error.message),
  );
  assert.equal(existsSync(partialPath), false);
  assert.equal(existsSync(new IpfsResumeState(partialPath).planPath), false);
});

test("a CID whose file size differs from the catalog's is refused before any leaf is fetched", async () => {
  const good = await gateway(dag.blocks);
  await assert.rejects(
    downloadFromIpfs(options({ gateways: [good.url], expected: { sizeBytes: model.length + 1 } })),
    (error: unknown) => error instanceof DownloadError && error.reason === "substituted" && /catalog lists/.test(error.message),
  );
  assert.deepEqual(good.requests, [dag.root.toString()]);
});

test("multi-level DAGs and CIDv0-style dag-pb leaves are reassembled in order", async () => {
  const bytes = createHash("sha512").update("seed").digest();
  const content = Buffer.concat(Array.from({ length: 300 }, (_, i) => Buffer.concat([bytes, Buffer.from([i & 0xff])])));
  const deep = await buildUnixfs(content, {
    cidVersion: 0,
    rawLeaves: false,
    chunker: fixedSize({ chunkSize: 1000 }),
    layout: balanced({ maxChildrenPerNode: 4 }),
  });
  assert.match(deep.root.toString(), /^Qm/);
  const g = await gateway(deep.blocks);
  const partialPath = join(work, "deep.partial");
  const result = await downloadFromIpfs(options({
    cid: deep.root.toString(),
    gateways: [g.url],
    partialPath,
    expected: { sha256: createHash("sha256").update(content).digest("hex"), sizeBytes: content.length },
    concurrency: 3,
  }));
  assert.equal(result.sizeBytes, content.length);
  assert.deepEqual(readFileSync(partialPath), content);
});

test("blocks taken over in place from another source's partial file are synced before they are journaled", async () => {
  const good = await gateway(dag.blocks);
  const partialPath = join(work, `model-${++counter}.partial`);
  // Another source (an HTTPS download, say) left the first three leaves in this very file and may never have synced.
  const { writeFileSync } = await import("node:fs");
  const leafBytes = 3 * 256 * 1024;
  writeFileSync(partialPath, model.subarray(0, leafBytes));
  const state = new IpfsResumeState(partialPath);
  const events: string[] = [];
  const result = await downloadFromIpfs(
    options({
      gateways: [good.url],
      partialPath,
      adopt: () => ({ path: partialPath, scanBytes: leafBytes, worth: leafBytes }),
      openTarget: async (path) => {
        const target = await openFileTarget(path);
        const sync = target.sync.bind(target);
        target.sync = async () => {
          events.push(existsSync(state.journalPath) ? "sync after a journal entry" : "sync");
          await sync();
        };
        return target;
      },
      onStart: (_total, present) => events.push(`start with ${present} bytes present`),
    }),
  );
  assert.equal(result.sha256, modelSha);
  assert.equal(result.blocksResumed, 3, "the three leaves were taken over");
  assert.deepEqual(events.slice(0, 2), ["sync", `start with ${leafBytes} bytes present`], "synced before the first journal entry");
});
