import { test } from "node:test";
import assert from "node:assert/strict";
import type { GenerationStats } from "../../../shared/api/index.js";
import { GenerationWindow, percentile } from "../../../electron/core/inference/generation-window.js";

function stats(ttft: number | null, tps: number | null, tokens = 10, finishReason: GenerationStats["finishReason"] = "stop"): GenerationStats {
  return { promptTokens: 5, completionTokens: tokens, timeToFirstTokenMs: ttft, tokensPerSecond: tps, finishReason };
}

test("nearest-rank percentiles", () => {
  const values = Array.from({ length: 20 }, (_, i) => i + 1);
  assert.equal(percentile(values, 50), 10);
  assert.equal(percentile(values, 95), 19);
  assert.equal(percentile([7], 95), 7);
  assert.equal(percentile([], 50), null);
});

test("TTFT p50/p95 and per-request speed come from the requests inside the window only", () => {
  const window = new GenerationWindow(60_000);
  window.record(stats(5000, 1), 0); // falls out of the window below
  for (let i = 1; i <= 20; i++) window.record(stats(i * 10, i), 50_000 + i);
  const metrics = window.snapshot(70_000);
  assert.equal(metrics.requests, 20);
  assert.deepEqual(metrics.ttftMs, { p50: 100, p95: 190 });
  assert.deepEqual(metrics.tokensPerSecondPerRequest, { p50: 10 });
  assert.equal(metrics.completionTokens, 200);
  assert.equal(metrics.windowSeconds, 60);
});

test("requests cancelled before any token are not counted; unknown TTFTs do not skew the percentiles", () => {
  const window = new GenerationWindow();
  window.record(stats(null, null, 0, "cancelled"), 1);
  window.record(stats(null, null, 1), 2);
  window.record(stats(40, 20), 3);
  const metrics = window.snapshot(4);
  assert.equal(metrics.requests, 2);
  assert.deepEqual(metrics.ttftMs, { p50: 40, p95: 40 });
});

test("the sample count is bounded", () => {
  const window = new GenerationWindow(60_000, 100);
  for (let i = 0; i < 1000; i++) window.record(stats(i, 1), 10);
  assert.equal(window.snapshot(20).requests, 100);
  assert.equal(window.snapshot(20).ttftMs.p50, 949);
});

test("live tokens/s spreads each request over its decode time and counts only the last 10 s", () => {
  const window = new GenerationWindow();
  // 100 tokens at 10 tokens/s finished at t=20 s: decoded from 10 s to 20 s, all inside [10 s, 20 s].
  window.record(stats(50, 10, 100), 20_000);
  assert.equal(window.snapshot(20_000).tokensPerSecond, 10);
  // Five seconds later only half of that decode time is in the last 10 s.
  assert.equal(window.snapshot(25_000).tokensPerSecond, 5);
  // A request without a speed counts whole when it finished inside the span.
  window.record(stats(50, null, 40), 24_000);
  assert.equal(window.snapshot(25_000).tokensPerSecond, 9);
  assert.equal(window.snapshot(40_000).tokensPerSecond, 0);
});
