// How a front node picks the model of a request naming one no node serves: the default model when one is set, for a
// bring-your-own-model (BYOM) service any node with room, answered by the model that node serves (as one engine alone
// answers any name on such a service), and otherwise a 404 that names what is served.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import { FleetRouter, type RequestOrigin } from "../../../electron/core/fleet/fleet-router.js";
import type { Answer, ForwardRequest, NodeTransport } from "../../../electron/core/fleet/transports.js";
import type { NodeReport } from "../../../electron/core/fleet/wire.js";
import { silentLogger } from "../../../electron/core/runtime/logger.js";

/** A node at the wire's level: it reports one model and answers with the model field of what it was sent. */
function node(model: string, sent: ForwardRequest[]): NodeTransport {
  const report: NodeReport = { name: model, kind: "openai", state: "ready", models: [model], capacity: 2, active: 0, queued: 0, gpus: [], tokensPerSecond: null };
  return {
    report: async () => report,
    send: async (request): Promise<Answer> => {
      sent.push(request);
      const asked = (JSON.parse(request.body.toString("utf8")) as { model: string }).model;
      return { status: 200, headers: { "content-type": "application/json" }, body: Readable.from([Buffer.from(JSON.stringify({ model: asked, served_by: model }))]) };
    },
    close: () => undefined,
  };
}

let defaultModel: string | null = null;
const sent: ForwardRequest[] = [];
const router = new FleetRouter({ logger: silentLogger, defaultModel: () => defaultModel });
let server: Server;
let url = "";
let byom = false;

before(async () => {
  router.setNodes([{ id: "a", name: "rig-a", kind: "openai", url: null, transport: node("qwen2.5-7b", sent) }]);
  await router.refresh();
  server = createServer((req, res) => void router.handle(req, res, "relay" satisfies RequestOrigin, { byom }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
});
after(() => {
  router.close();
  server.close();
});

async function ask(model: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

test("a per-model service: an unknown model is refused with what is served, and no node is asked", async () => {
  byom = false;
  defaultModel = null;
  const before = sent.length;
  const reply = await ask("gpt-4o");
  assert.equal(reply.status, 404);
  const error = reply.body.error as { code: string; message: string };
  assert.equal(error.code, "model_not_found");
  assert.match(error.message, /served: qwen2\.5-7b/);
  assert.equal(sent.length, before);
});

test("a BYOM relay naming an unknown model goes to a node with room, rewritten to the model that node serves", async () => {
  byom = true;
  defaultModel = null;
  const reply = await ask("gpt-4o");
  assert.equal(reply.status, 200);
  assert.deepEqual(reply.body, { model: "qwen2.5-7b", served_by: "qwen2.5-7b" });
});

test("with a default model set, an unknown model goes to it, BYOM or not", async () => {
  defaultModel = "qwen2.5-7b";
  for (const service of [true, false]) {
    byom = service;
    const reply = await ask("llama-3-70b");
    assert.equal(reply.status, 200, `byom ${service}`);
    assert.equal(reply.body.model, "qwen2.5-7b");
  }
});

test("a known model passes untouched", async () => {
  byom = true;
  defaultModel = null;
  const reply = await ask("qwen2.5-7b");
  assert.deepEqual(reply.body, { model: "qwen2.5-7b", served_by: "qwen2.5-7b" });
});
