// Fuzzing every decoder with 10,000 random, truncated and mutated buffers: a decoder may accept a buffer
// (then its value re-encodes canonically) or reject it with ProtoDecodeError — never anything else, and
// never slowly. Inputs come from a seeded generator, so a failure names a reproducible buffer.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { bytesToHex } from "@noble/hashes/utils.js";
import * as proto from "../../../electron/core/pokt/proto/index.js";
import { allCodecs } from "../../fixtures/pokt/all-codecs.js";
import type { AnyMessageCodec, FieldShape, ScalarKind } from "../../../electron/core/pokt/proto/index.js";

const BUFFER_COUNT = 10_000;
/** Generous: the whole pass for one decoder takes well under a second on an idle core. */
const TIME_LIMIT_PER_DECODER_MS = 20_000;


/** xorshift32: small, fast and reproducible. */
function randomSource(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
  return {
    below: (limit: number) => next() % limit,
    chance: (percent: number) => next() % 100 < percent,
    bytes(length: number) {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) out[i] = next() & 0xff;
      return out;
    },
  };
}
type Random = ReturnType<typeof randomSource>;

function randomScalar(kind: ScalarKind, random: Random): unknown {
  switch (kind) {
    case "string":
      return String.fromCharCode(...random.bytes(random.below(12)).map((b) => 0x20 + (b % 0x5f)));
    case "bytes":
      return random.bytes(random.below(40));
    case "bool":
      return random.chance(50);
    case "uint32":
      return random.below(0xffffffff);
    case "int32":
      return random.below(0xffffffff) - 0x80000000;
    case "uint64":
      return BigInt(random.below(0xffffffff)) << BigInt(random.below(32));
    case "int64":
      return (BigInt(random.below(0xffffffff)) << BigInt(random.below(31))) * (random.chance(20) ? -1n : 1n);
    case "double":
      return random.below(1000) / 7;
  }
}

function randomField(shape: FieldShape, random: Random): unknown {
  switch (shape.kind) {
    case "scalar":
      return shape.repeated
        ? Array.from({ length: random.below(3) }, () => randomScalar(shape.scalar, random))
        : randomScalar(shape.scalar, random);
    case "message":
      if (shape.repeated) return Array.from({ length: random.below(3) }, () => randomMessage(shape.message, random));
      return shape.required || random.chance(70) ? randomMessage(shape.message, random) : undefined;
    case "map":
      return new Map(
        Array.from({ length: random.below(3) }, () => [
          randomScalar(shape.key, random),
          randomMessage(shape.value, random),
        ]),
      );
  }
}

/** A valid value of the message; oneof members are left unset (their default). */
function randomMessage(codec: AnyMessageCodec, random: Random): object {
  const value = codec.create() as Record<string, unknown>;
  for (const { name, field } of codec.fields) {
    if (field.oneof === undefined) value[name] = randomField(field.shape, random);
  }
  return value;
}

/** Random bytes, truncated valid encodings and mutated valid encodings, in equal parts. */
function fuzzBuffers(seed: number): Uint8Array[] {
  const random = randomSource(seed);
  const valid = Array.from({ length: 300 }, (_, i) => {
    const codec = allCodecs[i % allCodecs.length];
    return codec.toBytes(randomMessage(codec, random));
  }).filter((bytes) => bytes.length > 0);
  const buffers: Uint8Array[] = [];
  for (let i = 0; i < BUFFER_COUNT; i++) {
    const source = valid[random.below(valid.length)];
    switch (i % 3) {
      case 0:
        buffers.push(random.bytes(random.below(64)));
        break;
      case 1:
        buffers.push(source.slice(0, random.below(source.length)));
        break;
      default: {
        const mutated = source.slice();
        for (let edits = 1 + random.below(3); edits > 0; edits--) mutated[random.below(mutated.length)] = random.below(256);
        buffers.push(mutated);
      }
    }
  }
  return buffers;
}

const buffers = fuzzBuffers(0x5eed);

function checkDecoder(codec: AnyMessageCodec, input: Uint8Array): "accepted" | "rejected" {
  let decoded: object;
  try {
    decoded = codec.decode(input);
  } catch (error) {
    if (error instanceof proto.ProtoDecodeError) return "rejected";
    throw new Error(`${codec.typeName} threw ${String(error)} for ${bytesToHex(input)}`);
  }
  // What was accepted must be representable, and its canonical form must be a fixed point.
  const canonical = codec.toBytes(decoded);
  assert.deepEqual(codec.toBytes(codec.decode(canonical)), canonical, `not canonical: ${bytesToHex(input)}`);
  return "accepted";
}

describe(`fuzzing every decoder with ${BUFFER_COUNT} buffers`, () => {
  test("the corpus mixes accepted and rejected inputs", () => {
    const outcomes = buffers.map((input) => checkDecoder(proto.service.RelayRequest, input));
    assert.ok(outcomes.includes("accepted") && outcomes.includes("rejected"));
  });

  for (const codec of allCodecs) {
    test(codec.typeName, () => {
      const start = performance.now();
      for (const input of buffers) checkDecoder(codec, input);
      const elapsed = performance.now() - start;
      assert.ok(elapsed < TIME_LIMIT_PER_DECODER_MS, `${codec.typeName} took ${Math.round(elapsed)} ms`);
    });
  }
});

describe("adversarial shapes", () => {
  const rejects = (codec: AnyMessageCodec, input: Uint8Array) =>
    assert.throws(() => codec.decode(input), proto.ProtoDecodeError);

  test("a million nested unknown groups are skipped without recursion and rejected when unterminated", () => {
    const starts = new Uint8Array(1_000_000).fill(0x7b); // field 15, start-group
    rejects(proto.session.SessionHeader, starts);
    const balanced = new Uint8Array(2_000_000);
    balanced.fill(0x7b, 0, 1_000_000);
    balanced.fill(0x7c, 1_000_000); // matching end-groups
    assert.deepEqual(proto.session.SessionHeader.decode(balanced), proto.session.SessionHeader.create());
  });

  test("a length claiming gigabytes is refused before anything is allocated", () => {
    rejects(proto.service.RelayRequest, new Uint8Array([0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]));
    rejects(proto.service.RelayRequest, new Uint8Array([0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]));
  });

  test("a length prefix running past an embedded message's end is refused", () => {
    // Relay.req claims 3 bytes, of which meta claims 0x7f.
    rejects(proto.service.Relay, new Uint8Array([0x0a, 0x03, 0x0a, 0x7f, 0x00]));
  });
});
