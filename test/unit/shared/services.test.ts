// Which services are BYOM / LLM services, and what the app reads of a metadata card.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AI_INFERENCE_CARD } from "../../../electron/core/localnet/config.js";
import { isByomService, isLlmService, LLM_SERVICE_ID, MAX_CARD_TEXT, parseServiceCard } from "../../../shared/services.js";

const bytes = (text: string) => new TextEncoder().encode(text);

test("the ai-inference card (upstream's documented example) reads as BYOM, OpenAI chat, health check GET /v1/models", () => {
  const card = parseServiceCard(bytes(AI_INFERENCE_CARD))!;
  assert.deepEqual(card.apis, ["openai-chat-completions"]);
  assert.equal(card.results, "variable");
  assert.equal(card.healthcheckPath, "/v1/models");
  assert.match(card.description!, /OpenAI-compatible/);
  assert.equal(isByomService("some-llm", card), true, "the card says BYOM");
  assert.equal(isLlmService("some-llm", card), true);
});

test("ai-inference is BYOM even without a card; other services need a card that says so", () => {
  assert.equal(LLM_SERVICE_ID, "ai-inference");
  assert.equal(isByomService("ai-inference"), true);
  assert.equal(isByomService("eth"), false);
  assert.equal(isLlmService("eth", parseServiceCard(bytes(JSON.stringify({ apis: ["evm-json-rpc"] })))), false);
  assert.equal(isLlmService("qwen", parseServiceCard(bytes(JSON.stringify({ apis: ["openai-completions"] })))), true);
  assert.equal(isByomService("qwen", parseServiceCard(bytes(JSON.stringify({ apis: ["openai-completions"] })))), false);
});

test("cards that are absent, not JSON, not an object or huge are read safely", () => {
  assert.equal(parseServiceCard(undefined), null);
  assert.equal(parseServiceCard(new Uint8Array(0)), null);
  const plain = parseServiceCard(bytes("BYOM: bring your own model/backend"))!;
  assert.deepEqual([plain.description, plain.apis, plain.results], [null, [], null]);
  assert.equal(isByomService("x", plain), true);
  assert.deepEqual(parseServiceCard(bytes("[1,2]"))!.apis, []);
  const huge = parseServiceCard(bytes(JSON.stringify({ description: "d".repeat(300_000), apis: [1, "openai-chat-completions", null] })))!;
  assert.equal(huge.text.length, MAX_CARD_TEXT);
  assert.equal(huge.description!.length, 1000);
  assert.deepEqual(huge.apis, ["openai-chat-completions"]);
  assert.equal(parseServiceCard(bytes(JSON.stringify({ serving: { healthcheck: "no" } })))!.healthcheckPath, null);
});
