import { test } from "node:test";
import assert from "node:assert/strict";
import { DownloadError } from "../../../electron/core/models/download/errors.js";
import { ensureFreeSpace, FREE_SPACE_MARGIN_BYTES } from "../../../electron/core/models/download/free-space.js";
import { ProgressMeter } from "../../../electron/core/models/download/progress.js";
import { backoffDelay } from "../../../electron/core/models/download/retry.js";
import { GatewayPool } from "../../../electron/core/models/ipfs/gateways.js";

test("progress reports bytes, speed over a recent window, and the time left", () => {
  let now = 0;
  const meter = new ProgressMeter(() => now);
  meter.setBaseline(1_000, 11_000);
  assert.deepEqual(meter.figures(), { bytesDone: 1_000, bytesTotal: 11_000, bytesPerSecond: 0, etaSeconds: null });
  now = 1_000;
  meter.add(2_000);
  now = 2_000;
  meter.add(2_000);
  assert.deepEqual(meter.figures(), { bytesDone: 5_000, bytesTotal: 11_000, bytesPerSecond: 2_000, etaSeconds: 3 });
  // Ten quiet seconds later a burst arrives: the speed reflects the last few seconds, not the whole history.
  now = 12_000;
  meter.add(1_000);
  now = 13_000;
  meter.add(1_000);
  assert.ok(meter.figures().bytesPerSecond < 2_000);
  meter.setBaseline(0, null);
  assert.equal(meter.figures().etaSeconds, null, "no ETA without a total");
});

test("backoff doubles from the base delay, is capped, and jitters down by at most a quarter", () => {
  const policy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 3_000 };
  assert.deepEqual([1, 2, 3, 4, 5].map((a) => backoffDelay(policy, a, () => 1)), [500, 1_000, 2_000, 3_000, 3_000]);
  assert.equal(backoffDelay(policy, 2, () => 0), 750);
});

test("free space is checked with a margin and the refusal says how much to free", async () => {
  await ensureFreeSpace("/models", 1_000, async () => 1_000 + FREE_SPACE_MARGIN_BYTES);
  await assert.rejects(ensureFreeSpace("/models", 2 * 1024 ** 3, async () => 1024 ** 3), (error: DownloadError) => {
    assert.equal(error.reason, "no_space");
    assert.equal(error.code, "unavailable");
    assert.match(error.message, /needs 2\.06 GiB but only 1\.00 GiB is free in \/models\. Free up 1\.06 GiB/);
    return true;
  });
  let probed = false;
  await ensureFreeSpace("/models", 0, async () => ((probed = true), 0));
  assert.equal(probed, false, "nothing to write, nothing to check");
});

test("gateways keep their configured order until one fails repeatedly or lies", () => {
  const pool = new GatewayPool(["http://127.0.0.1:8080/", "https://a.example", "https://b.example"]);
  assert.deepEqual(pool.order(new Set()), ["http://127.0.0.1:8080", "https://a.example", "https://b.example"]);
  for (let i = 0; i < 3; i++) pool.failed("http://127.0.0.1:8080");
  assert.deepEqual(pool.order(new Set()), ["https://a.example", "https://b.example", "http://127.0.0.1:8080"]);
  pool.servedCorruptBlock("https://a.example");
  assert.deepEqual(pool.order(new Set()), ["https://b.example", "http://127.0.0.1:8080", "https://a.example"]);
  pool.succeeded("http://127.0.0.1:8080");
  assert.deepEqual(pool.order(new Set(["https://b.example"])), ["http://127.0.0.1:8080", "https://a.example"]);
  assert.throws(() => new GatewayPool([]), /No IPFS gateway/);
});
