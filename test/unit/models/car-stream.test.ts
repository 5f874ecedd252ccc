// CarStreamParser: a CARv1 stream split into blocks as it arrives, without copying it, whatever sizes its chunks come in.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as dagCbor from "@ipld/dag-cbor";
import type { CID } from "multiformats/cid";
import { CarStreamParser } from "../../../electron/core/models/ipfs/car-stream.js";
import { rawCid, section } from "../../fixtures/models/car-peer.js";

function carOf(blocks: Uint8Array[]): { car: Buffer; cids: CID[] } {
  const cids = blocks.map(rawCid);
  const header = section([dagCbor.encode({ version: 1, roots: [cids[0]!] })]);
  return { car: Buffer.concat([header, ...blocks.map((block, i) => section([cids[i]!.bytes, block]))]), cids };
}

test("a block that arrives a byte at a time into one memory is one view of it, not a view per byte", () => {
  // A peer that sends a byte per TCP segment makes a read per byte; held as they came, a section of megabytes would be
  // millions of objects (about 100 bytes of heap each) for bytes the receive ring already bounds.
  const block = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 31) % 256));
  const { car, cids } = carOf([block]);
  const parser = new CarStreamParser(1024 * 1024);
  const found = [];
  for (let at = 0; at < car.length; at++) found.push(...parser.push(car.subarray(at, at + 1)));
  assert.equal(found.length, 1);
  assert.ok(found[0]!.cid.equals(cids[0]!));
  assert.equal(found[0]!.pieces.length, 1);
  assert.ok(Buffer.concat(found[0]!.pieces).equals(block));
  assert.equal(found[0]!.end, car.length);
});

test("chunks of separate memories, or not side by side in one, stay separate pieces", () => {
  const blocks = [Buffer.alloc(1000, 1), Buffer.alloc(3000, 2)];
  const { car } = carOf(blocks);
  // The same bytes in two memories, and then in one memory with a gap between the halves.
  const half = 2000;
  const copied = (bytes: Buffer) => {
    // Not Buffer.from: small copies come from node's shared pool, side by side.
    const copy = Buffer.allocUnsafeSlow(bytes.length);
    bytes.copy(copy);
    return copy;
  };
  const twoMemories = [copied(car.subarray(0, half)), copied(car.subarray(half))];
  const gapped = Buffer.alloc(car.length + 7);
  car.copy(gapped, 0, 0, half);
  car.copy(gapped, half + 7, half);
  const withGap = [gapped.subarray(0, half), gapped.subarray(half + 7)];
  for (const chunks of [twoMemories, withGap]) {
    const parser = new CarStreamParser(1024 * 1024);
    const found = chunks.flatMap((chunk) => parser.push(chunk));
    assert.deepEqual(
      found.map((b) => Buffer.concat(b.pieces)),
      blocks,
    );
    assert.equal(found[1]!.pieces.length, 2, "the second block spans both chunks");
  }
});

test("a section that arrives a byte at a time in separate memories is parsed in time that grows with its size, not its square", () => {
  // Each push looks at the next section's length, and the last takes the block's pieces: done over every chunk held,
  // a 256 KiB block sent a byte at a time held the main thread for minutes (a fraction of a second otherwise). The
  // parsing is synchronous, so the bound is checked as it goes: a test timeout could not interrupt it.
  const block = Buffer.from(Array.from({ length: 256 * 1024 }, (_, i) => (i * 7) % 256));
  const { car, cids } = carOf([block]);
  const parser = new CarStreamParser(1024 * 1024);
  const found = [];
  const deadline = performance.now() + 10_000;
  for (let at = 0; at < car.length; at++) {
    if (at % 1024 === 0 && performance.now() > deadline) assert.fail(`still parsing after 10 s, at byte ${at} of ${car.length}`);
    const byte = Buffer.allocUnsafeSlow(1);
    byte[0] = car[at]!;
    found.push(...parser.push(byte));
  }
  assert.ok(performance.now() < deadline, "the last push, which takes the block, within the bound too");
  assert.equal(found.length, 1);
  assert.ok(found[0]!.cid.equals(cids[0]!));
  assert.ok(Buffer.concat(found[0]!.pieces).equals(block));
});
