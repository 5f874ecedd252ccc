import { test } from "node:test";
import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { publicKeyFromPrivateKey } from "../../../electron/core/pokt/keys.js";
import { clearRingPointCaches, lookupKeyImage, lookupRingMember, pointKey } from "../../../electron/core/pokt/ring/point-cache.js";

const publicKey = (i: number) => publicKeyFromPrivateKey(sha256(utf8ToBytes(`point-cache-key-${i}`)));

test("ring point cache: a key seen again is the same decoding; tables come on its second use", () => {
  clearRingPointCaches();
  const first = lookupRingMember(publicKey(0));
  assert.equal(lookupRingMember(publicKey(0)), first);
  first.noteUse();
  assert.equal(first.precomputed, false);
  first.noteUse();
  assert.equal(first.precomputed, true);
  assert.equal(lookupKeyImage(publicKey(0)), lookupKeyImage(publicKey(0)));
});

test("ring point cache: bounded to 64 members, evicting the least recently used one", () => {
  clearRingPointCaches();
  const keys = Array.from({ length: 65 }, (_, i) => publicKey(i));
  const kept = lookupRingMember(keys[0]);
  const evicted = lookupRingMember(keys[1]);
  for (let i = 2; i < 64; i++) lookupRingMember(keys[i]);
  assert.equal(lookupRingMember(keys[0]), kept, "a read makes key 0 the most recent");
  lookupRingMember(keys[64]);
  assert.equal(lookupRingMember(keys[0]), kept);
  assert.notEqual(lookupRingMember(keys[1]), evicted, "key 1 was the least recent, so it was decoded afresh");
});

test("ring point cache: cleared caches decode afresh", () => {
  const before = lookupRingMember(publicKey(0));
  clearRingPointCaches();
  assert.notEqual(lookupRingMember(publicKey(0)), before);
});

test("ring point cache: keys tell every encoding apart, views of larger buffers by their own bytes", () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  const keys = new Set<string>();
  for (let i = 0; i + 33 <= 256; i++) keys.add(pointKey(bytes.subarray(i, i + 33)));
  assert.equal(keys.size, 256 - 33 + 1, "every window of distinct bytes has its own key");
  assert.equal(pointKey(bytes.subarray(200, 233)), pointKey(bytes.slice(200, 233)), "a view and a copy of the same bytes share a key");
  assert.equal(pointKey(Uint8Array.of(0x02, 0x80, 0xff)), "\x02\x80\xff", "one character per byte, high bytes included");
});
