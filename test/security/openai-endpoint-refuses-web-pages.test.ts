// The OpenAI-compatible endpoint against what any web page in the user's browser can send to loopback: simple
// cross-site POSTs (text/plain, form bodies), a foreign Origin, a DNS-rebinding Host; and clients without the API key
// when one is set. None of them may reach the engine (which would take a sequence or a queue place).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { OpenAiServer, WorkerSupervisor, type ChatRequest, type OpenAiBackend } from "../../electron/core/inference/index.js";
import { silentLogger } from "../../electron/core/runtime/logger.js";
import { sendRaw } from "../fixtures/security/malformed-input.js";

/** An idle engine that counts every call the endpoint made on it (a refused request makes none). */
function countingBackend(): OpenAiBackend & { reached: number } {
  const idle = new WorkerSupervisor({ logger: silentLogger });
  const backend = {
    reached: 0,
    status: () => {
      backend.reached++;
      return idle.status();
    },
    chat: (request: ChatRequest) => {
      backend.reached++;
      return idle.chat(request);
    },
    complete: (request: Parameters<OpenAiBackend["complete"]>[0]) => {
      backend.reached++;
      return idle.complete(request);
    },
  };
  return backend;
}

const body = JSON.stringify({ model: "any", prompt: "hello", max_tokens: 4 });

describe("OpenAI endpoint without an API key", () => {
  const backend = countingBackend();
  const server = new OpenAiServer({ backend, logger: silentLogger, host: "127.0.0.1", port: 0 });
  let base: string;
  before(async () => {
    await server.start();
    base = server.baseUrl!;
  });
  after(() => server.dispose());

  test("a cross-site simple POST (text/plain, form, no type) gets 415 and never reaches the engine", async () => {
    for (const type of ["text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", undefined]) {
      const headers: Record<string, string> = type ? { "Content-Type": type } : {};
      const response = await fetch(`${base}/completions`, { method: "POST", headers, body });
      assert.equal(response.status, 415, String(type));
      assert.equal((await response.json()).error.code, "unsupported_media_type");
    }
    assert.equal(backend.reached, 0);
  });

  test("a foreign Origin gets 403, the endpoint's own origin and originless clients are served", async () => {
    const port = server.boundPort!;
    for (const origin of ["https://evil.example", "null", "http://localhost:3000", `http://127.0.0.1:${port + 1}`]) {
      const response = await fetch(`${base}/completions`, { method: "POST", headers: { "Content-Type": "application/json", Origin: origin }, body });
      assert.equal(response.status, 403, origin);
      assert.equal((await response.json()).error.code, "cross_origin_refused");
    }
    assert.equal(backend.reached, 0);
    const own = await fetch(`${base}/completions`, { method: "POST", headers: { "Content-Type": "application/json", Origin: `http://127.0.0.1:${port}` }, body });
    assert.equal((await own.json()).error.code, "model_not_loaded", "reached the engine, which has no model");
    const plain = await fetch(`${base}/completions`, { method: "POST", headers: { "Content-Type": "application/json; charset=utf-8" }, body });
    assert.equal(plain.status, 503);
    assert.ok(backend.reached >= 2);
  });

  test("a DNS-rebinding Host gets 421", async () => {
    const port = server.boundPort!;
    const reply = await sendRaw(port, [
      Buffer.from(`POST /v1/completions HTTP/1.1\r\nHost: evil.example:${port}\r\nOrigin: http://evil.example:${port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`),
    ]);
    assert.match(reply.toString("latin1"), /^HTTP\/1\.1 421 /);
    assert.match(reply.toString("latin1"), /misdirected_request/);
  });
});

describe("OpenAI endpoint with an API key", () => {
  const backend = countingBackend();
  const server = new OpenAiServer({ backend, logger: silentLogger, host: "127.0.0.1", port: 0, apiKey: "sk-local-test-key-1234" });
  before(() => server.start());
  after(() => server.dispose());

  test("requests without the key or with a wrong one get 401; the right key is served", async () => {
    const models = `${server.baseUrl}/models`;
    for (const authorization of [undefined, "Bearer wrong", "Bearer sk-local-test-key-12345", "sk-local-test-key-1234"]) {
      const response = await fetch(models, { headers: authorization ? { Authorization: authorization } : {} });
      assert.equal(response.status, 401, String(authorization));
      assert.equal(response.headers.get("www-authenticate"), "Bearer");
      assert.equal((await response.json()).error.code, "invalid_api_key");
    }
    const ok = await fetch(models, { headers: { Authorization: "Bearer sk-local-test-key-1234" } });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { object: "list", data: [] });
  });
});
