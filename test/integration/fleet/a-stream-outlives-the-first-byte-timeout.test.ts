// The first-byte timeout bounds how long a node may take to START answering; an answer that has begun streams through
// the front node for as long as it takes (a long completion on a slow GPU streams for minutes). Real HTTP on loopback:
// an OpenAI-compatible server that sends its head and first event at once and the rest only after several first-byte
// timeouts have passed, reached through the router and OpenAiTransport, as a front node reaches vLLM.
import assert from "node:assert/strict";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { FleetRouter } from "../../../electron/core/fleet/fleet-router.js";
import { OpenAiTransport } from "../../../electron/core/fleet/transports.js";
import { silentLogger } from "../../../electron/core/runtime/logger.js";

const FIRST_BYTE_TIMEOUT_MS = 300;
const MODEL = "slow-model";

let slow: Server;
let front: Server;
let router: FleetRouter;
let frontUrl = "";
/** The slow server's open answers: the test finishes them once the timeout has long passed. */
const streaming: ServerResponse[] = [];
let streamStarted!: () => void;
const started = new Promise<void>((resolve) => (streamStarted = resolve));

const event = (content: string) => `data: ${JSON.stringify({ object: "chat.completion.chunk", model: MODEL, choices: [{ index: 0, delta: { content } }] })}\n\n`;

before(async () => {
  slow = createServer((req, res) => {
    if (req.url === "/v1/models") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ object: "list", data: [{ id: MODEL }] }));
      return;
    }
    if (req.url === "/props") return void res.writeHead(404).end();
    req.resume();
    req.once("end", () => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(event("Once"));
      streaming.push(res);
      streamStarted();
    });
  });
  await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
  router = new FleetRouter({ logger: silentLogger, defaultModel: () => null, firstByteTimeoutMs: FIRST_BYTE_TIMEOUT_MS });
  const transport = new OpenAiTransport({ url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/v1`, apiKey: null, maxConcurrency: 2 });
  router.setNodes([{ id: "slow", name: "slow", kind: "openai", url: null, transport }]);
  await router.refresh();
  front = createServer((req, res) => void router.handle(req, res, "local"));
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}/v1/chat/completions`;
});

after(async () => {
  router.close();
  slow.closeAllConnections();
  front.closeAllConnections();
  await Promise.all([new Promise((r) => slow.close(r)), new Promise((r) => front.close(r))]);
});

test("an answer that has begun is passed through whole, however long it streams", async () => {
  const response = await fetch(frontUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: MODEL, stream: true, messages: [{ role: "user", content: "a long story" }] }),
  });
  assert.equal(response.status, 200);
  const text = response.text();
  await started;
  // The rest of the story comes well after the first-byte timeout (the condition under test is time passing).
  await new Promise((resolve) => setTimeout(resolve, FIRST_BYTE_TIMEOUT_MS * 4));
  for (const res of streaming) {
    res.write(event(" upon a time"));
    res.end("data: [DONE]\n\n");
  }
  const body = await text;
  assert.match(body, /"Once"/);
  assert.match(body, /" upon a time"/, "the part sent after the first-byte timeout reached the client");
  assert.match(body, /data: \[DONE\]/);
  const stats = router.stats().find((s) => s.id === "slow")!;
  assert.equal(stats.errors, 0, `no error counted against the node (${stats.lastError})`);
  assert.equal(stats.healthy, true);
});

test("a node that does not start answering within the first-byte timeout is still skipped", async () => {
  const mute = createServer((req, res) => {
    if (req.url === "/v1/models") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ object: "list", data: [{ id: MODEL }] }));
    }
    // Anything else: never a byte.
  });
  await new Promise<void>((resolve) => mute.listen(0, "127.0.0.1", resolve));
  const muteRouter = new FleetRouter({ logger: silentLogger, defaultModel: () => null, firstByteTimeoutMs: FIRST_BYTE_TIMEOUT_MS });
  try {
    const transport = new OpenAiTransport({ url: `http://127.0.0.1:${(mute.address() as AddressInfo).port}/v1`, apiKey: null, maxConcurrency: 1 });
    muteRouter.setNodes([{ id: "mute", name: "mute", kind: "openai", url: null, transport }]);
    await muteRouter.refresh();
    const server = createServer((req, res) => void muteRouter.handle(req, res, "local"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "hello?" }] }),
      });
      assert.equal(response.status, 503);
      const stats = muteRouter.stats().find((s) => s.id === "mute")!;
      assert.equal(stats.lastError, "timed out before answering");
      assert.equal(stats.healthy, false);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  } finally {
    muteRouter.close();
    mute.closeAllConnections();
    await new Promise((r) => mute.close(r));
  }
});
