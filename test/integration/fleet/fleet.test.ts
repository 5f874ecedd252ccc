// A fleet on loopback: a front node and two inference nodes, each a whole engine (createCore) with its own data folder,
// plus a wire-level stub of vLLM. Real signed relays go through the relay pipeline into the front node's router; the
// inference nodes run the tiny model in node-llama-cpp.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createCore, type Core } from "../../../electron/core/app/create-core.js";
import type { ReceivedRequest } from "../../../electron/core/fleet/fleet-service.js";
import { parseResult, type MethodName, type MethodParams } from "../../../shared/api/index.js";
import { TEST_SERVICE_ID } from "../../fixtures/relayminer/chain.js";
import { createHarness, type Harness } from "../../fixtures/relayminer/harness.js";
import { decodeReply, signedRelayRequest } from "../../fixtures/relayminer/relays.js";
import { startStubOpenAi, type StubOpenAi } from "../../fixtures/fleet/stub-openai.js";
import { testModelPath } from "../../fixtures/paths.js";

const MODEL = "stories260K";
const dirs: string[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function engine(name: string, options: { dataDir?: string; model: boolean; onReceived?: (r: ReceivedRequest) => void }): Core {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), `pf-fleet-${name}-`));
  if (!options.dataDir) dirs.push(dataDir);
  return createCore({
    dataDir,
    version: "0.0.0-test",
    probeCompute: async () => ({ backend: "cpu", deviceNames: [], vramTotalBytes: null }),
    telemetryIntervalMs: 3_600_000,
    fleet: { name, pollIntervalMs: 3_600_000, firstByteTimeoutMs: 20_000, onReceived: options.onReceived },
    overrides: (config) => {
      config.network = "beta";
      config.openAi.port = 0;
      config.relayMiner.listen.port = 0;
      config.relayMiner.metrics.port = 0;
      config.inference.modelPath = options.model ? testModelPath() : null;
      config.inference.contextSize = 1024;
      config.inference.parallelSequences = 2;
    },
  });
}

const call = async <M extends MethodName>(core: Core, method: M, params: MethodParams<M>) =>
  parseResult(method, await core.router.call(method, params, { transport: "internal" }));

describe("fleet: a front node, two inference nodes and a vLLM stand-in", { timeout: 300_000 }, () => {
  let front: Core;
  let nodeA: Core;
  let nodeB: Core;
  let stub: StubOpenAi;
  let harness: Harness;
  let nodeADir: string;
  let portA: number;
  const received: Array<ReceivedRequest & { node: string }> = [];
  const firstOn = new Map<string, () => void>();
  const onReceived = (node: string) => (r: ReceivedRequest) => {
    received.push({ ...r, node });
    if (r.path.startsWith("/v1/")) firstOn.get(node)?.();
  };
  const operatorKey = randomBytes(32).toString("hex");

  before(async () => {
    stub = await startStubOpenAi({ model: MODEL, apiKey: "vllm-secret-key" });
    front = engine("front", { model: false });
    nodeADir = mkdtempSync(join(tmpdir(), "pf-fleet-nodeA-"));
    dirs.push(nodeADir);
    nodeA = engine("nodeA", { dataDir: nodeADir, model: true, onReceived: onReceived("nodeA") });
    nodeB = engine("nodeB", { model: true, onReceived: onReceived("nodeB") });
    await Promise.all([front.start(), nodeA.start(), nodeB.start()]);
    // The front node holds the operator key.
    await call(front, "wallet.import", { source: { type: "private_key", privateKeyHex: operatorKey }, label: "operator", passphrase: "front passphrase" });
    await call(front, "fleet.configure", { role: "front", listen: { host: "127.0.0.1", port: 0 } });
    portA = await freePort();
    await call(nodeA, "fleet.configure", { role: "node", listen: { host: "127.0.0.1", port: portA } });
    await call(nodeB, "fleet.configure", { role: "node", listen: { host: "127.0.0.1", port: 0 } });
    harness = createHarness({ handler: front.relayHandler(), timeoutMs: 60_000 });
  });

  after(async () => {
    harness?.close();
    await Promise.all([front, nodeA, nodeB].map((core) => core?.dispose()));
    await stub?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const relay = async (body: object): Promise<{ status: number; text: string }> => {
    const header = harness.chain.sessionAt(harness.app.address, TEST_SERVICE_ID, harness.blocks.latest()!.height).header!;
    const bytes = signedRelayRequest({ header, operatorAddress: harness.operator.address, signer: harness.app, body: JSON.stringify(body) }).bytes;
    const reply = decodeReply(await harness.relay(bytes));
    assert.equal(reply.response.relayMinerError, undefined, "the relay miner answered the relay");
    return { status: reply.http!.statusCode, text: reply.bodyText! };
  };
  const chat = (maxTokens: number) => ({ model: MODEL, messages: [{ role: "user", content: "Tell me a story" }], max_tokens: maxTokens, temperature: 0 });
  const nodesByName = async () => Object.fromEntries((await call(front, "fleet.status", {})).nodes.map((n) => [n.name, n]));

  test("pairing refuses a wrong code, then pairs each node with its own code", async () => {
    const pairing = await call(front, "fleet.createPairing", {});
    assert.match(pairing.code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const wrong = pairing.code.startsWith("0") ? `1${pairing.code.slice(1)}` : `0${pairing.code.slice(1)}`;
    await assert.rejects(call(nodeA, "fleet.join", { frontUrl: pairing.frontUrl, code: wrong }), (error: { code?: string }) => error.code === "unauthorized");
    assert.equal((await call(front, "fleet.status", {})).nodes.filter((n) => n.kind === "pocketforge").length, 0, "no node joined with a wrong code");
    assert.equal((await call(nodeA, "fleet.status", {})).front, null);

    const joinedA = await call(nodeA, "fleet.join", { frontUrl: pairing.frontUrl, code: pairing.code.toLowerCase() });
    assert.equal(joinedA.front?.name, "front");
    assert.equal(joinedA.front?.fingerprint, pairing.fingerprint, "the node pinned the front node's certificate");
    // A code works once.
    await assert.rejects(call(nodeB, "fleet.join", { frontUrl: pairing.frontUrl, code: pairing.code }));
    const second = await call(front, "fleet.createPairing", {});
    await call(nodeB, "fleet.join", { frontUrl: second.frontUrl, code: second.code });
    await call(front, "fleet.addServer", { url: stub.url, name: "vllm", apiKey: "vllm-secret-key", maxConcurrency: 2 });
    await assert.rejects(
      call(front, "fleet.addServer", { url: stub.url, name: "again" }),
      (error: { code?: string; message?: string }) => error.code === "conflict" && /already in this fleet as "vllm"/.test(error.message ?? ""),
      "the same server is not added twice",
    );
    await front.fleet.refresh();
    const nodes = await nodesByName();
    for (const name of ["nodeA", "nodeB", "vllm"]) {
      assert.equal(nodes[name]?.state, "healthy", `${name} is healthy`);
      assert.deepEqual(nodes[name]?.models, [MODEL]);
    }
    assert.equal(nodes.nodeA!.capacity, 2, "capacity is what the node reports (its parallel sequences)");
    assert.equal(nodes["front (this machine)"]?.engine, "idle", "the front node's own engine has no model and takes nothing");
  });

  test("an inference node refuses requests not signed by its front node", async () => {
    const status = await call(nodeB, "fleet.status", {});
    const url = status.listenUrl!;
    const { request } = await import("node:https");
    const code = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/v1/chat/completions`, { method: "POST", rejectUnauthorized: false, headers: { "content-type": "application/json" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end(JSON.stringify(chat(4)));
    });
    assert.equal(code, 401);
  });

  test("relays are balanced across the nodes", async () => {
    const replies = await Promise.all(Array.from({ length: 12 }, () => relay(chat(8))));
    for (const reply of replies) assert.equal(reply.status, 200, reply.text);
    const nodes = await nodesByName();
    for (const name of ["nodeA", "nodeB", "vllm"]) assert.ok(nodes[name]!.relays > 0, `${name} served relays: ${JSON.stringify(nodes)}`);
    assert.equal(nodes.nodeA!.relays + nodes.nodeB!.relays + nodes.vllm!.relays, 12);
    const shares = nodes.nodeA!.relayShare + nodes.nodeB!.relayShare + nodes.vllm!.relayShare;
    assert.ok(Math.abs(shares - 1) < 1e-9);
  });

  test("a node killed mid-load loses no relay that had not started streaming", async () => {
    const startedOnA = new Promise<void>((resolve) => firstOn.set("nodeA", resolve));
    const inFlight = Promise.all(Array.from({ length: 10 }, () => relay(chat(64))));
    await startedOnA;
    await nodeA.dispose();
    const replies = await inFlight;
    for (const reply of replies) assert.equal(reply.status, 200, reply.text);
    const nodes = await nodesByName();
    assert.equal(nodes.nodeA!.state, "down");
    assert.ok(nodes.nodeA!.errors > 0, "the killed node's failures are counted");
  });

  test("a node that comes back is used again", async () => {
    nodeA = engine("nodeA", { dataDir: nodeADir, model: true, onReceived: onReceived("nodeA") });
    await nodeA.start();
    assert.equal((await call(nodeA, "fleet.status", {})).front?.name, "front", "the node remembers the front node it serves");
    await front.fleet.refresh();
    const before = (await nodesByName()).nodeA!;
    assert.equal(before.state, "healthy");
    const replies = await Promise.all(Array.from({ length: 6 }, () => relay(chat(4))));
    for (const reply of replies) assert.equal(reply.status, 200, reply.text);
    assert.ok((await nodesByName()).nodeA!.relays > before.relays, "nodeA serves relays again");
  });

  test("a local OpenAI request streams through the front node", async () => {
    const endpoint = (await call(front, "inference.status", {})).endpoint!;
    const response = await fetch(`${endpoint}/chat/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...chat(16), stream: true }),
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
    const text = await response.text();
    const events = text.split("\n\n").filter((e) => e.startsWith("data: "));
    assert.ok(events.length >= 3, text);
    assert.equal(events.at(-1), "data: [DONE]");
  });

  test("a request for a model no node serves is refused, not guessed", async () => {
    const reply = await relay({ ...chat(4), model: "no-such-model" });
    assert.equal(reply.status, 404);
    assert.match(reply.text, /model_not_found/);
  });

  test("an inference node never receives a key", () => {
    assert.ok(received.length > 0);
    const everything = received.map((r) => `${r.method} ${r.path}\n${JSON.stringify(r.headers)}\n${r.body.toString("utf8")}`).join("\n").toLowerCase();
    assert.ok(!everything.includes(operatorKey), "the operator key never reaches a node");
    assert.ok(!everything.includes("vllm-secret-key"), "another node's API key never reaches a node");
    for (const word of ["private", "mnemonic", "passphrase", "authorization", "cookie", "keystore"]) assert.ok(!everything.includes(word), `nothing named ${word} reaches a node`);
    for (const r of received) assert.ok(r.path === "/fleet/v1/status" || r.path.startsWith("/v1/"), `only OpenAI requests and status queries: ${r.path}`);
    // The vLLM stand-in got its own key, and nothing else of the front node's.
    assert.ok(stub.received.every((r) => r.headers.authorization === "Bearer vllm-secret-key"));
  });
});
