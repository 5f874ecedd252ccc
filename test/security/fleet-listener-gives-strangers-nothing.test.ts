// The fleet listener as a stranger on the LAN sees it, over real HTTPS on loopback: a front node's join endpoint and an
// inference node's request endpoint. Nobody without the pairing code joins (a few wrong tries close a pairing; a new
// pairing starts afresh); nobody without the pairing key gets inference or a status from a node; a request the front
// node really sent cannot be played again, re-timed or given another body; and a joiner cannot make the front node
// connect to a link-local or cloud-metadata address.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { connect as tcpConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { loadOrCreateDashboardTls } from "../../electron/core/app/dashboard-tls.js";
import { FleetService, type ReceivedRequest } from "../../electron/core/fleet/fleet-service.js";
import { FLEET_MAX_CONNECTIONS_PER_ADDRESS } from "../../electron/core/fleet/fleet-listener.js";
import { FLEET_HEADERS, joinProof, newNonce, signRequest } from "../../electron/core/fleet/pairing.js";
import { testFleetService } from "../fixtures/fleet/fleet-service.js";

const dir = mkdtempSync(join(tmpdir(), "pf-fleet-strangers-"));

interface Reply {
  status: number;
  body: string;
}

function send(url: string, options: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string; localAddress?: string }): Promise<Reply> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        hostname: target.hostname,
        port: target.port,
        method: options.method ?? "GET",
        path: options.path,
        headers: options.headers,
        rejectUnauthorized: false,
        agent: false,
        localAddress: options.localAddress,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/**
 * Sends a request line and headers announcing a body of `declared` bytes, and no body: the status the listener answers
 * with before any of the body came, or a rejection when it waits for the body instead.
 */
function answeredBeforeBody(url: string, path: string, declared: number, headers: Record<string, string> = {}): Promise<number> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: target.hostname, port: Number(target.port), rejectUnauthorized: false }, () => {
      const lines = Object.entries({ host: target.host, "content-type": "application/json", "content-length": String(declared), ...headers }).map(([k, v]) => `${k}: ${v}`);
      socket.write(`POST ${path} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`);
    });
    const bound = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${path}: no answer before the body was sent (the listener waits to buffer ${declared} bytes)`));
    }, 5_000);
    socket.once("data", (chunk: Buffer) => {
      clearTimeout(bound);
      socket.destroy();
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString("latin1"))?.[1] ?? 0));
    });
    socket.once("error", (error) => {
      clearTimeout(bound);
      reject(error);
    });
  });
}

describe("fleet listener: strangers get nothing", { timeout: 60_000 }, () => {
  const received: ReceivedRequest[] = [];
  let inferenceAsked = 0;
  let front: FleetService;
  let node: FleetService;
  let frontUrl = "";
  let nodeUrl = "";
  let frontFingerprint = "";
  /** A certificate of another machine, for joins forged by hand. */
  let strangerCert = "";
  let strangerFingerprint = "";

  const fleet = (name: string, onReceived?: (r: ReceivedRequest) => void) =>
    testFleetService(dir, name, {
      localHandler: () => (req, res) => {
        inferenceAsked++;
        req.resume();
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ choices: [{ message: { content: "served" } }] }));
      },
      onReceived,
    });

  /** A join as a hostile client writes it: `code` is its guess. */
  const join_ = (code: string, extra: Record<string, unknown> = {}) => {
    const nodeNonce = newNonce();
    const proof = joinProof(code, { frontFingerprint, nodeFingerprint: strangerFingerprint, nodeNonce });
    const body = JSON.stringify({ format: "pocketforge-fleet-join-v1", name: "stranger", port: 9, certificate: strangerCert, nodeNonce, proof, ...extra });
    return send(frontUrl, { method: "POST", path: "/fleet/v1/join", headers: { "content-type": "application/json" }, body });
  };
  const wrongCode = (code: string) => (code.startsWith("0") ? `1${code.slice(1)}` : `0${code.slice(1)}`);
  const pairedNodes = () => front.status().nodes.filter((n) => n.kind === "pocketforge");

  before(async () => {
    front = fleet("front");
    node = fleet("node", (r) => received.push(r));
    await front.start();
    await node.start();
    await front.configure({ role: "front", listen: { host: "127.0.0.1", port: 0 } });
    await node.configure({ role: "node", listen: { host: "127.0.0.1", port: 0 } });
    frontUrl = front.status().listenUrl!;
    nodeUrl = node.status().listenUrl!;
    frontFingerprint = front.status().fingerprint!;
    const stranger = await loadOrCreateDashboardTls(join(dir, "stranger"));
    strangerCert = stranger.cert;
    strangerFingerprint = new X509Certificate(stranger.cert).fingerprint256;
  });

  after(async () => {
    await Promise.all([front?.dispose(), node?.dispose()]);
    rmSync(dir, { recursive: true, force: true });
  });

  test("a node that has joined no fleet serves nobody", async () => {
    for (const path of ["/fleet/v1/status", "/v1/models"]) {
      const reply = await send(nodeUrl, { path });
      assert.equal(reply.status, 403, path);
    }
    const chat = await send(nodeUrl, { method: "POST", path: "/v1/chat/completions", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(chat.status, 403);
    assert.equal(inferenceAsked, 0);
  });

  test("no pairing open: a join is refused; a browser is refused before anything is read", async () => {
    assert.equal((await join_("0000-0000-0000")).status, 403);
    const pairing = await front.createPairing();
    const fromPage = await send(frontUrl, { method: "POST", path: "/fleet/v1/join", headers: { origin: "https://evil.example", "content-type": "application/json" }, body: "{}" });
    assert.equal(fromPage.status, 403);
    assert.equal((await join_(pairing.code, { url: undefined })).status, 200, "the right code joins (sanity: the forged join is well formed)");
    assert.equal(pairedNodes().length, 1);
    front.removeNode(pairedNodes()[0]!.id);
  });

  test("five wrong codes close a pairing, the right code is then refused too, and a new pairing starts afresh", async () => {
    const pairing = await front.createPairing();
    for (let i = 0; i < 5; i++) assert.equal((await join_(wrongCode(pairing.code))).status, 403, `wrong try ${i + 1}`);
    assert.equal(front.status().pairing, null, "the pairing closed");
    assert.equal((await join_(pairing.code)).status, 403, "the right code no longer works once the pairing closed");
    assert.equal(pairedNodes().length, 0);
    const next = await front.createPairing();
    for (let i = 0; i < 4; i++) assert.equal((await join_(wrongCode(next.code))).status, 403);
    assert.notEqual(front.status().pairing, null, "four wrong tries leave a new pairing open");
    assert.equal((await join_(next.code)).status, 200);
    assert.equal((await join_(next.code)).status, 403, "a code works once");
    assert.equal(pairedNodes().length, 1);
    front.removeNode(pairedNodes()[0]!.id);
  });

  test("an expired code is refused", async (t) => {
    const pairing = await front.createPairing();
    t.mock.timers.enable({ apis: ["Date"], now: Date.now() + 10 * 60_000 + 1 });
    try {
      assert.equal((await join_(pairing.code)).status, 403);
    } finally {
      t.mock.timers.reset();
    }
    assert.equal(pairedNodes().length, 0);
  });

  test("a joiner cannot name a link-local or metadata address for the front node to call", async () => {
    const pairing = await front.createPairing();
    for (const url of ["https://169.254.169.254", "https://[fe80::1]:8644", "https://[::ffff:169.254.169.254]", "https://0.0.0.0:8644"]) {
      const reply = await join_(pairing.code, { url });
      assert.equal(reply.status, 400, `${url}: ${reply.body}`);
    }
    assert.equal(pairedNodes().length, 0, "no node was added");
    assert.notEqual(front.status().pairing, null, "a refused address is not a wrong guess: the pairing stays open");
    assert.equal((await join_(pairing.code, { url: "https://127.0.0.1:9" })).status, 200, "an address of this machine or the LAN is taken");
    front.removeNode(pairedNodes()[0]!.id);
  });

  test("a stranger cannot make either listener wait for, or buffer, a body", async () => {
    const nearLimit = 4_000_000;
    assert.equal(await answeredBeforeBody(nodeUrl, "/v1/chat/completions", nearLimit), 403, "a node in no fleet");
    assert.equal(await answeredBeforeBody(frontUrl, "/fleet/v1/join", nearLimit), 403, "a front node with no pairing open");
    const pairing = await front.createPairing();
    assert.equal(await answeredBeforeBody(frontUrl, "/fleet/v1/join", nearLimit), 413, "a join is a few KiB");
    assert.equal(await answeredBeforeBody(frontUrl, "/v1/chat/completions", nearLimit), 404);
    await node.join(pairing.frontUrl, pairing.code);
    assert.equal(await answeredBeforeBody(nodeUrl, "/v1/chat/completions", nearLimit), 401, "a paired node, no signature");
    const forged = { "x-fleet-node": "node-00000000", "x-fleet-time": String(Date.now()), "x-fleet-nonce": newNonce(), "x-fleet-signature": "ab".repeat(32) };
    assert.equal(await answeredBeforeBody(nodeUrl, "/v1/chat/completions", nearLimit, forged), 401, "another node's id");
    assert.equal(inferenceAsked, 0);
    front.removeNode(pairedNodes()[0]!.id);
    node.leave();
  });

  test("one address cannot hold every connection: past its share it is cut at once, and others are still served", { timeout: 15_000 }, async () => {
    const target = new URL(nodeUrl);
    const open = (): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const socket = tcpConnect({ host: target.hostname, port: Number(target.port) }, () => resolve(socket));
        socket.once("error", reject);
      });
    const held: Socket[] = [];
    try {
      for (let i = 0; i < FLEET_MAX_CONNECTIONS_PER_ADDRESS; i++) held.push(await open());
      const closedEarly: number[] = [];
      held.forEach((socket, i) => socket.once("close", () => closedEarly.push(i)));
      const extra = await open();
      await new Promise<void>((resolve) => {
        extra.once("close", () => resolve());
        extra.resume();
      });
      assert.deepEqual(closedEarly, [], "the connections within the share stay open");
      // Another address of this machine (all of 127/8 is loopback on Linux) still gets its answer meanwhile.
      const other = await send(nodeUrl, { path: "/fleet/v1/status", localAddress: "127.0.0.2" });
      assert.equal(other.status, 403, "served (a stranger's 403), not cut off");
    } finally {
      for (const socket of held) socket.destroy();
    }
  });

  test("a node serves only its front node's signed requests, each once, as signed", async () => {
    received.length = 0;
    const pairing = await front.createPairing();
    await node.join(pairing.frontUrl, pairing.code);
    await front.refresh();
    assert.equal(front.status().nodes.find((n) => n.name === "node")?.state, "healthy");
    const status = received.find((r) => r.path === "/fleet/v1/status")!;
    assert.ok(status, "the front node's signed status query reached the node");
    const signed = Object.fromEntries(Object.values(FLEET_HEADERS).map((h) => [h, String(status.headers[h])]));

    const replayed = await send(nodeUrl, { path: "/fleet/v1/status", headers: signed });
    assert.equal(replayed.status, 401);
    assert.match(replayed.body, /replayed/);
    const retimed = await send(nodeUrl, { path: "/fleet/v1/status", headers: { ...signed, [FLEET_HEADERS.time]: String(Date.now()), [FLEET_HEADERS.nonce]: newNonce() } });
    assert.equal(retimed.status, 401);
    assert.match(retimed.body, /bad_signature/);
    const elsewhere = await send(nodeUrl, { path: "/v1/models", headers: signed });
    assert.equal(elsewhere.status, 401, "a signature covers its path");

    // With the pairing key itself (read from the node's settings, as only the two machines hold it): what the front
    // node would send is taken, but not when it is old, nor with a body other than the one signed.
    const settings = JSON.parse(readFileSync(join(dir, "node", "fleet.json"), "utf8")) as { fleet: { front: { nodeId: string; secret: string } } };
    const { nodeId, secret } = settings.fleet.front;
    const body = Buffer.from(JSON.stringify({ model: "m", messages: [] }));
    const path = "/v1/chat/completions";
    const headers = (b: Buffer, at = Date.now()) => ({ "content-type": "application/json", ...signRequest(secret, nodeId, "POST", path, b, at) });
    const servedBefore = node.status().front!.requestsServed;
    const ok = await send(nodeUrl, { method: "POST", path, headers: headers(body), body });
    assert.equal(ok.status, 200, ok.body);
    assert.equal(inferenceAsked, 1);
    assert.equal(node.status().front!.requestsServed, servedBefore + 1, "an OpenAI request counts as served");
    await front.refresh();
    assert.equal(node.status().front!.requestsServed, servedBefore + 1, "a status query is not a request served");
    const stale = await send(nodeUrl, { method: "POST", path, headers: headers(body, Date.now() - 61_000), body });
    assert.equal(stale.status, 401);
    assert.match(stale.body, /stale/);
    const swapped = await send(nodeUrl, { method: "POST", path, headers: headers(body), body: Buffer.from(JSON.stringify({ model: "m", messages: [{ role: "user", content: "more" }] })) });
    assert.equal(swapped.status, 401);
    const otherNode = await send(nodeUrl, { method: "POST", path, headers: { ...headers(body), [FLEET_HEADERS.node]: "node-someone" }, body });
    assert.equal(otherNode.status, 401);
    const wrongKey = { "content-type": "application/json", ...signRequest("00".repeat(32), nodeId, "POST", path, body) };
    assert.equal((await send(nodeUrl, { method: "POST", path, headers: wrongKey, body })).status, 401);
    assert.equal(inferenceAsked, 1, "only the one request signed with the pairing key was served");
    const secrets = received.flatMap((r) => [JSON.stringify(r.headers), r.body.toString("utf8")]).join("\n");
    assert.ok(!secrets.includes(secret), "the pairing key never crossed the wire");
  });
});
