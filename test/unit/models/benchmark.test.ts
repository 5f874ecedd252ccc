import { test } from "node:test";
import assert from "node:assert/strict";
import { fastestThreads, threadCandidates } from "../../../electron/core/models/benchmark.js";

test("thread candidates: every count up to 4, then powers of two and the top two; few on a GPU", () => {
  assert.deepEqual(threadCandidates(1, false), [1]);
  assert.deepEqual(threadCandidates(2, false), [1, 2]);
  assert.deepEqual(threadCandidates(4, false), [1, 2, 3, 4]);
  assert.deepEqual(threadCandidates(8, false), [1, 2, 3, 4, 7, 8]);
  assert.deepEqual(threadCandidates(32, false), [1, 2, 3, 4, 8, 16, 31, 32]);
  assert.deepEqual(threadCandidates(32, true), [1, 2]);
  assert.deepEqual(threadCandidates(1, true), [1]);
});

test("the fastest trial wins; a smaller count within 3 % of it wins the tie", () => {
  assert.equal(fastestThreads([{ threads: 1, generationTokensPerSecond: 100 }, { threads: 2, generationTokensPerSecond: 140 }]), 2);
  assert.equal(fastestThreads([{ threads: 1, generationTokensPerSecond: 100 }, { threads: 2, generationTokensPerSecond: 60 }]), 1);
  assert.equal(fastestThreads([{ threads: 4, generationTokensPerSecond: 99 }, { threads: 8, generationTokensPerSecond: 101 }]), 4);
});
