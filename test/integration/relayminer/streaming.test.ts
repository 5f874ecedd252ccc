// Streamed relays over real HTTP on loopback (docs/protocol.md §12): a gateway (the localnet's relay client, or a
// raw fetch) → the relay server → an SSE backend on the wire or node-llama-cpp with the tiny model. The outer reply
// keeps the backend's status and headers, is chunked and closed after use; the gateway verifies every batch; a
// generation far longer than the relay timeout completes as a stream and is mined, while the same request
// answered whole times out.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { bytesToHex } from "@noble/hashes/utils.js";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import { createOpenAiHandler, WorkerSupervisor } from "../../../electron/core/inference/index.js";
import { placeholderRingPublicKey } from "../../../electron/core/pokt/keys.js";
import { signResponseHash } from "../../../electron/core/pokt/response-signature.js";
import { RelayStreamReader, STREAM_BACKEND_ERROR_TRAILER, frameStreamBatch, streamBatchResponse } from "../../../electron/core/pokt/stream/index.js";
import { buildRelayRequest, sendRelay, type RelayTarget } from "../../../electron/core/localnet/traffic/relay-client.js";
import { HttpBackend } from "../../../electron/core/relayminer/backend/http-backend.js";
import type { RelayHandler, RelayOutcome } from "../../../electron/core/relayminer/relay-handler.js";
import { RelayServer } from "../../../electron/core/relayminer/relay-server.js";
import { TEST_SERVICE_ID } from "../../fixtures/relayminer/chain.js";
import { createHarness, type Harness, type HarnessOptions } from "../../fixtures/relayminer/harness.js";
import { testModelPath } from "../../fixtures/paths.js";

const encoder = new TextEncoder();
const asBody = (bytes: Uint8Array) => new Uint8Array(bytes) as Uint8Array<ArrayBuffer>;

interface Miner {
  h: Harness;
  server: RelayServer;
  target: RelayTarget;
  signer: { gatewayPrivateKey: Uint8Array; ringPublicKeys: Uint8Array[] };
  /** Resolves once `count` relays have been booked (their after-reply work done). */
  booked(count: number): Promise<void>;
  close(): Promise<void>;
}

async function startMiner(options: HarnessOptions & { backendUrl?: string } = {}): Promise<Miner> {
  const h = createHarness(options);
  if (options.backendUrl) {
    const route = h.routes.get(TEST_SERVICE_ID)!;
    h.routes.set(TEST_SERVICE_ID, { ...route, backend: new HttpBackend(new URL(options.backendUrl)), target: { baseUrl: new URL(options.backendUrl) } });
  }
  let bookedCount = 0;
  let waiters: Array<{ count: number; resolve(): void }> = [];
  const bookedOne = () => {
    bookedCount += 1;
    for (const waiter of waiters.filter((w) => w.count <= bookedCount)) waiter.resolve();
    waiters = waiters.filter((w) => w.count > bookedCount);
  };
  // The server's handler, with a note when each relay's books are written (a stream's after its last batch).
  const handler = {
    async handle(body: Uint8Array, signal?: AbortSignal): Promise<RelayOutcome> {
      const outcome = await h.handler.handle(body, signal);
      const afterReply = outcome.afterReply?.bind(outcome);
      return {
        ...outcome,
        afterReply: () => {
          try {
            afterReply?.();
          } finally {
            bookedOne();
          }
        },
      } as RelayOutcome;
    },
  };
  const server = new RelayServer({ host: "127.0.0.1", port: 0, maxBodyBytes: 1_000_000, handler: handler as RelayHandler, metrics: h.metrics, logger: silentLogger });
  await server.start();
  const header = h.chain.sessionAt(h.app.address, TEST_SERVICE_ID, h.blocks.latest()!.height).header!;
  return {
    h,
    server,
    target: { header, supplierOperatorAddress: h.operator.address, endpointUrl: server.url!, rpcType: 4, supplierPublicKey: h.operator.publicKey },
    signer: { gatewayPrivateKey: h.app.privateKey, ringPublicKeys: [h.app.publicKey, placeholderRingPublicKey()] },
    booked: (count) => (bookedCount >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve }))),
    async close() {
      await server.stop();
      h.close();
    },
  };
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => handler(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("over the wire", () => {
  test("the backend's status and headers, a chunked body closed after use, and the batches of the worked example", async () => {
    const clock = { ms: 0 };
    const steps: Array<() => void> = [];
    const step = () => new Promise<void>((resolve) => steps.push(resolve));
    const backend = await listen((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Model": "demo" });
      res.flushHeaders();
      // The demo backend's events, each released by the gateway once it holds the batch before it.
      void step()
        .then(() => {
          clock.ms = 200;
          res.write('data: {"sequence":1}\n\n');
          return step();
        })
        .then(() => {
          clock.ms = 400;
          res.write('data: {"sequence":2}\n\n');
          return step();
        })
        .then(() => res.end());
    });
    const miner = await startMiner({ backendUrl: backend.url, streamClock: () => clock.ms });
    try {
      const request = buildRelayRequest(miner.target, miner.signer, "/v1/chat/completions", encoder.encode('{"stream":true}'));
      const reply = await fetch(miner.server.url!, { method: "POST", body: asBody(request), headers: { "Rpc-Type": "4" } });
      assert.equal(reply.status, 200);
      assert.equal(reply.headers.get("content-type"), "text/event-stream");
      assert.equal(reply.headers.get("cache-control"), "no-cache");
      assert.equal(reply.headers.get("x-model"), "demo");
      assert.equal(reply.headers.get("connection"), "close");
      assert.equal(reply.headers.get("transfer-encoding"), "chunked");
      assert.equal(reply.headers.get("content-length"), null);

      const reader = new RelayStreamReader({ header: miner.target.header, supplierPublicKey: miner.h.operator.publicKey, mediaType: "text/event-stream" });
      const raw: Uint8Array[] = [];
      const bodies: string[] = [];
      const events: string[] = [];
      steps.shift()!(); // the headers arrived: the first event may go
      for await (const chunk of reply.body as unknown as AsyncIterable<Uint8Array>) {
        raw.push(chunk);
        const read = reader.push(chunk);
        bodies.push(...read.body.map((b) => new TextDecoder().decode(b)));
        events.push(...read.events.map((e) => e.data));
        for (let i = 0; i < read.batches; i++) steps.shift()?.();
      }
      reader.finish();
      assert.deepEqual(bodies, ['data: {"sequence":1}\n', '\ndata: {"sequence":2}\n', "\n"]);
      assert.deepEqual(events, ['{"sequence":1}', '{"sequence":2}']);
      const sign = (hash: Uint8Array) => signResponseHash(hash, miner.h.operator.privateKey);
      const expected = bodies.map((body) => frameStreamBatch(streamBatchResponse(miner.target.header, 200, encoder.encode(body), sign)));
      assert.equal(bytesToHex(Buffer.concat(raw)), bytesToHex(Buffer.concat(expected)), "the wire carries exactly the signed batches and delimiters");
      await miner.booked(1);
      assert.equal([...miner.h.trees.values()][0]!.minedRelays, 1);
    } finally {
      await miner.close();
      backend.server.close();
    }
  });

  test("a 5xx stream keeps its status and ends with the JSON tail; the gateway names the backend's error; nothing is mined", async () => {
    const backend = await listen((_req, res) => res.writeHead(503, { "Content-Type": "text/event-stream" }).end('data: {"error":"busy"}\n\n'));
    const miner = await startMiner({ backendUrl: backend.url });
    try {
      const raw = await fetch(miner.server.url!, { method: "POST", body: asBody(buildRelayRequest(miner.target, miner.signer, "/v1/chat/completions", encoder.encode("{}"))) });
      assert.equal(raw.status, 503);
      const body = new Uint8Array(await raw.arrayBuffer());
      assert.deepEqual(body.subarray(body.length - STREAM_BACKEND_ERROR_TRAILER.length), STREAM_BACKEND_ERROR_TRAILER);
      const outcome = await sendRelay(miner.target, miner.signer, "/v1/chat/completions", encoder.encode("{}"), 5_000);
      assert.deepEqual(outcome.ok ? "ok" : outcome.reason, "backend_503");
      await miner.booked(2);
      assert.equal([...miner.h.trees.values()][0]!.minedRelays, 0);
    } finally {
      await miner.close();
      backend.server.close();
    }
  });

  test("a gateway that hangs up mid-stream stops the backend; the relay is not mined", async () => {
    let backendClosed!: () => void;
    const closed = new Promise<void>((resolve) => (backendClosed = resolve));
    const backend = await listen((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/x-ndjson" });
      let n = 0;
      // The backend's own pace, until its client goes.
      const tick = setInterval(() => res.write(`{"n":${n++}}\n`), 20);
      res.on("close", () => {
        clearInterval(tick);
        backendClosed();
      });
    });
    const miner = await startMiner({ backendUrl: backend.url });
    try {
      const gateway = new AbortController();
      const reply = await fetch(miner.server.url!, { method: "POST", body: asBody(buildRelayRequest(miner.target, miner.signer, "/x", encoder.encode("{}"))), signal: gateway.signal });
      const reader = new RelayStreamReader({ header: miner.target.header, supplierPublicKey: miner.h.operator.publicKey, mediaType: "application/x-ndjson" });
      for await (const chunk of reply.body as unknown as AsyncIterable<Uint8Array>) {
        if (reader.push(chunk).batches > 0) break; // leaving the loop cancels the body
      }
      gateway.abort();
      await closed;
      await miner.booked(1);
      miner.h.ledger.flush();
      assert.deepEqual(miner.h.ledger.relays().map((r) => [r.status, r.mined]), [["relayer_proxy:5", false]]);
    } finally {
      await miner.close();
      backend.server.close();
    }
  });
});

describe("a long generation with the tiny model", () => {
  let inference: WorkerSupervisor;
  before(async () => {
    inference = new WorkerSupervisor({ logger: silentLogger });
    await inference.load({ modelPath: testModelPath(), contextSize: 2048, parallelSequences: 1 });
  });
  after(async () => {
    await inference?.dispose();
  });

  test("streams to the end long past the relay timeout, verified batch by batch, tokens recorded and mined; answered whole, it times out", { timeout: 120_000 }, async () => {
    const RELAY_TIMEOUT_MS = 1_000;
    const miner = await startMiner({ handler: createOpenAiHandler(inference), timeoutMs: RELAY_TIMEOUT_MS, streamTimeoutMs: 110_000, maxBodyBytes: 20_000_000 });
    try {
      const model = inference.status().model!.name;
      const ask = (stream: boolean) =>
        encoder.encode(JSON.stringify({ model, prompt: "Once upon a time", max_tokens: 2000, temperature: 0, stream, ...(stream ? { stream_options: { include_usage: true } } : {}) }));

      const whole = await sendRelay(miner.target, miner.signer, "/v1/completions", ask(false), 60_000);
      assert.equal(whole.ok, false);
      assert.equal(!whole.ok && whole.reason, "relay_miner_error_relayer_proxy_10", "the whole answer cannot be ready within the relay timeout");

      let pieces = 0;
      const streamed = await sendRelay(miner.target, miner.signer, "/v1/completions", ask(true), RELAY_TIMEOUT_MS, { streamTimeoutMs: 110_000, onText: () => void pieces++ });
      assert.ok(streamed.ok, streamed.ok ? "" : `${streamed.reason}: ${streamed.detail}`);
      const answer = streamed.stream!;
      assert.equal(answer.usage?.completionTokens, 2000);
      assert.ok(answer.batches > 1, "the answer came in several signed batches");
      assert.ok(pieces > 1 && answer.text.length > 0, "the text arrived piece by piece");
      assert.ok(answer.firstTokenMs !== null && answer.firstTokenMs < streamed.latencyMs);
      assert.ok(streamed.latencyMs > RELAY_TIMEOUT_MS, `the stream lasted ${streamed.latencyMs} ms`);

      await miner.booked(2);
      miner.h.ledger.flush();
      const [timedOut, done] = miner.h.ledger.relays();
      assert.deepEqual([timedOut!.status, timedOut!.mined], ["relayer_proxy:10", false]);
      assert.deepEqual([done!.status, done!.mined, done!.tokensOut], ["ok", true, 2000]);
      assert.equal([...miner.h.trees.values()][0]!.minedRelays, 1);
    } finally {
      await miner.close();
    }
  });
});
