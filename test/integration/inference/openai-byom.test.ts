// Bring your own model (the `ai-inference` service): gateways never read the `model` field, so a BYOM handler answers
// any name with the model it serves and says so in the reply; with several models, a known name picks its model.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import { createOpenAiHandler, WorkerSupervisor, type RequestHandler } from "../../../electron/core/inference/index.js";
import { sharedAssetsDir, testModelPath } from "../../fixtures/paths.js";

const STORIES = "stories260K";
const TINY = "llama-2-tiny-random";
const messages = [{ role: "user" as const, content: "Tell me a story about a cat" }];

describe("OpenAI handler: bring your own model, and several models", { timeout: 120_000 }, () => {
  const stories = new WorkerSupervisor({ logger: silentLogger });
  const tiny = new WorkerSupervisor({ logger: silentLogger });

  before(async () => {
    await Promise.all([stories.start(), tiny.start()]);
    await stories.load({ modelPath: testModelPath(), contextSize: 1024, parallelSequences: 1, threads: 1 });
    await tiny.load({ modelPath: resolve(sharedAssetsDir, "models", `${TINY}.gguf`), contextSize: 1024, parallelSequences: 1, threads: 1 });
    assert.equal(stories.status().model?.name, STORIES);
    assert.equal(tiny.status().model?.name, TINY);
  });
  after(async () => {
    await Promise.all([stories.dispose(), tiny.dispose()]);
  });

  it("a BYOM handler answers any model name with the served model, and the reply names it", async () => {
    await withClient(createOpenAiHandler(stories, { unknownModel: "default" }), async (client) => {
      const chat = await client.chat.completions.create({ model: "gpt-4o", messages, max_tokens: 4, temperature: 0 });
      assert.equal(chat.model, STORIES);
      assert.ok(chat.choices[0]!.message.content!.length > 0);
      const text = await client.completions.create({ model: "qwen:0.5b", prompt: "Once upon a time", max_tokens: 4, temperature: 0 });
      assert.equal(text.model, STORIES);
      const stream = await client.chat.completions.create({ model: "anything", messages, max_tokens: 4, temperature: 0, stream: true });
      const named = new Set<string>();
      for await (const chunk of stream) named.add(chunk.model);
      assert.deepEqual([...named], [STORIES]);
    });
  });

  it("GET /v1/models answers the ai-inference health check: a non-empty data array naming the served model", async () => {
    await withServer(createOpenAiHandler(stories, { unknownModel: "default" }), async (url) => {
      const response = await fetch(`${url}/v1/models`);
      assert.equal(response.status, 200);
      const body = (await response.json()) as { object: string; data: Array<{ id: string; object: string }> };
      assert.equal(body.object, "list");
      assert.ok(Array.isArray(body.data) && body.data.length > 0);
      assert.deepEqual(body.data.map((m) => [m.id, m.object]), [[STORIES, "model"]]);
    });
  });

  it("with several models a known name goes to its model and an unknown one to the default (the first)", async () => {
    await withClient(createOpenAiHandler([stories, tiny], { unknownModel: "default" }), async (client) => {
      const toTiny = await client.chat.completions.create({ model: TINY, messages, max_tokens: 4, temperature: 0 });
      assert.equal(toTiny.model, TINY);
      const toStories = await client.chat.completions.create({ model: STORIES, messages, max_tokens: 4, temperature: 0 });
      assert.equal(toStories.model, STORIES);
      const unknown = await client.completions.create({ model: "mistral-7b", prompt: "Once upon a time", max_tokens: 4, temperature: 0 });
      assert.equal(unknown.model, STORIES);
      const listed: string[] = [];
      for await (const model of client.models.list()) listed.push(model.id);
      assert.deepEqual(listed, [STORIES, TINY]);
      assert.equal((await client.models.retrieve(TINY)).id, TINY);
    });
  });

  it("a strict handler routes known names among several models and refuses others with 404 naming what it serves", async () => {
    await withClient(createOpenAiHandler([stories, tiny]), async (client) => {
      const toTiny = await client.completions.create({ model: TINY, prompt: "Once upon a time", max_tokens: 4, temperature: 0 });
      assert.equal(toTiny.model, TINY);
      await assert.rejects(
        client.chat.completions.create({ model: "gpt-4o", messages, max_tokens: 4 }),
        (error) =>
          error instanceof OpenAI.NotFoundError &&
          (error.error as { code?: string }).code === "model_not_found" &&
          error.message.includes(`\`${STORIES}\``) &&
          error.message.includes(`\`${TINY}\``),
      );
    });
  });

  it("a BYOM handler with no model loaded still says so (503), and lists no models", async () => {
    const idle = new WorkerSupervisor({ logger: silentLogger });
    await withServer(createOpenAiHandler(idle, { unknownModel: "default" }), async (url) => {
      const response = await fetch(`${url}/v1/chat/completions`, { method: "POST", body: JSON.stringify({ model: "x", messages }) });
      assert.equal(response.status, 503);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, "model_not_loaded");
      assert.deepEqual(await (await fetch(`${url}/v1/models`)).json(), { object: "list", data: [] });
    });
    await idle.dispose();
  });
});

async function withServer(handler: RequestHandler, use: (url: string) => Promise<void>): Promise<void> {
  const server: Server = createServer(handler);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  try {
    await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
}

async function withClient(handler: RequestHandler, use: (client: OpenAI) => Promise<void>): Promise<void> {
  await withServer(handler, (url) => use(new OpenAI({ baseURL: `${url}/v1`, apiKey: "not-checked", maxRetries: 0 })));
}
