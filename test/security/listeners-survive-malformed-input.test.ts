// An attacker's junk against every listener the engine opens, on loopback: 10,000 malformed HTTP requests each
// (broken request lines, headers, encodings, bodies, escapes), and malformed WebSocket frames (opcodes, RSV bits,
// sizes, masks, UTF-8) where the listener speaks WebSocket. None may stop the process, and afterwards a valid
// request to each must succeed.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import WebSocket from "ws";
import { HeadlessServer } from "../../electron/core/app/headless-server.js";
import { createAppHandlers } from "../../electron/core/app/handlers/app-handlers.js";
import { OpenAiServer, WorkerSupervisor } from "../../electron/core/inference/index.js";
import { localnetGenesis } from "../../electron/core/localnet/config.js";
import { Localnet } from "../../electron/core/localnet/localnet.js";
import { loadOrCreateDashboardTls } from "../../electron/core/app/dashboard-tls.js";
import { FleetService } from "../../electron/core/fleet/fleet-service.js";
import { createOpenAiHandler } from "../../electron/core/inference/index.js";
import { ModelService } from "../../electron/core/models/model-service.js";
import { PeerGateway } from "../../electron/core/models/sharing/peer-gateway.js";
import { MetricsServer } from "../../electron/core/relayminer/metrics-server.js";
import { RelayServer } from "../../electron/core/relayminer/relay-server.js";
import { ApiRouter, type ApiHandlers } from "../../electron/core/runtime/api-router.js";
import { EventBus } from "../../electron/core/runtime/events.js";
import { LogSink } from "../../electron/core/runtime/logger.js";
import { WS_PATH, type HardwareInfo, type ServerFrame } from "../../shared/api/index.js";
import { testModelPath } from "../fixtures/paths.js";
import { TEST_SERVICE_ID } from "../fixtures/relayminer/chain.js";
import { createHarness } from "../fixtures/relayminer/harness.js";
import { decodeReply, signedRelayRequest } from "../fixtures/relayminer/relays.js";
import {
  BAD_ORIGINS,
  malformedHttpRequest,
  malformedWebSocketFrame,
  prng,
  runBounded,
  sendRaw,
  webSocketHandshake,
} from "../fixtures/security/malformed-input.js";

const HTTP_INPUTS = 10_000;
const WEBSOCKET_INPUTS = 2_000;
const CONCURRENCY = 48;
const TIMEOUT = { timeout: 600_000 };

/** Anything that escaped every handler during the test (the test runner would otherwise only see a crash). */
const escaped: unknown[] = [];
const recordEscape = (error: unknown) => escaped.push(error);

async function fuzzHttp(port: number, seed: number, options: { tls?: boolean; count?: number } = {}): Promise<void> {
  const random = prng(seed);
  // The listener's own Host, so that the junk reaches the parsers behind the Host check (421 would stop it first).
  const requests = Array.from({ length: options.count ?? HTTP_INPUTS }, () => malformedHttpRequest(random, `127.0.0.1:${port}`));
  await runBounded(requests.length, CONCURRENCY, async (i) => void (await sendRaw(port, [requests[i]!], 1_000, { tls: options.tls })));
}

async function fuzzWebSocket(port: number, path: string, seed: number): Promise<void> {
  const random = prng(seed);
  await runBounded(WEBSOCKET_INPUTS, CONCURRENCY, async () => {
    const frames = Array.from({ length: 1 + Math.floor(random() * 3) }, () => malformedWebSocketFrame(random));
    // Most handshakes are acceptable so the frames reach the parser; some carry a malformed or foreign Origin.
    const origin = random() < 0.2 ? { Origin: BAD_ORIGINS[Math.floor(random() * BAD_ORIGINS.length)]! } : undefined;
    await sendRaw(port, [webSocketHandshake(path, `127.0.0.1:${port}`, origin), ...frames], 1_000);
  });
}

/** A listener that cannot shut down kept a fuzzed connection open (a leak an attacker can repeat). */
async function closes(stop: Promise<unknown>, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not shut down within 15 s: a fuzzed connection stayed open`)), 15_000);
  });
  try {
    await Promise.race([stop, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

describe("every listener survives malformed input and then serves a valid request", TIMEOUT, () => {
  const dir = mkdtempSync(join(tmpdir(), "pf-security-"));
  const logs = new LogSink({ dir: null });
  before(() => {
    process.on("uncaughtException", recordEscape);
    process.on("unhandledRejection", recordEscape);
  });
  after(() => {
    process.off("uncaughtException", recordEscape);
    process.off("unhandledRejection", recordEscape);
    rmSync(dir, { recursive: true, force: true });
  });

  test("dashboard: static files and the WebSocket API", TIMEOUT, async () => {
    const rendererDir = join(dir, "renderer");
    mkdirSync(rendererDir, { recursive: true });
    writeFileSync(join(rendererDir, "index.html"), "<!doctype html><title>PocketForge</title>");
    const handlers = createAppHandlers({
      info: () => ({ name: "PocketForge", version: "1.0.0", apiVersion: 1, platform: "linux", arch: "x64", dataDir: dir, network: "localnet", startedAt: 1 }),
      logs,
    }) as unknown as ApiHandlers; // the valid call below uses app.info only
    const server = new HeadlessServer({
      host: "127.0.0.1",
      port: 0,
      dataDir: dir,
      rendererDir,
      router: new ApiRouter(handlers, logs.logger()),
      events: new EventBus(),
      logger: logs.logger("dashboard"),
    });
    await server.start();
    try {
      const port = portOf(server.url);
      await fuzzHttp(port, 1);
      await fuzzWebSocket(port, WS_PATH, 2);
      assert.deepEqual(escaped, []);
      const page = await fetch(server.url);
      assert.equal(page.status, 200);
      const ws = new WebSocket(`ws://127.0.0.1:${port}${WS_PATH}?token=${server.token.value}`);
      const info = await new Promise<ServerFrame>((resolve, reject) => {
        ws.on("error", reject);
        ws.on("message", (data) => {
          const frame = JSON.parse(String(data)) as ServerFrame;
          if (frame.type === "hello") ws.send(JSON.stringify({ type: "call", id: 1, method: "app.info", params: {} }));
          else resolve(frame);
        });
      });
      ws.close();
      assert.equal(info.type, "result");
    } finally {
      await closes(server.dispose(), "the dashboard");
    }
  });

  test("OpenAI-compatible endpoint", TIMEOUT, async () => {
    const supervisor = new WorkerSupervisor({ logger: logs.logger("inference") });
    const server = new OpenAiServer({ backend: supervisor, logger: logs.logger("openai"), host: "127.0.0.1", port: 0 });
    await server.start();
    try {
      await fuzzHttp(server.boundPort!, 3);
      assert.deepEqual(escaped, []);
      const models = await fetch(`${server.baseUrl}/models`);
      assert.equal(models.status, 200);
      assert.deepEqual(await models.json(), { object: "list", data: [] });
    } finally {
      await closes(server.dispose(), "the OpenAI endpoint");
      await supervisor.dispose();
    }
  });

  test("relay miner", TIMEOUT, async () => {
    const h = createHarness();
    const server = new RelayServer({ host: "127.0.0.1", port: 0, maxBodyBytes: 1_000_000, handler: h.handler, metrics: h.metrics, logger: logs.logger("relay") });
    await server.start();
    try {
      await fuzzHttp(server.address!.port, 4);
      assert.deepEqual(escaped, []);
      const header = h.chain.sessionAt(h.app.address, TEST_SERVICE_ID, 5n).header!;
      const { bytes } = signedRelayRequest({ header, operatorAddress: h.operator.address, signer: h.app, body: '{"valid":true}' });
      const reply = await fetch(server.url!, { method: "POST", body: Buffer.from(bytes) });
      assert.equal(reply.status, 200);
      const decoded = decodeReply(new Uint8Array(await reply.arrayBuffer()));
      assert.equal(decoded.response.relayMinerError, undefined, JSON.stringify(decoded.response.relayMinerError));
      assert.match(decoded.bodyText!, /valid/);
    } finally {
      await closes(server.stop(), "the relay miner");
      h.close();
    }
  });

  test("relay miner metrics", TIMEOUT, async () => {
    const server = new MetricsServer({ host: "127.0.0.1", port: 0, render: () => "# HELP up 1\nup 1\n" });
    await server.start();
    try {
      const port = portOf(server.url!);
      await fuzzHttp(port, 5);
      assert.deepEqual(escaped, []);
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(metrics.status, 200);
    } finally {
      await closes(server.stop(), "the metrics server");
    }
  });

  test("LAN model gateway", TIMEOUT, async () => {
    const models = new ModelService({ dataDir: join(dir, "models"), logger: logs.logger("models"), emit: () => {}, hardware: { getInfo: async () => ({}) as HardwareInfo } });
    await models.start();
    const installed = await models.import(testModelPath(), null);
    const gateway = new PeerGateway({ library: models, logger: logs.logger("gateway"), id: "fuzz", name: "fuzz", perPeerRequestsPerSecond: 1_000_000, uploadBytesPerSecond: null });
    const { port } = await gateway.start("127.0.0.1", 0);
    try {
      await fuzzHttp(port, 8);
      assert.deepEqual(escaped, []);
      const block = await fetch(`http://127.0.0.1:${port}/ipfs/${installed.cid}?format=raw`);
      assert.equal(block.status, 200);
      const car = await fetch(`http://127.0.0.1:${port}/ipfs/${installed.cid}?format=car`);
      assert.equal(car.status, 200);
      assert.ok((await car.arrayBuffer()).byteLength > installed.sizeBytes);
    } finally {
      await closes(gateway.stop(), "the LAN model gateway");
      await models.dispose();
    }
  });

  test("localnet RPC (HTTP and WebSocket)", TIMEOUT, async () => {
    const localnet = new Localnet({ dataDir: join(dir, "localnet"), blockTimeMs: 0, genesis: localnetGenesis({}) });
    await localnet.start();
    try {
      const port = portOf(localnet.rpcUrl);
      await fuzzHttp(port, 6);
      await fuzzWebSocket(port, "/websocket", 7);
      assert.deepEqual(escaped, []);
      const status = await fetch(`${localnet.rpcUrl}/status`);
      assert.equal(status.status, 200);
      assert.equal((await status.json()).result.node_info.network, localnet.chain.chainId);
    } finally {
      await closes(localnet.dispose(), "the localnet RPC");
    }
  });
  test("fleet listener: a front node's join endpoint and an inference node's signed requests (HTTPS)", TIMEOUT, async () => {
    const fleet = (name: string) => {
      const dataDir = join(dir, `fleet-${name}`);
      mkdirSync(dataDir, { recursive: true });
      const supervisor = new WorkerSupervisor({ logger: logs.logger("inference") });
      return new FleetService({
        dataDir,
        logger: logs.logger(`fleet-${name}`),
        name,
        tls: () => loadOrCreateDashboardTls(dataDir),
        localHandler: () => createOpenAiHandler(supervisor),
        localReport: () => ({ name, kind: "local", state: "idle", models: [], capacity: 0, active: 0, queued: 0, gpus: [], tokensPerSecond: null }),
        emit: () => {},
        confirmOpening: async () => {},
        pollIntervalMs: 3_600_000,
      });
    };
    const front = fleet("front");
    const node = fleet("node");
    await front.start();
    await node.start();
    try {
      await front.configure({ role: "front", listen: { host: "127.0.0.1", port: 0 } });
      await node.configure({ role: "node", listen: { host: "127.0.0.1", port: 0 } });
      const frontPort = portOf(front.status().listenUrl!);
      const nodePort = portOf(node.status().listenUrl!);
      // A TLS handshake costs far more than a plain request: fewer inputs, each through TLS to the HTTP parser,
      // plus plain-TCP junk against the handshake itself.
      await front.createPairing();
      await fuzzHttp(frontPort, 7, { tls: true, count: 2_000 });
      await fuzzHttp(frontPort, 8, { count: 2_000 });
      await fuzzHttp(nodePort, 9, { tls: true, count: 2_000 });
      await fuzzHttp(nodePort, 10, { count: 2_000 });
      assert.deepEqual(escaped, []);
      // Then the valid exchange: a node joins with the code, and the front node's signed status query reaches it.
      const pairing = await front.createPairing();
      await node.join(pairing.frontUrl, pairing.code);
      await front.refresh();
      const joined = front.status().nodes.find((n) => n.name === "node");
      assert.equal(joined?.state, "healthy", JSON.stringify(front.status().nodes));
    } finally {
      await closes(Promise.all([front.dispose(), node.dispose()]), "the fleet listeners");
    }
  });
});
