// CarStreamParser: a CARv1 stream split into blocks as it arrives, without copying it, whatever sizes its chunks come in.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as dagCbor from "@ipld/dag-cbor";
import { varint } from "multiformats";
import { CID } from "multiformats/cid";
import { sha256 } from "multiformats/hashes/sha2";
import { CarStreamParser } from "../../../electron/core/models/ipfs/car-stream.js";

const RAW = 0x55;

function section(parts: Uint8Array[]): Buffer {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  return Buffer.concat([Buffer.from(varint.encodeTo(length, new Uint8Array(varint.encodingLength(length)))), ...parts]);
}

function carOf(blocks: Uint8Array[]): { car: Buffer; cids: CID[] } {
  const cids = blocks.map((block) => CID.createV1(RAW, sha256.digest(block) as never));
  const header = section([dagCbor.encode({ version: 1, roots: [cids[0]!] })]);
  return { car: Buffer.concat([header, ...blocks.map((block, i) => section([cids[i]!.bytes, block]))]), cids };
}

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
