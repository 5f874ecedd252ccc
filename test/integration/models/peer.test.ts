// The LAN gateway a PocketForge serves its installed models from (real ModelService, real HTTP on loopback): blocks
// and CARs of installed models only, checked before they leave; everything else refused; per-peer rate and upload cap.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, openSync, rmSync, writeSync, closeSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CarBlockIterator } from "@ipld/car/iterator";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { sha256 } from "multiformats/hashes/sha2";
import { blockMatchesCid } from "../../../electron/core/models/ipfs/block.js";
import { ModelService } from "../../../electron/core/models/model-service.js";
import { PEER_INDEX_PATH, PeerGateway } from "../../../electron/core/models/sharing/peer-gateway.js";
import { ByteThrottle, RequestLimiter } from "../../../electron/core/models/sharing/rate-limit.js";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import type { HardwareInfo } from "../../../shared/api/index.js";
import { writeSharedModel } from "../../fixtures/models/shared-model.js";
import { buildUnixfs } from "../../fixtures/models/unixfs-blocks.js";

const work = mkdtempSync(join(tmpdir(), "pf-peer-"));
const file = writeSharedModel(work, 9);
const dag = await buildUnixfs(file.bytes);
const cid = dag.root.toString();
const hardware = { getInfo: async () => ({}) as HardwareInfo };

after(() => rmSync(work, { recursive: true, force: true }));

/** A GET (or other method) with exactly these headers: fetch would not let a test send a foreign Host. */
function rawRequest(url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: options.method ?? "GET", headers: { host: target.host, ...options.headers } }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (chunk: Buffer) => parts.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

async function carBlocks(body: Buffer): Promise<{ roots: string[]; blocks: Array<{ cid: string; bytes: Uint8Array }> }> {
  const iterator = await CarBlockIterator.fromBytes(body);
  const blocks: Array<{ cid: string; bytes: Uint8Array }> = [];
  for await (const block of iterator) blocks.push({ cid: block.cid.toString(), bytes: block.bytes });
  return { roots: (await iterator.getRoots()).map(String), blocks };
}

describe("the LAN model gateway", { timeout: 120_000 }, () => {
  const models = new ModelService({ dataDir: join(work, "data"), logger: silentLogger, emit: () => {}, hardware });
  let gateway: PeerGateway;
  let url = "";
  let modelPath = "";

  before(async () => {
    await models.start();
    const installed = await models.import(file.path, null);
    assert.equal(installed.cid, cid);
    modelPath = installed.path;
    gateway = new PeerGateway({ library: models, logger: silentLogger, id: "test-peer", name: "test", perPeerRequestsPerSecond: 100_000, uploadBytesPerSecond: null });
    const address = await gateway.start("127.0.0.1", 0);
    url = `http://127.0.0.1:${address.port}`;
  });
  after(async () => {
    await gateway.stop();
    await models.dispose();
  });

  test("answers every block of an installed model's DAG, raw, and each matches its CID", async () => {
    for (const [key, bytes] of dag.blocks) {
      const reply = await rawRequest(`${url}/ipfs/${key}?format=raw`);
      assert.equal(reply.status, 200, key);
      assert.equal(reply.headers["content-type"], "application/vnd.ipld.raw");
      assert.ok(reply.body.equals(Buffer.from(bytes)), key);
      assert.ok(await blockMatchesCid(CID.parse(key), reply.body));
    }
    const head = await rawRequest(`${url}/ipfs/${dag.leaves[0]}`, { method: "HEAD", headers: { accept: "application/vnd.ipld.raw" } });
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
  });

  test("a CAR of the whole DAG, depth first, root first", async () => {
    const reply = await rawRequest(`${url}/ipfs/${cid}?format=car`);
    assert.equal(reply.status, 200);
    const { roots, blocks } = await carBlocks(reply.body);
    assert.deepEqual(roots, [cid]);
    assert.equal(blocks[0]!.cid, cid);
    assert.deepEqual(new Set(blocks.map((b) => b.cid)), new Set(dag.blocks.keys()));
    const leafBytes = Buffer.concat(blocks.filter((b) => dag.leaves.includes(b.cid)).map((b) => b.bytes));
    assert.ok(leafBytes.equals(file.bytes), "leaves in file order");
  });

  test("a byte range's CAR carries the path from the root and the leaves over those bytes only", async () => {
    const from = 3 * 262144 + 5;
    const to = 5 * 262144; // inclusive: the first byte of leaf 5
    const reply = await rawRequest(`${url}/ipfs/${cid}?format=car&dag-scope=entity&entity-bytes=${from}:${to}`);
    assert.equal(reply.status, 200);
    const { blocks } = await carBlocks(reply.body);
    const leaves = blocks.filter((b) => dag.leaves.includes(b.cid)).map((b) => b.cid);
    assert.deepEqual(leaves, dag.leaves.slice(3, 6));
    assert.equal(blocks[0]!.cid, cid);
    for (const block of blocks) assert.ok(await blockMatchesCid(CID.parse(block.cid), block.bytes));
    const one = await carBlocks((await rawRequest(`${url}/ipfs/${dag.leaves[2]}?format=car&dag-scope=block`)).body);
    assert.deepEqual(one.blocks.map((b) => b.cid), [dag.leaves[2]]);
  });

  test("a CAR goes out with its Content-Length (computed from the DAG), not chunked, and HEAD announces the same", async () => {
    const size = file.bytes.length;
    for (const query of ["format=car", "format=car&dag-scope=entity&entity-bytes=786437:1310720", `format=car&dag-scope=entity&entity-bytes=${size - 10}:*`, "format=car&dag-scope=block"]) {
      const reply = await rawRequest(`${url}/ipfs/${cid}?${query}`);
      assert.equal(reply.status, 200, query);
      assert.equal(reply.headers["transfer-encoding"], undefined, query);
      assert.equal(reply.headers["content-length"], String(reply.body.length), query);
      const { blocks } = await carBlocks(reply.body);
      assert.ok(blocks.length >= 1, query);
      for (const block of blocks) assert.ok(await blockMatchesCid(CID.parse(block.cid), block.bytes), query);
      const head = await rawRequest(`${url}/ipfs/${cid}?${query}`, { method: "HEAD" });
      assert.equal(head.status, 200, query);
      assert.equal(head.headers["content-length"], String(reply.body.length), `HEAD ${query}`);
    }
    const tail = await carBlocks((await rawRequest(`${url}/ipfs/${cid}?format=car&dag-scope=entity&entity-bytes=${size - 10}:*`)).body);
    assert.equal(tail.blocks.at(-1)!.cid, dag.leaves.at(-1), "from:* runs to the last leaf");
  });

  test("a range that starts at or past the end of the file is not satisfiable (416); a backwards one is malformed (400)", async () => {
    const size = file.bytes.length;
    for (const range of [`${size}:*`, `${size + 1}:*`, `${size}:${size + 5}`, "99999999999:99999999999", "99999999999:*"]) {
      const reply = await rawRequest(`${url}/ipfs/${cid}?format=car&dag-scope=entity&entity-bytes=${range}`);
      assert.equal(reply.status, 416, range);
      assert.equal(reply.headers["content-range"], `bytes */${size}`, range);
    }
    assert.equal((await rawRequest(`${url}/ipfs/${cid}?format=car&dag-scope=entity&entity-bytes=${size - 1}:*`)).status, 200, "the last byte is in range");
    assert.equal((await rawRequest(`${url}/ipfs/${cid}?format=car&dag-scope=entity&entity-bytes=10:5`)).status, 400);
  });

  test("the index lists the CIDs of installed models, and nothing else is listed", async () => {
    const index = JSON.parse((await rawRequest(`${url}/pocketforge/v1/index`)).body.toString()) as { format: string; id: string; models: Array<Record<string, unknown>> };
    assert.equal(index.format, "pocketforge-peer-index-v1");
    assert.equal(index.id, "test-peer");
    assert.deepEqual(index.models, [{ cid, sha256: file.sha256, sizeBytes: file.bytes.length, catalogId: null }]);
    for (const path of ["/", "/ipfs", "/ipfs/", "/ipns/" + cid, "/pocketforge/", "/pocketforge/v1/", `/ipfs/${cid}/`, `/ipfs/${cid}/model.gguf`, "/ipfs/../../etc/passwd", "/favicon.ico"]) {
      const reply = await rawRequest(`${url}${path}?format=raw`);
      assert.equal(reply.status, 404, path);
      assert.ok(!reply.body.toString().includes("bafy"), `${path} lists nothing`);
    }
  });

  test("a CID that is not a block of an installed model is refused, whatever it names", async () => {
    const other = CID.createV1(raw.code, await sha256.digest(Buffer.from("not a model")));
    const ownFile = CID.createV1(raw.code, await sha256.digest(file.bytes));
    for (const refused of [other, ownFile]) {
      assert.equal((await rawRequest(`${url}/ipfs/${refused}?format=raw`)).status, 404, String(refused));
      assert.equal((await rawRequest(`${url}/ipfs/${refused}?format=car`)).status, 404, String(refused));
    }
    assert.equal((await rawRequest(`${url}/ipfs/bafynotacidatall?format=raw`)).status, 400);
    assert.equal((await rawRequest(`${url}/ipfs/${cid}`)).status, 406, "no deserialized content: raw or car only");
    assert.equal((await rawRequest(`${url}/ipfs/${cid}?format=car&dag-scope=entity&entity-bytes=99999999999:0`)).status, 400);
    assert.equal((await rawRequest(`${url}/ipfs/${cid}?format=raw`, { method: "POST" })).status, 405);
    assert.equal((await rawRequest(`${url}/ipfs/${cid}?format=raw`, { method: "DELETE" })).status, 405);
    assert.equal((await rawRequest(`${url}/ipfs/${cid}?format=raw`, { headers: { host: "evil.example:80" } })).status, 421, "a rebound domain is not this gateway");
    assert.equal((await rawRequest(`${url}/ipfs/${cid}?format=raw`, { headers: { origin: "https://evil.example" } })).status, 403, "web pages may not read it");
    assert.ok(gateway.counters.refused >= 10);
  });

  test("an absolute-form target is refused (400) whatever host it names; a path starting // is a path", async () => {
    const target = new URL(url);
    /** The status of a request line sent byte for byte, with this gateway's own Host. */
    const statusOf = async (requestTarget: string): Promise<number> => {
      const socket = connect(Number(target.port), target.hostname);
      socket.write(`GET ${requestTarget} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: close\r\n\r\n`);
      const chunks: Buffer[] = [];
      for await (const chunk of socket) chunks.push(chunk as Buffer);
      return Number(/^HTTP\/1\.1 (\d{3})/.exec(Buffer.concat(chunks).toString("latin1"))?.[1]);
    };
    const refusedBefore = gateway.counters.refused;
    assert.equal(await statusOf(`/ipfs/${cid}?format=raw`), 200, "the same request in origin form is answered");
    assert.equal(await statusOf(`http://evil.example/ipfs/${cid}?format=raw`), 400, "a foreign host in the target");
    assert.equal(await statusOf(`http://${target.host}/ipfs/${cid}?format=raw`), 400, "even this gateway's own address: proxies' form only");
    assert.equal(await statusOf(`http://evil.example${PEER_INDEX_PATH}`), 400, "the index too");
    assert.equal(await statusOf(`//evil.example/ipfs/${cid}?format=raw`), 404, "//host/… is a path that names nothing here");
    assert.equal(gateway.counters.refused, refusedBefore + 4);
  });

  test("a file changed on disk after install is not passed on", async () => {
    const leaf = dag.leaves[1]!;
    const fd = openSync(modelPath, "r+");
    try {
      writeSync(fd, Buffer.from([0xde, 0xad]), 0, 2, 262144 + 10);
      const reply = await rawRequest(`${url}/ipfs/${leaf}?format=raw`);
      assert.notEqual(reply.status, 200);
      // A CAR stops before the changed block: what came is verified, the changed block never comes.
      const car = await rawRequest(`${url}/ipfs/${cid}?format=car`).catch(() => null);
      if (car) assert.ok(!car.body.includes(Buffer.from(file.bytes.subarray(262144 + 12, 262144 + 2000))), "the changed leaf's bytes were not sent");
    } finally {
      writeSync(fd, file.bytes.subarray(262144 + 10, 262144 + 12), 0, 2, 262144 + 10);
      closeSync(fd);
    }
    assert.equal((await rawRequest(`${url}/ipfs/${leaf}?format=raw`)).status, 200, "served again once the file is whole");
  });

  test("a deleted model's blocks are refused at once", async () => {
    const before = createHash("sha256").update((await rawRequest(`${url}/ipfs/${dag.leaves[0]}?format=raw`)).body).digest("hex");
    assert.ok(before);
    const id = models.installed()[0]!.id;
    models.delete(id);
    assert.equal((await rawRequest(`${url}/ipfs/${dag.leaves[0]}?format=raw`)).status, 404);
    assert.deepEqual(JSON.parse((await rawRequest(`${url}/pocketforge/v1/index`)).body.toString()).models, []);
  });

  test("one address holds at most 32 connections: one more is closed unanswered", async () => {
    const target = new URL(url);
    const refusedBefore = gateway.counters.refused;
    const ask = (keepAlive: boolean) => {
      const socket = connect(Number(target.port), target.hostname);
      // A refused connection is destroyed by the gateway: a reset is how it ends.
      socket.on("error", () => {});
      socket.write(`GET ${PEER_INDEX_PATH} HTTP/1.1\r\nHost: ${target.host}\r\n${keepAlive ? "" : "Connection: close\r\n"}\r\n`);
      const outcome = new Promise<"answered" | "closed">((resolve) => {
        socket.once("data", () => resolve("answered"));
        socket.once("close", () => resolve("closed"));
      });
      return { socket, outcome };
    };
    // 32 kept-alive connections, each answered (so held by the gateway) or, where kept-alive ones of earlier tests
    // hold places, closed unanswered.
    const held = Array.from({ length: 32 }, () => ask(true));
    const first = await Promise.all(held.map((h) => h.outcome));
    const answered = first.filter((o) => o === "answered").length;
    assert.ok(answered >= 1, "the gateway answers below its bound");
    const extra = ask(false);
    assert.equal(await extra.outcome, "closed", "a connection over the bound gets no answer");
    assert.equal(gateway.counters.refused, refusedBefore + (32 - answered) + 1);
    for (const h of held) h.socket.destroy();
  });
});

describe("limits", () => {
  test("a peer over its request rate gets 429 until its bucket refills; other peers are not affected", () => {
    let now = 0;
    const limiter = new RequestLimiter(5, () => now);
    for (let i = 0; i < 5; i++) assert.equal(limiter.admit("10.0.0.2"), true);
    assert.equal(limiter.admit("10.0.0.2"), false);
    assert.equal(limiter.admit("10.0.0.3"), true, "each peer has its own bucket");
    now += 200; // one request's worth at 5/s
    assert.equal(limiter.admit("10.0.0.2"), true);
    assert.equal(limiter.admit("10.0.0.2"), false);
  });

  test("the upload cap lets a second's worth through, then makes writers wait their turn", async () => {
    let now = 0;
    const throttle = new ByteThrottle(1000, () => now);
    assert.equal(throttle.take(1000), undefined, "a full bucket passes at once");
    const waiting = throttle.take(500);
    assert.ok(waiting instanceof Promise, "the next write waits for the bucket to refill");
    throttle.dispose();
    await waiting;
    now += 2000;
    assert.equal(throttle.take(400), undefined, "refilled after the debt was paid");
  });

  test("the gateway answers 429 past the per-peer rate", async () => {
    const dir = mkdtempSync(join(work, "rate-"));
    const models = new ModelService({ dataDir: dir, logger: silentLogger, emit: () => {}, hardware });
    await models.start();
    await models.import(file.path, null);
    const limited = new PeerGateway({ library: models, logger: silentLogger, id: "rate", name: "rate", perPeerRequestsPerSecond: 3, uploadBytesPerSecond: null });
    const { port } = await limited.start("127.0.0.1", 0);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await rawRequest(`http://127.0.0.1:${port}/ipfs/${dag.leaves[0]}?format=raw`)).status);
      assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
      assert.ok(statuses.slice(3).includes(429), statuses.join(","));
    } finally {
      await limited.stop();
      await models.dispose();
    }
  });
});
