import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_REQUEST_TOKENS,
  DEFAULT_SEQUENCES,
  MIN_CONTEXT_TOKENS,
  RequestObserver,
  requestTokensFromObserved,
  reserveContext,
} from "../../../electron/core/inference/reservation.js";

// A 7–8B GQA model: 32 layers × 8 KV heads × 128 × (K + V) × 2 bytes = 128 KiB per token.
const KV_PER_TOKEN = 32 * 8 * 128 * 2 * 2;
const base = { trainContextSize: 131_072, kvBytesPerToken: KV_PER_TOKEN, offloaded: false };

test("with nothing known, a relay-sized request is reserved: two sequences on the CPU, four on a GPU", () => {
  const cpu = reserveContext(base);
  assert.deepEqual(cpu, { contextSize: DEFAULT_REQUEST_TOKENS, sequences: DEFAULT_SEQUENCES.cpu, kvCacheBytes: DEFAULT_REQUEST_TOKENS * 2 * KV_PER_TOKEN });
  assert.equal(reserveContext({ ...base, offloaded: true }).sequences, DEFAULT_SEQUENCES.gpu);
});

test("the context follows the observed request size (padded to 256), within the floor and the training context", () => {
  assert.equal(reserveContext({ ...base, requestTokens: 3000 }).contextSize, 3072);
  assert.equal(reserveContext({ ...base, requestTokens: 100 }).contextSize, MIN_CONTEXT_TOKENS);
  assert.equal(reserveContext({ ...base, trainContextSize: 512, requestTokens: 3000 }).contextSize, 512);
  assert.equal(reserveContext({ ...base, concurrency: 3 }).sequences, 3);
});

test("explicit figures win, and the plan's memory budget shrinks sequences first, then the context", () => {
  assert.deepEqual(
    reserveContext({ ...base, contextSize: 4096, parallelSequences: 6, memoryBudgetBytes: 1 }),
    { contextSize: 4096, sequences: 6, kvCacheBytes: 4096 * 6 * KV_PER_TOKEN },
    "the caller's choice is kept even over budget",
  );
  const oneSequence = reserveContext({ ...base, concurrency: 4, memoryBudgetBytes: 2048 * KV_PER_TOKEN + 1 });
  assert.deepEqual([oneSequence.sequences, oneSequence.contextSize], [1, 2048]);
  const smaller = reserveContext({ ...base, concurrency: 4, memoryBudgetBytes: 1000 * KV_PER_TOKEN });
  assert.deepEqual([smaller.sequences, smaller.contextSize], [1, 768]);
  assert.ok(smaller.kvCacheBytes <= 1000 * KV_PER_TOKEN);
});

test("observed sizes give the 95th percentile with a quarter of headroom, once enough requests were seen", () => {
  assert.equal(requestTokensFromObserved([100, 200], 20), null);
  const sizes = Array.from({ length: 100 }, (_, i) => (i + 1) * 10); // 10 … 1000
  assert.equal(requestTokensFromObserved(sizes, 20), Math.ceil(950 * 1.25));
  const observer = new RequestObserver({ sizes, concurrency: Array.from({ length: 100 }, (_, i) => (i < 90 ? 1 : 3)) }, 50);
  assert.equal(observer.snapshot().sizes.length, 50, "only the last requests are kept");
  assert.deepEqual(observer.needs(), { requestTokens: Math.ceil(980 * 1.25), concurrency: 3 }); // p95 of 510 … 1000
  assert.deepEqual(new RequestObserver().needs(), {});
});
