// ReceiveRing: the memory a LAN peer's response is read into and handed out from, reused from response to response.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ReceiveRing, ReceiveRingPool } from "../../../electron/core/models/ipfs/receive-ring.js";

const bytes = (from: number, length: number) => Buffer.from(Array.from({ length }, (_, i) => (from + i) % 251));

test("stored bytes come back as views into the ring, two when they wrap around its end", () => {
  const ring = new ReceiveRing(10, 4);
  assert.deepEqual(ring.store(bytes(0, 7)), [bytes(0, 7)]);
  assert.equal(ring.free, 3);
  assert.equal(ring.roomForRead, false);
  ring.release(5);
  assert.equal(ring.free, 8);
  const wrapped = ring.store(bytes(7, 6));
  assert.deepEqual(wrapped, [bytes(7, 3), bytes(10, 3)]);
  // The views are the ring's own memory, not copies: what the reader holds is what the ring holds.
  assert.equal(wrapped[0]!.buffer, wrapped[1]!.buffer);
  assert.equal(ring.free, 2);
});

test("bytes not released are never overwritten: a store that does not fit is refused", () => {
  const ring = new ReceiveRing(8, 2);
  const held = ring.store(bytes(0, 6))[0]!;
  assert.throws(() => ring.store(bytes(6, 3)), /receive ring is full/);
  ring.store(bytes(6, 2));
  assert.deepEqual(held, bytes(0, 6));
});

test("release never goes back and never passes what was stored; reset starts a new connection", () => {
  const ring = new ReceiveRing(8, 2);
  ring.store(bytes(0, 4));
  ring.release(100);
  assert.equal(ring.free, 8);
  ring.store(bytes(4, 4));
  ring.release(2);
  assert.equal(ring.free, 4, "released only up to what had been stored, and not back to 2");
  ring.reset();
  assert.equal(ring.free, 8);
  assert.deepEqual(ring.store(bytes(0, 8)), [bytes(0, 8)]);
  assert.throws(() => new ReceiveRing(4, 8), /at least one read/);
});

test("a pool hands back the rings runs gave it, and lets them go once it has been idle for a while", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  let made = 0;
  const pool = new ReceiveRingPool(() => (made++, new ReceiveRing(8, 2)), 30_000);
  const first = pool.take();
  const second = pool.take();
  pool.give(first);
  t.mock.timers.tick(60_000);
  assert.equal(pool.spareCount, 1, "kept while another ring is still lent");
  assert.equal(pool.take(), first, "the next run reads into a ring that is already there");
  pool.give(first);
  pool.give(second);
  t.mock.timers.tick(29_999);
  assert.equal(pool.spareCount, 2);
  const again = pool.take();
  assert.ok(again === first || again === second, "a download soon after the last one reuses its rings");
  assert.equal(made, 2);
  pool.give(again);
  t.mock.timers.tick(30_000);
  assert.equal(pool.spareCount, 0, "30 s after the last ring came back, none is kept");
  pool.take();
  assert.equal(made, 3);
});

test("a disposed pool keeps nothing, not even rings that come back after", () => {
  const pool = new ReceiveRingPool(() => new ReceiveRing(8, 2));
  const lent = pool.take();
  pool.give(pool.take());
  pool.dispose();
  assert.equal(pool.spareCount, 0);
  pool.give(lent);
  assert.equal(pool.spareCount, 0);
});

test("a pool keeps at most its number of spare rings; the ones lent beyond it go when they come back", () => {
  const pool = new ReceiveRingPool(() => new ReceiveRing(8, 2), 30_000, 2);
  const lent = [pool.take(), pool.take(), pool.take()];
  for (const ring of lent) pool.give(ring);
  assert.equal(pool.spareCount, 2);
});
