// Property tests over every declared message, with generators derived from the codecs' own field shapes:
// encode → decode gives the value back, encoding is canonical (fields ascending, re-encoding is stable),
// and decoding fields in a scrambled order re-encodes to the canonical bytes.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { BinaryReader } from "cosmjs-types/binary";
import { allCodecs } from "../../fixtures/pokt/all-codecs.js";
import type { AnyMessageCodec, FieldShape, ScalarKind } from "../../../electron/core/pokt/proto/index.js";


const RUNS_PER_MESSAGE = 40;

function scalarArbitrary(kind: ScalarKind): fc.Arbitrary<unknown> {
  switch (kind) {
    case "string":
      return fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: "binary", maxLength: 6 }));
    case "bytes":
      return fc.uint8Array({ maxLength: 40 });
    case "bool":
      return fc.boolean();
    case "uint32":
      return fc.integer({ min: 0, max: 0xffffffff });
    case "int32":
      return fc.integer({ min: -0x80000000, max: 0x7fffffff });
    case "uint64":
      return fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    case "int64":
      return fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
    case "double":
      // -0 is written as absent and reads back as +0, exactly as in Go; it cannot round-trip.
      return fc.double().filter((value) => !Object.is(value, -0));
  }
}

const messageArbitraries = new Map<AnyMessageCodec, fc.Arbitrary<Record<string, unknown>>>();

function fieldArbitrary(shape: FieldShape, inOneof: boolean): fc.Arbitrary<unknown> {
  switch (shape.kind) {
    case "scalar": {
      const scalar = scalarArbitrary(shape.scalar);
      if (shape.repeated) return fc.array(scalar, { maxLength: 3 });
      return inOneof ? fc.option(scalar, { nil: undefined }) : scalar;
    }
    case "message": {
      const inner = messageArbitrary(shape.message);
      if (shape.repeated) return fc.array(inner, { maxLength: 2 });
      return shape.required ? inner : fc.option(inner, { nil: undefined });
    }
    case "map": {
      const key = shape.key === "string" ? scalarArbitrary("string") : scalarArbitrary("uint64");
      return fc
        .array(fc.tuple(key, messageArbitrary(shape.value)), { maxLength: 3 })
        .map((entries) => new Map(entries));
    }
  }
}

function messageArbitrary(codec: AnyMessageCodec): fc.Arbitrary<Record<string, unknown>> {
  const cached = messageArbitraries.get(codec);
  if (cached) return cached;
  const model = Object.fromEntries(
    codec.fields.map(({ name, field }) => [name, fieldArbitrary(field.shape, field.oneof !== undefined)]),
  );
  const arbitrary = fc.record(model).map((generated) => {
    const value: Record<string, unknown> = { ...generated }; // plain prototype, like decoded messages
    // At most one member of a oneof group may be set: keep the first that is.
    const seenGroups = new Set<string>();
    for (const { name, field } of codec.fields) {
      if (field.oneof === undefined || value[name] === undefined) continue;
      if (seenGroups.has(field.oneof)) value[name] = undefined;
      seenGroups.add(field.oneof);
    }
    return value;
  });
  messageArbitraries.set(codec, arbitrary);
  return arbitrary;
}

/** Top-level fields of an encoding, as [field number, raw bytes of tag + value]. */
function topLevelFields(bytes: Uint8Array): Array<[number, Uint8Array]> {
  const reader = new BinaryReader(bytes);
  const fields: Array<[number, Uint8Array]> = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    reader.skipType(tag & 7);
    fields.push([tag >>> 3, bytes.slice(start, reader.pos)]);
  }
  return fields;
}

const concat = (chunks: Uint8Array[]) => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
};

test("there are messages to check", () => assert.ok(allCodecs.length > 100, `${allCodecs.length} codecs`));

for (const codec of allCodecs) {
  describe(codec.typeName, () => {
    const arbitrary = messageArbitrary(codec);

    test("encode → decode gives the same value, and fromPartial keeps it", () => {
      fc.assert(
        fc.property(arbitrary, (value) => {
          const bytes = codec.toBytes(value);
          assert.deepStrictEqual(codec.decode(bytes), value);
          assert.deepStrictEqual(codec.fromPartial(value), value);
        }),
        { numRuns: RUNS_PER_MESSAGE },
      );
    });

    test("encoding is canonical: fields ascending, decode → encode reproduces the bytes", () => {
      fc.assert(
        fc.property(arbitrary, (value) => {
          const bytes = codec.toBytes(value);
          const numbers = topLevelFields(bytes).map(([no]) => no);
          assert.deepStrictEqual(numbers, [...numbers].sort((a, b) => a - b));
          assert.deepStrictEqual(codec.toBytes(codec.decode(bytes)), bytes);
        }),
        { numRuns: RUNS_PER_MESSAGE },
      );
    });

    const singular = codec.fields.every(({ field }) => field.shape.kind !== "map" && !("repeated" in field.shape && field.shape.repeated));
    if (singular && codec.fields.length > 1 && codec.fields.every(({ field }) => field.oneof === undefined)) {
      test("fields read in any order re-encode to the canonical bytes", () => {
        fc.assert(
          fc.property(arbitrary, (value) => {
            const bytes = codec.toBytes(value);
            const scrambled = concat(topLevelFields(bytes).map(([, raw]) => raw).reverse());
            assert.deepStrictEqual(codec.toBytes(codec.decode(scrambled)), bytes);
          }),
          { numRuns: RUNS_PER_MESSAGE },
        );
      });
    }
  });
}
