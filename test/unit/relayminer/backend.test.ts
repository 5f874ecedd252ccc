import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import type { ChatResult, InferenceStatus } from "../../../shared/api/index.js";
import { createOpenAiHandler, type OpenAiBackend } from "../../../electron/core/inference/openai/handler.js";
import { canonicalHeaderName } from "../../../electron/core/relayminer/backend/backend.js";
import { HttpBackend } from "../../../electron/core/relayminer/backend/http-backend.js";
import { buildUpstreamRequest, joinUrlPath } from "../../../electron/core/relayminer/backend/upstream-request.js";
import { TEST_SERVICE_ID } from "../../fixtures/relayminer/chain.js";
import { createHarness, type Handler, type Harness } from "../../fixtures/relayminer/harness.js";
import { RelayRequest } from "../../../electron/core/pokt/proto/service.js";
import { decodeReply, readStreamedReply, signedRelayRequest } from "../../fixtures/relayminer/relays.js";

const header = { applicationAddress: "pokt1app", serviceId: "llm", sessionId: "s", sessionStartBlockHeight: 1n, sessionEndBlockHeight: 10n };

test("paths are joined and cleaned like Go's path.Join", () => {
  assert.equal(joinUrlPath("/a/", "/b//c/"), "/a/b/c");
  assert.equal(joinUrlPath("", "/x"), "/x");
  assert.equal(joinUrlPath("/api", "/../x"), "/x");
  assert.equal(joinUrlPath("/", "/"), "/");
  assert.equal(joinUrlPath("/v1", "./chat/./completions"), "/v1/chat/completions");
});

test("the upstream request re-roots the gateway's URL on the backend and layers headers as §3.4 says", () => {
  const upstream = buildUpstreamRequest(
    {
      method: "POST",
      url: "https://rm.example.com/llm/v1/chat?z=1&a=2",
      header: new Map([
        ["Content-Type", { key: "Content-Type", values: ["application/json"] }],
        ["Authorization", { key: "Authorization", values: ["Bearer from-gateway"] }],
        ["X-Multi", { key: "X-Multi", values: ["one", "two"] }],
        ["Connection", { key: "Connection", values: ["close"] }],
      ]),
      bodyBz: new Uint8Array([1, 2, 3]),
    },
    {
      baseUrl: new URL("http://backend:8000/base?key=abc"),
      basicAuth: { username: "u", password: "p" },
      headers: { "x-api-key": "secret" },
      forwardPocketHeaders: true,
    },
    { header, operatorAddress: "pokt1op" },
  );
  assert.equal(upstream.method, "POST");
  assert.equal(upstream.path, "/base/llm/v1/chat?a=2&key=abc&z=1");
  assert.deepEqual(upstream.body, new Uint8Array([1, 2, 3]));
  const headers = Object.fromEntries(upstream.headers);
  assert.deepEqual(headers["Content-Type"], ["application/json"]);
  assert.deepEqual(headers["X-Multi"], ["one", "two"]);
  assert.deepEqual(headers["Authorization"], [`Basic ${Buffer.from("u:p").toString("base64")}`], "basic auth overrides the relay's header");
  assert.deepEqual(headers["x-api-key"], ["secret"]);
  assert.deepEqual(headers["Pocket-Supplier"], ["pokt1op"]);
  assert.deepEqual(headers["Pocket-Session-End-Height"], ["10"]);
  assert.equal(headers["Connection"], undefined, "hop-by-hop headers stay with the gateway's connection");
});

test("header names are canonicalised like Go's textproto", () => {
  assert.equal(canonicalHeaderName("content-type"), "Content-Type");
  assert.equal(canonicalHeaderName("X-REQUEST-id"), "X-Request-Id");
  assert.equal(canonicalHeaderName("bad header"), "bad header");
});

async function listen(handler: Handler): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function useHttpBackend(h: Harness, url: string, timeoutMs = 5000, maxBodyBytes = 1_000_000): void {
  h.routes.set(TEST_SERVICE_ID, {
    serviceId: TEST_SERVICE_ID,
    backend: new HttpBackend(new URL(url)),
    target: { baseUrl: new URL(url) },
    timeoutMs,
    maxBodyBytes,
  });
}

function relayBody(h: Harness, body = "{}"): Uint8Array {
  const sessionHeader = h.chain.sessionAt(h.app.address, TEST_SERVICE_ID, h.blocks.latest()!.height).header!;
  return signedRelayRequest({ header: sessionHeader, operatorAddress: h.operator.address, signer: h.app, body }).bytes;
}

test("an HTTP backend's status, headers (all values) and body pass through; non-2xx is not an error reply", async () => {
  const { server, url } = await listen((req, res) => {
    res.setHeader("set-cookie", ["a=1", "b=2"]);
    res.writeHead(404, { "content-type": "text/plain" });
    res.end(`no ${req.url}`);
  });
  const h = createHarness();
  try {
    useHttpBackend(h, url);
    const { response, http, bodyText } = decodeReply(await h.relay(relayBody(h)));
    assert.equal(response.relayMinerError, undefined);
    assert.equal(http!.statusCode, 404);
    assert.deepEqual(http!.header.get("Set-Cookie")?.values, ["a=1", "b=2"]);
    assert.deepEqual(http!.header.get("Content-Type")?.values, ["text/plain"]);
    assert.equal(bodyText, "no /v1/chat/completions");
    // Served and signed, but a 404 (no such route or model here) is the supplier's failure: not mined (docs/protocol.md §6.5).
    assert.equal([...h.trees.values()][0].minedRelays, 0, "a 404 relay is served, not mined");
    assert.equal(h.metrics.relaysDroppedTotal.get([TEST_SERVICE_ID, "backend_refused"]), 1);
    h.ledger.flush();
    assert.deepEqual(h.ledger.relays().map((r) => [r.httpStatus, r.mined]), [[404, false]]);
  } finally {
    h.close();
    server.close();
  }
});

test("backend failures: 5xx is served but not mined; timeout, oversize and unreachable get their error codes", async () => {
  let mode = "5xx";
  const { server, url } = await listen((_req, res) => {
    if (mode === "5xx") res.writeHead(503).end("busy");
    else if (mode === "big") res.writeHead(200).end("x".repeat(5000));
    // "slow": never answers
  });
  const h = createHarness();
  try {
    useHttpBackend(h, url, 300, 4096);
    const five = decodeReply(await h.relay(relayBody(h, '{"a":1}')));
    assert.equal(five.http?.statusCode, 503);
    assert.equal([...h.trees.values()][0].minedRelays, 0);
    assert.equal(h.metrics.relaysDroppedTotal.get([TEST_SERVICE_ID, "backend_error"]), 1);

    mode = "big";
    assert.equal(decodeReply(await h.relay(relayBody(h, '{"a":2}'))).response.relayMinerError?.code, 12);
    mode = "slow";
    const slow = decodeReply(await h.relay(relayBody(h, '{"a":3}'))).response.relayMinerError;
    assert.deepEqual([slow?.codespace, slow?.code], ["relayer_proxy", 10]);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const down = decodeReply(await h.relay(relayBody(h, '{"a":4}'))).response.relayMinerError;
    assert.deepEqual([down?.codespace, down?.code], ["relayer_proxy", 5]);
    assert.doesNotMatch(down!.message, /127\.0\.0\.1/, "backend addresses are not told to gateways");
    assert.equal([...h.trees.values()][0].minedRelays, 0);
    h.ledger.flush();
    const statuses = h.ledger.relays().map((r) => r.status);
    assert.deepEqual(statuses, ["backend_error", "relayer_proxy:12", "relayer_proxy:10", "relayer_proxy:5"]);
  } finally {
    h.close();
    server.close();
  }
});

class FakeEngine implements OpenAiBackend {
  signals: AbortSignal[] = [];
  constructor(private readonly gate?: Promise<void>) {}
  status(): InferenceStatus {
    const model = { path: "/m.gguf", name: "tiny", sizeBytes: 1, contextSize: 256, parallelSequences: 1, gpuLayers: 0, threads: 1, kvCacheBytes: 1024 };
    return { state: "ready", model, message: null, endpoint: null, activeRequests: 0, queuedRequests: 0, workerRestarts: 0 };
  }
  async chat(_request: unknown, onToken?: (delta: string) => void, options?: { signal?: AbortSignal }): Promise<ChatResult> {
    if (options?.signal) this.signals.push(options.signal);
    await this.gate;
    for (const token of ["Once", " upon", " a time"]) onToken?.(token);
    return { requestId: "r", text: "Once upon a time", stats: { promptTokens: 7, completionTokens: 3, timeToFirstTokenMs: 1, tokensPerSecond: 10, finishReason: "stop" } };
  }
  complete(request: unknown, onToken?: (delta: string) => void, options?: { signal?: AbortSignal }): Promise<ChatResult> {
    return this.chat(request, onToken, options);
  }
}

test("the in-process inference handler answers relays; stream:true comes back as signed batches of the SSE text", async () => {
  const engine = new FakeEngine();
  const h = createHarness({ handler: createOpenAiHandler(engine) });
  try {
    const chat = { model: "tiny", messages: [{ role: "user", content: "hi" }] };
    const whole = decodeReply(await h.relay(relayBody(h, JSON.stringify(chat))));
    assert.equal(whole.http?.statusCode, 200);
    assert.equal(JSON.parse(whole.bodyText!).choices[0].message.content, "Once upon a time");

    const request = relayBody(h, JSON.stringify({ ...chat, stream: true, stream_options: { include_usage: true } }));
    const reply = await h.reply(request);
    assert.equal(reply.streamed, true);
    assert.equal(reply.statusCode, 200);
    const headers = new Map(reply.headers);
    assert.match(headers.get("Content-Type")![0]!, /^text\/event-stream/);
    assert.deepEqual(headers.get("Connection"), ["close"]);
    assert.equal(headers.has("Content-Length"), false);
    const sessionHeader = RelayRequest.decode(request).meta.sessionHeader!;
    const streamed = readStreamedReply(reply.body, { header: sessionHeader, supplierPublicKey: h.operator.publicKey });
    assert.equal(streamed.statusCode, 200);
    assert.ok(streamed.batches >= 1);
    const events = streamed.events.map((e) => e.data);
    assert.equal(events.at(-1), "[DONE]");
    const deltas = events.slice(0, -1).map((e) => JSON.parse(e)).flatMap((c) => c.choices?.map((x: any) => x.delta?.content ?? "") ?? []);
    assert.equal(deltas.join(""), "Once upon a time");

    h.ledger.flush();
    const tokens = h.ledger.relays().map((r) => ({ tokensIn: r.tokensIn, tokensOut: r.tokensOut }));
    assert.deepEqual(tokens, [{ tokensIn: 7, tokensOut: 3 }, { tokensIn: 7, tokensOut: 3 }]);
    assert.equal([...h.trees.values()][0].minedRelays, 2, "the streamed relay is mined too");
  } finally {
    h.close();
  }
});

test("a relay that times out cancels its generation in the engine", async () => {
  let release!: () => void;
  const engine = new FakeEngine(new Promise<void>((resolve) => (release = resolve)));
  const h = createHarness({ handler: createOpenAiHandler(engine), timeoutMs: 200 });
  try {
    const reply = decodeReply(await h.relay(relayBody(h, JSON.stringify({ model: "tiny", messages: [{ role: "user", content: "hi" }] }))));
    assert.equal(reply.response.relayMinerError?.code, 10);
    assert.equal(engine.signals.length, 1);
    assert.equal(engine.signals[0].aborted, true, "the engine must see the relay's cancellation");
  } finally {
    release();
    h.close();
  }
});
