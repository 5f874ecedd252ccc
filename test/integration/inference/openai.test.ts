import assert from "node:assert/strict";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import type { ChatResult } from "../../../shared/api/index.js";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import {
  createOpenAiHandler,
  InferencePool,
  WorkerSupervisor,
  OpenAiServer,
  type OpenAiBackend,
  type RequestHandler,
} from "../../../electron/core/inference/index.js";
import { testModelPath } from "../../fixtures/paths.js";

const MODEL = "stories260K";
const STORY_START = ", there was a little girl named Lily. She loved to play outside in the park.";
const LONG = 900;
const BODY_LIMIT = 64 * 1024;

describe("OpenAI-compatible endpoint", { timeout: 120_000 }, () => {
  // One sequence and a one-place queue, so "busy" and "full" are easy to reach and to observe.
  const service = new WorkerSupervisor({ logger: silentLogger, queueLimit: 1, restart: { initialDelayMs: 20 } });
  const server = new OpenAiServer({ backend: service, logger: silentLogger, port: 0, maxBodyBytes: BODY_LIMIT });
  let baseURL = "";
  let client: OpenAI;

  before(async () => {
    await service.start();
    await service.load({ modelPath: testModelPath(), contextSize: 1024, parallelSequences: 1, threads: 1 });
    await server.start();
    baseURL = server.baseUrl!;
    // Retries would hide the statuses under test.
    client = new OpenAI({ baseURL, apiKey: "not-checked", maxRetries: 0 });
  });
  after(async () => {
    await server.dispose();
    await service.dispose();
  });

  it("reports a loopback base URL on the bound port", () => {
    assert.match(baseURL, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    assert.notEqual(server.boundPort, 0);
  });

  it("lists and retrieves the loaded model", async () => {
    const models: OpenAI.Model[] = [];
    for await (const model of client.models.list()) models.push(model);
    assert.deepEqual(models.map((m) => [m.id, m.object, m.owned_by]), [[MODEL, "model", "pocketforge"]]);
    const one = await client.models.retrieve(MODEL);
    assert.equal(one.id, MODEL);
    await assert.rejects(client.models.retrieve("gpt-4o"), (e) => e instanceof OpenAI.NotFoundError);
  });

  it("answers a chat completion, then streams the same answer chunk by chunk", async () => {
    const messages = [{ role: "user" as const, content: "Tell me a story about a cat" }];
    const whole = await client.chat.completions.create({ model: MODEL, messages, max_tokens: 16, temperature: 0 });
    assert.equal(whole.object, "chat.completion");
    assert.match(whole.id, /^chatcmpl-/);
    assert.equal(whole.model, MODEL);
    const choice = whole.choices[0]!;
    assert.equal(choice.message.role, "assistant");
    assert.ok(choice.message.content!.length > 0);
    assert.equal(choice.finish_reason, "length");
    assert.equal(whole.usage!.completion_tokens, 16);
    assert.ok(whole.usage!.prompt_tokens > 5);
    assert.equal(whole.usage!.total_tokens, whole.usage!.prompt_tokens + 16);

    const stream = await client.chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 16,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.deepEqual(chunks[0]!.choices[0]!.delta, { role: "assistant", content: "" });
    const contentChunks = chunks.filter((c) => c.choices[0]?.delta.content);
    assert.equal(contentChunks.map((c) => c.choices[0]!.delta.content).join(""), choice.message.content);
    assert.ok(contentChunks.length >= 2, "the first token goes out alone, ahead of the rest");
    const finals = chunks.filter((c) => c.choices[0]?.finish_reason);
    assert.equal(finals.length, 1);
    assert.equal(finals[0]!.choices[0]!.finish_reason, "length");
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.deepEqual(last.usage, whole.usage);
    assert.ok(chunks.every((c) => c.id === chunks[0]!.id && c.object === "chat.completion.chunk"));
  });

  it("completes text deterministically, streamed or not", async () => {
    const whole = await client.completions.create({ model: MODEL, prompt: "Once upon a time", max_tokens: 30, temperature: 0 });
    assert.equal(whole.object, "text_completion");
    assert.ok(whole.choices[0]!.text.startsWith(STORY_START), whole.choices[0]!.text);
    assert.equal(whole.choices[0]!.finish_reason, "length");
    assert.deepEqual(whole.usage, { prompt_tokens: 7, completion_tokens: 30, total_tokens: 37 });

    const stream = await client.completions.create({ model: MODEL, prompt: "Once upon a time", max_tokens: 30, temperature: 0, stream: true });
    let text = "";
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(text, whole.choices[0]!.text);
    assert.equal(finish, "length");
  });

  it("honours stop sequences and echo", async () => {
    const stopped = await client.completions.create({ model: MODEL, prompt: "Once upon a time", max_tokens: 60, temperature: 0, stop: ["Lily"], echo: true });
    assert.equal(stopped.choices[0]!.text, "Once upon a time, there was a little girl named");
    assert.equal(stopped.choices[0]!.finish_reason, "stop");
  });

  it("samples by the seed at a high temperature: same seed, same reply; another seed, another reply", async () => {
    const ask = async (seed?: number) =>
      (await client.completions.create({ model: MODEL, prompt: "Once upon a time", max_tokens: 24, temperature: 1.5, top_p: 0.95, seed }))
        .choices[0]!.text;
    const [a, b, c] = [await ask(42), await ask(42), await ask(43)];
    assert.equal(a, b);
    assert.notEqual(a, c);
  });

  it("streams server-sent events byte for byte as OpenAI does", async () => {
    const response = await fetch(`${baseURL}/chat/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "hi" }], max_tokens: 5, temperature: 0, stream: true }),
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type")!, /^text\/event-stream/);
    const raw = await response.text();
    assert.ok(raw.endsWith("\n\ndata: [DONE]\n\n"));
    const events = raw.split("\n\n").filter(Boolean);
    assert.ok(events.every((event) => /^data: /.test(event) && !event.includes("\n")));
    const payloads = events.slice(0, -1).map((event) => JSON.parse(event.slice("data: ".length)));
    assert.equal(payloads[0].choices[0].delta.role, "assistant");
    assert.equal(payloads.at(-1).choices[0].finish_reason, "length");
    assert.ok(payloads.every((p) => !("usage" in p)), "no usage without stream_options.include_usage");
  });

  describe("errors in OpenAI's shape", () => {
    const post = (path: string, body: string) =>
      fetch(`${baseURL}${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body });

    it("400 for malformed JSON", async () => {
      const response = await post("/chat/completions", '{"model": "stories260K", "messages": [');
      assert.equal(response.status, 400);
      const { error } = await response.json();
      assert.deepEqual(Object.keys(error).sort(), ["code", "message", "param", "type"]);
      assert.equal(error.type, "invalid_request_error");
      assert.match(error.message, /parse the JSON body/);
    });

    it("400 naming the bad parameter", async () => {
      const response = await post("/chat/completions", JSON.stringify({ model: MODEL, messages: [{ role: "tool", content: "x" }] }));
      assert.equal(response.status, 400);
      const { error } = await response.json();
      assert.equal(error.param, "messages.0.role");
    });

    it("404 for an unknown model", async () => {
      const response = await post("/chat/completions", JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] }));
      assert.equal(response.status, 404);
      const { error } = await response.json();
      assert.deepEqual([error.code, error.param], ["model_not_found", "model"]);
    });

    it("413 for a body over the limit", async () => {
      const big = JSON.stringify({ model: MODEL, prompt: "x".repeat(BODY_LIMIT + 1) });
      const { status, body } = await rawPost(`${baseURL}/completions`, big);
      assert.equal(status, 413);
      assert.equal(JSON.parse(body).error.code, "request_too_large");
    });

    it("404 for an unknown route and 405 for a wrong method", async () => {
      const unknown = await fetch(`${baseURL}/engines`);
      assert.equal(unknown.status, 404);
      assert.match((await unknown.json()).error.message, /Invalid URL \(GET \/v1\/engines\)/);
      const wrong = await fetch(`${baseURL}/chat/completions`);
      assert.equal(wrong.status, 405);
      assert.equal(wrong.headers.get("allow"), "POST");
      assert.equal((await wrong.json()).error.code, "method_not_allowed");
    });

    it("503 while no model is loaded", async () => {
      const idle = new WorkerSupervisor({ logger: silentLogger });
      await withServer(createOpenAiHandler(idle), async (url) => {
        const response = await fetch(`${url}/v1/completions`, { method: "POST", body: JSON.stringify({ model: MODEL, prompt: "x" }) });
        assert.equal(response.status, 503);
        assert.equal((await response.json()).error.code, "model_not_loaded");
        const health = await fetch(`${url}/health`);
        assert.equal(health.status, 503);
        assert.equal((await health.json()).status, "idle");
      });
      await idle.dispose();
      const health = await fetch(`${baseURL.replace(/\/v1$/, "")}/health`);
      assert.deepEqual(await health.json(), { status: "ok", model: MODEL, activeRequests: 0, queuedRequests: 0 });
    });
  });

  it("is served by the pool when given an openAi endpoint, which the status reports", async () => {
    const pool = new InferencePool({
      logger: silentLogger,
      plan: async () => [{ backend: "cpu", index: null, name: null }],
      createWorker: () => new WorkerSupervisor({ logger: silentLogger }),
      openAi: { host: "127.0.0.1", port: 0 },
    });
    await pool.start();
    const endpoint = pool.status().endpoint!;
    assert.match(endpoint, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const models = await fetch(`${endpoint}/models`);
    assert.deepEqual(await models.json(), { object: "list", data: [] });
    await pool.dispose();
    assert.equal(pool.status().endpoint, null);
    await assert.rejects(fetch(`${endpoint}/models`));
  });

  it("503 with Retry-After once the sequence is busy and the queue is full", async () => {
    const longBody = JSON.stringify({ model: MODEL, prompt: "Once upon a time", max_tokens: LONG, temperature: 0, stream: true });
    const first = new AbortController();
    const second = new AbortController();
    const json = { "Content-Type": "application/json" };
    const running = fetch(`${baseURL}/completions`, { method: "POST", headers: json, body: longBody, signal: first.signal }).catch(() => null);
    await service.waitForStatus((s) => s.activeRequests === 1);
    const waiting = fetch(`${baseURL}/completions`, { method: "POST", headers: json, body: longBody, signal: second.signal }).catch(() => null);
    await service.waitForStatus((s) => s.queuedRequests === 1);

    const refused = await fetch(`${baseURL}/completions`, { method: "POST", headers: json, body: longBody });
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get("retry-after"), "1");
    assert.deepEqual((await refused.json()).error.code, "queue_full");

    // Hanging up frees the sequence and the queue place.
    first.abort();
    second.abort();
    await Promise.all([running, waiting]);
    await service.waitForStatus((s) => s.activeRequests === 0 && s.queuedRequests === 0);
  });

  it("cancels the generation when the client disconnects", async () => {
    const results: Promise<ChatResult>[] = [];
    const spy: OpenAiBackend = {
      status: () => service.status(),
      chat: (...args) => record(service.chat(...args)),
      complete: (...args) => record(service.complete(...args)),
    };
    const record = (result: Promise<ChatResult>) => (results.push(result), result);
    await withServer(createOpenAiHandler(spy), async (url) => {
      const abort = new AbortController();
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "story" }], max_tokens: LONG, stream: true }),
        signal: abort.signal,
      });
      const reader = response.body!.getReader();
      await reader.read();
      abort.abort();
      const result = await results[0]!;
      assert.equal(result.stats.finishReason, "cancelled");
      assert.ok(result.stats.completionTokens < LONG);
    });
  });

  it("ends a stream with an error when the worker dies, and serves the next request", async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "Tell me a long story" }],
      max_tokens: LONG,
      stream: true,
    });
    const pid = service.workerPid!;
    let received = 0;
    await assert.rejects(
      (async () => {
        for await (const _chunk of stream) if (++received === 2) process.kill(pid, "SIGKILL");
      })(),
      (error) => error instanceof OpenAI.APIError && /inference worker stopped unexpectedly/.test(error.message),
    );
    const next = await client.completions.create({ model: MODEL, prompt: "Once upon a time", max_tokens: 12, temperature: 0 });
    assert.ok(next.choices[0]!.text.startsWith(", there was a little girl"));
    assert.equal(service.status().workerRestarts, 1);
  });
});

async function withServer(handler: RequestHandler, use: (url: string) => Promise<void>): Promise<void> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** A plain POST that reports the status even when the server closes the connection right after answering. */
function rawPost(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}
