import { test } from "node:test";
import assert from "node:assert/strict";
import { AsyncCache } from "../../../electron/core/relayminer/async-cache.js";

test("async cache: concurrent misses share one load, and a hit skips the loader", async () => {
  const cache = new AsyncCache<string, number>(4);
  let loads = 0;
  const load = async () => ++loads;
  const [a, b] = await Promise.all([cache.get("k", load), cache.get("k", load)]);
  assert.deepEqual([a, b, loads], [1, 1, 1]);
  assert.equal(await cache.get("k", load), 1);
  assert.equal(cache.peek("k"), 1);
});

test("async cache: bounded by capacity, evicting the least recently used key", async () => {
  const cache = new AsyncCache<string, string>(2);
  cache.set("a", "A");
  cache.set("b", "B");
  assert.equal(cache.peek("a"), "A", "reading a makes b the least recent");
  cache.set("c", "C");
  assert.equal(cache.peek("b"), undefined);
  assert.equal(cache.peek("a"), "A");
  assert.equal(cache.peek("c"), "C");
});

test("async cache: failures are forgotten unless remembered, and remembered ones expire with the height", async () => {
  class Missing extends Error {}
  const cache = new AsyncCache<string, string>(4, (e) => e instanceof Missing);
  let calls = 0;
  await assert.rejects(cache.get("x", async () => { calls++; throw new Error("flaky"); }));
  assert.equal(await cache.get("x", async () => { calls++; return "ok"; }), "ok");
  assert.equal(calls, 2);
  const missing = async () => { calls++; throw new Missing(); };
  await assert.rejects(cache.get("y", missing, 10n), Missing);
  await assert.rejects(cache.get("y", missing, 10n), Missing);
  assert.equal(calls, 3, "remembered at height 10");
  await assert.rejects(cache.get("y", missing, 11n), Missing);
  assert.equal(calls, 4, "asked again once the chain moved on");
  cache.invalidate("x");
  assert.equal(cache.peek("x"), undefined);
});
