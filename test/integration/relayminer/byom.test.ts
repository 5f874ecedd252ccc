// Relays to the tiny model through the relay miner: a BYOM service (ai-inference) answers any `model` name with the
// served model and mines the relay; its health check (GET /v1/models) answers a non-empty list; a per-model service
// refuses another model's name with 404 model_not_found, signed and returned but not mined (docs/protocol.md §6.5).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { silentLogger } from "../../../electron/core/runtime/logger.js";
import { createOpenAiHandler, WorkerSupervisor } from "../../../electron/core/inference/index.js";
import { TEST_SERVICE_ID } from "../../fixtures/relayminer/chain.js";
import { createHarness, type Harness } from "../../fixtures/relayminer/harness.js";
import { decodeReply, signedRelayRequest } from "../../fixtures/relayminer/relays.js";
import { testModelPath } from "../../fixtures/paths.js";

const inference = new WorkerSupervisor({ logger: silentLogger });

before(async () => {
  await inference.load({ modelPath: testModelPath(), contextSize: 1024, parallelSequences: 1, threads: 1 });
});
after(async () => {
  await inference.dispose();
});

async function relay(h: Harness, input: { method?: string; url: string; body?: string }) {
  const header = h.chain.sessionAt(h.app.address, TEST_SERVICE_ID, h.blocks.latest()!.height).header!;
  const { bytes } = signedRelayRequest({ header, operatorAddress: h.operator.address, signer: h.app, ...input });
  const reply = decodeReply(await h.relay(bytes));
  assert.equal(reply.response.relayMinerError, undefined, "the backend's answer is signed and returned");
  assert.ok(reply.response.meta.supplierOperatorSignature.length > 0);
  return { status: reply.http!.statusCode, json: JSON.parse(reply.bodyText!) };
}

const chat = (model: string, i: number) =>
  JSON.stringify({ model, messages: [{ role: "user", content: `Tell me story ${i}` }], max_tokens: 4, temperature: 0 });

test("a BYOM relay naming any model is answered by the served model, which the reply names, and is mined", async () => {
  const h = createHarness({ handler: createOpenAiHandler(inference, { unknownModel: "default" }), timeoutMs: 30_000 });
  try {
    const served = inference.status().model!.name;
    const first = await relay(h, { url: "http://supplier.example/v1/chat/completions", body: chat("gpt-4o", 1) });
    assert.equal(first.status, 200);
    assert.equal(first.json.model, served);
    const second = await relay(h, { url: "http://supplier.example/v1/chat/completions", body: chat("qwen:0.5b", 2) });
    assert.equal(second.json.model, served);
    // The card's health check: GET /v1/models with a non-empty data array.
    const health = await relay(h, { method: "GET", url: "http://supplier.example/v1/models", body: "" });
    assert.equal(health.status, 200);
    assert.ok(Array.isArray(health.json.data) && health.json.data.length > 0);
    assert.equal(health.json.data[0].id, served);
    const tree = [...h.trees.values()][0]!;
    assert.equal(tree.minedRelays, 3);
    h.ledger.flush();
    assert.ok(h.ledger.relays().every((r) => r.mined && r.httpStatus === 200));
  } finally {
    h.close();
  }
});

test("a per-model service refuses another model's name with 404 model_not_found: signed, not mined", async () => {
  const h = createHarness({ handler: createOpenAiHandler(inference, { unknownModel: "refuse" }), timeoutMs: 30_000 });
  try {
    const wrong = await relay(h, { url: "http://supplier.example/v1/chat/completions", body: chat("gpt-4o", 3) });
    assert.equal(wrong.status, 404);
    assert.equal(wrong.json.error.code, "model_not_found");
    const right = await relay(h, { url: "http://supplier.example/v1/chat/completions", body: chat(inference.status().model!.name, 4) });
    assert.equal(right.status, 200);
    assert.equal([...h.trees.values()][0]!.minedRelays, 1, "only the answered relay is mined");
    assert.equal(h.metrics.relaysDroppedTotal.get([TEST_SERVICE_ID, "backend_refused"]), 1);
  } finally {
    h.close();
  }
});
