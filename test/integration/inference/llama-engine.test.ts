import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { LlamaEngine } from "../../../electron/core/inference/llama/llama-engine.js";
import { ContextOverflowError, NoModelLoadedError } from "../../../electron/core/inference/errors.js";
import { readGgufFacts } from "../../../electron/core/models/gguf.js";
import { DEFAULT_SEQUENCES, MIN_CONTEXT_TOKENS } from "../../../electron/core/inference/reservation.js";
import type { GgufFacts } from "../../../shared/api/index.js";
import { testModelPath } from "../../fixtures/paths.js";

// The reference continuation of stories260K at temperature 0 (see the models README).
const STORY_START = ", there was a little girl named Lily. She loved to play outside in the park.";

describe("LlamaEngine (in-process, stories260K)", () => {
  const engine = new LlamaEngine();

  let facts: GgufFacts | null = null;

  before(async () => {
    facts = await readGgufFacts(testModelPath());
    await engine.load({ modelPath: testModelPath(), contextSize: 512, parallelSequences: 2, threads: 1 });
  });
  after(() => engine.dispose());

  it("reports what it loaded", () => {
    const model = engine.model!;
    assert.equal(model.name, "stories260K");
    assert.equal(model.parallelSequences, 2);
    assert.ok(model.contextSize >= 512, `context ${model.contextSize}`);
    assert.equal(model.threads, 1);
    assert.equal(model.sizeBytes, 1_185_376);
    // K and V of every layer for every reserved token, as the GGUF header describes the model.
    const g = facts!;
    assert.equal(model.kvCacheBytes, model.contextSize * model.parallelSequences * g.layers! * g.kvHeads! * g.headDim! * 2 * 2);
  });

  it("continues a prompt deterministically at temperature 0, streaming the same text it returns", async () => {
    const streamed: string[] = [];
    const result = await engine.generate(
      { input: { kind: "completion", prompt: "Once upon a time" }, maxTokens: 40, temperature: 0 },
      { onText: (delta) => streamed.push(delta) },
    );
    assert.ok(result.text.startsWith(STORY_START), JSON.stringify(result.text));
    assert.equal(streamed.join(""), result.text);
    assert.ok(streamed.length > 1, "text arrives in several pieces");
    assert.equal(result.stats.completionTokens, 40);
    assert.equal(result.stats.finishReason, "length");
    // BOS plus the six tokens of "Once upon a time" in this model's vocabulary.
    assert.equal(result.stats.promptTokens, 7);
    assert.ok(result.stats.timeToFirstTokenMs! > 0);
    assert.ok(result.stats.tokensPerSecond! > 0);

    const again = await engine.generate({ input: { kind: "completion", prompt: "Once upon a time" }, maxTokens: 40, temperature: 0 });
    assert.equal(again.text, result.text);
  });

  it("stops before a stop sequence and reports it as a stop", async () => {
    const streamed: string[] = [];
    const result = await engine.generate(
      { input: { kind: "completion", prompt: "Once upon a time" }, maxTokens: 60, temperature: 0, stop: ["Lily"] },
      { onText: (delta) => streamed.push(delta) },
    );
    // The stop sequence sits inside the token " Lily"; node-llama-cpp drops that whole token, space included.
    assert.equal(result.text, ", there was a little girl named");
    assert.equal(streamed.join(""), result.text);
    assert.equal(result.stats.finishReason, "stop");
  });

  it("answers a chat through the model's chat format", async () => {
    const result = await engine.generate({
      input: { kind: "chat", messages: [{ role: "system", content: "Tell stories." }, { role: "user", content: "Once upon a time" }] },
      maxTokens: 12,
      temperature: 0,
    });
    assert.ok(result.text.length > 0);
    assert.equal(result.stats.completionTokens, 12);
    // The chat template wraps the messages in its markers, so the prompt is longer than the 6 + 4 tokens of the
    // messages themselves.
    assert.ok(result.stats.promptTokens > 10, `prompt tokens ${result.stats.promptTokens}`);
  });

  it("ends a generation early when its signal aborts, returning the text so far", async () => {
    const abort = new AbortController();
    let pieces = 0;
    const result = await engine.generate(
      { input: { kind: "completion", prompt: "Once upon a time" }, maxTokens: 400, temperature: 0 },
      { signal: abort.signal, onText: () => ++pieces === 5 && abort.abort() },
    );
    assert.equal(result.stats.finishReason, "cancelled");
    assert.ok(result.stats.completionTokens < 400);
    assert.ok(result.text.startsWith(", there"));
  });

  it("refuses a prompt longer than the context instead of truncating it", async () => {
    const long = "Once upon a time ".repeat(200);
    await assert.rejects(
      engine.generate({ input: { kind: "completion", prompt: long }, maxTokens: 4 }),
      (error) => error instanceof ContextOverflowError,
    );
  });

  it("refuses to generate without a model", async () => {
    const empty = new LlamaEngine();
    await assert.rejects(empty.generate({ input: { kind: "completion", prompt: "x" } }), NoModelLoadedError);
  });
});

describe("LlamaEngine reserves its KV cache by need", () => {
  it("without figures: a relay-sized request per sequence and two sequences on the CPU; within a memory budget: less", async () => {
    const engine = new LlamaEngine();
    try {
      const facts = await readGgufFacts(testModelPath());
      const byNeed = await engine.load({ modelPath: testModelPath(), threads: 1 });
      assert.equal(byNeed.parallelSequences, DEFAULT_SEQUENCES.cpu);
      assert.equal(byNeed.contextSize, Math.min(facts.contextLength!, 2048));
      const perToken = byNeed.kvCacheBytes / (byNeed.contextSize * byNeed.parallelSequences);

      const observed = await engine.load({ modelPath: testModelPath(), threads: 1, requestTokens: 100, concurrency: 1 });
      assert.deepEqual([observed.parallelSequences, observed.contextSize], [1, Math.min(facts.contextLength!, MIN_CONTEXT_TOKENS)]);

      const budget = await engine.load({ modelPath: testModelPath(), threads: 1, concurrency: 4, memoryBudgetBytes: 256 * perToken });
      assert.ok(budget.kvCacheBytes <= 256 * perToken, `KV cache ${budget.kvCacheBytes} over the budget`);
      assert.equal(budget.parallelSequences, 1);
    } finally {
      await engine.dispose();
    }
  });
});
