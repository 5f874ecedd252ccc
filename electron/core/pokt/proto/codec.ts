// A small declarative protobuf layer over cosmjs-types' BinaryWriter/BinaryReader.
//
// Encoding reproduces gogoproto's canonical (stable) marshalling that the POKT chain hashes and signs:
// fields in ascending number order, proto3 defaults omitted, nullable sub-messages written iff present
// (even when empty), non-nullable sub-messages always written, map entries sorted by key with key and value
// always present. Decoding merges repeated occurrences like gogoproto, skips unknown fields and turns every
// malformation into a ProtoDecodeError; lengths are checked against the enclosing message, so a decoder
// never reads past its input and never loops.
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";
import { compareBytes, isWellFormedUnicode, utf8DecodeStrict, utf8Encode } from "./bytes.js";
import { ProtoDecodeError, ProtoEncodeError } from "./errors.js";

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_START_GROUP = 3;
const WIRE_END_GROUP = 4;
const WIRE_FIXED32 = 5;

const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

// Internal signals, converted to ProtoDecodeError / ProtoEncodeError with the message and field names at
// the message boundary. Deliberately not Errors: capturing a stack trace for every rejected buffer would
// make garbage input several times more expensive to refuse than valid input is to decode.
/** Malformed input. */
class MalformedInput {
  constructor(readonly message: string) {}
}
/** A value that cannot be encoded. */
class InvalidValue {
  constructor(readonly message: string) {}
}

export type ScalarKind = "string" | "bytes" | "bool" | "uint32" | "int32" | "uint64" | "int64" | "double";

/** Introspection of a field, used by generic tooling (e.g. property-test generators). */
export type FieldShape =
  | { readonly kind: "scalar"; readonly scalar: ScalarKind; readonly repeated: boolean }
  | {
      readonly kind: "message";
      readonly message: AnyMessageCodec;
      readonly required: boolean;
      readonly repeated: boolean;
    }
  | { readonly kind: "map"; readonly key: "string" | "uint64"; readonly value: AnyMessageCodec };

/** One field of a message: how its value of type T is created, written, read and built from input P. */
export interface Field<T, P> {
  readonly no: number;
  readonly wireType: number;
  readonly shape: FieldShape;
  /** Name of the oneof group the field belongs to; setting it clears the group's other members. */
  readonly oneof: string | undefined;
  create(): T;
  /** Writes tag and value when the canonical rules say the field is present. */
  write(writer: BinaryWriter, value: T): void;
  /** Reads one occurrence (its tag already consumed) and returns the field's new value. */
  read(reader: BinaryReader, end: number, previous: T): T;
  fromPartial(value: P | null | undefined): T;
}

type AnyField = Field<any, any>;
type FieldValue<F> = F extends Field<infer T, any> ? T : never;
type FieldPartial<F> = F extends Field<any, infer P> ? P : never;

export type MessageValue<S extends Record<string, AnyField>> = { [K in keyof S]: FieldValue<S[K]> };
export type MessagePartial<S extends Record<string, AnyField>> = { [K in keyof S]?: FieldPartial<S[K]> | null };

/** The TypeScript type of the messages a codec handles: `type Coin = MessageOf<typeof Coin>`. */
export type MessageOf<C> = C extends MessageCodec<infer T, any> ? T : never;
/** The input accepted by a codec's fromPartial. */
export type PartialOf<C> = C extends MessageCodec<any, infer P> ? P : never;

const decodeIntoKey = Symbol("decodeInto");

/**
 * A message codec. Its shape (typeUrl, encode(message, writer?) → BinaryWriter, decode(bytes | reader,
 * length?), fromPartial) is that of cosmjs' Telescope `GeneratedType`, so it can be registered in a
 * `@cosmjs/proto-signing` Registry.
 */
export interface MessageCodec<T extends object, P extends object> {
  /** Fully qualified protobuf name, e.g. `pocket.proof.MsgCreateClaim`. */
  readonly typeName: string;
  /** `/` + typeName, the Any type URL. */
  readonly typeUrl: string;
  /** Fields in ascending field-number order. */
  readonly fields: ReadonlyArray<{ readonly name: string; readonly field: AnyField }>;
  create(): T;
  encode(message: T, writer?: BinaryWriter): BinaryWriter;
  /** Throws ProtoDecodeError, and nothing else, on malformed input. */
  decode(input: Uint8Array | BinaryReader, length?: number): T;
  fromPartial(object: P): T;
  /** Canonical encoding as a standalone byte array. */
  toBytes(message: T): Uint8Array;
  /** Decodes one embedded occurrence into an existing value (protobuf merge semantics). */
  [decodeIntoKey](target: T, reader: BinaryReader, end: number): void;
}

export type AnyMessageCodec = MessageCodec<any, any>;

// ---------------------------------------------------------------------------------------------------
// Low-level reading helpers (bounds are always checked against the enclosing message's end).

function tagOf(no: number, wireType: number): number {
  return ((no << 3) | wireType) >>> 0;
}

/** Reads a tag the way gogoproto does: 64-bit varint, field number = int32(wire >> 3). */
function readTag(reader: BinaryReader): [fieldNo: number, wireType: number] {
  const start = reader.pos;
  const tag = reader.uint32();
  if (reader.pos - start <= 4) return [tag >>> 3, tag & 7];
  // uint32() drops bits above 32; a tag this long needs the exact 64-bit value.
  reader.pos = start;
  const wide = reader.uint64();
  return [Number(BigInt.asIntN(32, wide >> 3n)), Number(wide & 7n)];
}

/** Reads a length prefix and checks that that many bytes remain before `end`. */
function readLength(reader: BinaryReader, end: number): number {
  const start = reader.pos;
  let length = reader.uint32();
  if (reader.pos - start > 4) {
    // uint32() silently truncates lengths ≥ 2^32; re-read exactly so a huge length is rejected.
    reader.pos = start;
    const exact = reader.uint64();
    length = exact > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(exact);
  }
  if (reader.pos > end || length > end - reader.pos) {
    throw new MalformedInput(`length ${length} exceeds the ${Math.max(0, end - reader.pos)} bytes left`);
  }
  return length;
}

function requireBytesLeft(reader: BinaryReader, end: number, count: number): void {
  if (end - reader.pos < count) throw new MalformedInput(`need ${count} bytes, ${end - reader.pos} left`);
}

/** Skips one unknown field whose tag was just read (groups included, iteratively). */
function skipField(reader: BinaryReader, firstWireType: number, end: number): void {
  let wireType = firstWireType;
  let groupDepth = 0;
  for (;;) {
    switch (wireType) {
      case WIRE_VARINT:
        reader.uint64(); // validates the varint is at most 10 bytes
        break;
      case WIRE_FIXED64:
        requireBytesLeft(reader, end, 8);
        reader.pos += 8;
        break;
      case WIRE_LENGTH_DELIMITED:
        reader.pos += readLength(reader, end);
        break;
      case WIRE_START_GROUP:
        groupDepth++;
        break;
      case WIRE_END_GROUP:
        if (groupDepth === 0) throw new MalformedInput("unexpected end-group");
        groupDepth--;
        break;
      case WIRE_FIXED32:
        requireBytesLeft(reader, end, 4);
        reader.pos += 4;
        break;
      default:
        throw new MalformedInput(`illegal wire type ${wireType}`);
    }
    if (reader.pos > end) throw new MalformedInput("unknown field overruns its message");
    if (groupDepth === 0) return;
    if (reader.pos >= end) throw new MalformedInput("unterminated group");
    wireType = readTag(reader)[1];
  }
}

// ---------------------------------------------------------------------------------------------------
// Scalars

interface ScalarOps<T, P> {
  readonly kind: ScalarKind;
  readonly wireType: number;
  zero(): T;
  isZero(value: T): boolean;
  /** Writes the value only (no tag). */
  write(writer: BinaryWriter, value: T): void;
  read(reader: BinaryReader, end: number): T;
  coerce(value: P): T;
}

function checkedBigInt(value: unknown, min: bigint, max: bigint): bigint {
  let big: bigint;
  if (typeof value === "bigint") big = value;
  else if (typeof value === "number" && Number.isSafeInteger(value)) big = BigInt(value);
  else if (typeof value === "string" && /^-?\d+$/.test(value)) big = BigInt(value);
  else throw new InvalidValue(`expected an integer, got ${describe(value)}`);
  if (big < min || big > max) throw new InvalidValue(`${big} is outside [${min}, ${max}]`);
  return big;
}

function checkedInteger(value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidValue(`expected an integer in [${min}, ${max}], got ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  return typeof value === "object" ? (value === null ? "null" : "an object") : String(value);
}

const stringOps: ScalarOps<string, string> = {
  kind: "string",
  wireType: WIRE_LENGTH_DELIMITED,
  zero: () => "",
  isZero: (value) => value.length === 0,
  write(writer, value) {
    writer.string(this.coerce(value));
  },
  read(reader, end) {
    const length = readLength(reader, end);
    const start = reader.pos;
    reader.pos += length;
    try {
      return utf8DecodeStrict(reader.buf.subarray(start, start + length));
    } catch {
      throw new MalformedInput("string is not valid UTF-8");
    }
  },
  coerce(value) {
    if (typeof value !== "string") throw new InvalidValue(`expected a string, got ${describe(value)}`);
    if (!isWellFormedUnicode(value)) throw new InvalidValue("string contains a lone surrogate (no UTF-8 form)");
    return value;
  },
};

const bytesOps: ScalarOps<Uint8Array, Uint8Array> = {
  kind: "bytes",
  wireType: WIRE_LENGTH_DELIMITED,
  zero: () => new Uint8Array(0),
  isZero: (value) => value.length === 0,
  write(writer, value) {
    writer.bytes(this.coerce(value));
  },
  read(reader, end) {
    const length = readLength(reader, end);
    const start = reader.pos;
    reader.pos += length;
    // A copy, so a decoded message never pins (or aliases) the whole input buffer.
    return reader.buf.slice(start, start + length);
  },
  coerce(value) {
    if (!(value instanceof Uint8Array)) throw new InvalidValue(`expected a Uint8Array, got ${describe(value)}`);
    return value;
  },
};

const boolOps: ScalarOps<boolean, boolean> = {
  kind: "bool",
  wireType: WIRE_VARINT,
  zero: () => false,
  isZero: (value) => !value,
  write: (writer, value) => void writer.bool(value),
  read: (reader) => reader.bool(),
  coerce(value) {
    if (typeof value !== "boolean") throw new InvalidValue(`expected a boolean, got ${describe(value)}`);
    return value;
  },
};

const uint32Ops: ScalarOps<number, number> = {
  kind: "uint32",
  wireType: WIRE_VARINT,
  zero: () => 0,
  isZero: (value) => value === 0,
  write: (writer, value) => void writer.uint32(checkedInteger(value, 0, 0xffffffff)),
  read: (reader) => reader.uint32(),
  coerce: (value) => checkedInteger(value, 0, 0xffffffff),
};

/** int32 and enums: a negative value is written sign-extended to 10 bytes, as Go does. */
const int32Ops: ScalarOps<number, number> = {
  kind: "int32",
  wireType: WIRE_VARINT,
  zero: () => 0,
  isZero: (value) => value === 0,
  write: (writer, value) => void writer.int32(checkedInteger(value, -0x80000000, 0x7fffffff)),
  read: (reader) => reader.int32(),
  coerce: (value) => checkedInteger(value, -0x80000000, 0x7fffffff),
};

type Int64Input = bigint | number | string;

/**
 * cosmjs-types' BinaryWriter.int64()/uint64() corrupt values in [2^31, 2^32) (e.g. 2^31 is written as
 * five zero bytes); uint32() is exact there, so every value below 2^32 goes through it.
 */
function writeVarint64(writer: BinaryWriter, value: bigint): void {
  if (value >= 0n && value <= 0xffffffffn) writer.uint32(Number(value));
  else writer.int64(value);
}

const uint64Ops: ScalarOps<bigint, Int64Input> = {
  kind: "uint64",
  wireType: WIRE_VARINT,
  zero: () => 0n,
  isZero: (value) => value === 0n,
  write: (writer, value) => writeVarint64(writer, checkedBigInt(value, 0n, UINT64_MAX)),
  read: (reader) => reader.uint64(),
  coerce: (value) => checkedBigInt(value, 0n, UINT64_MAX),
};

const int64Ops: ScalarOps<bigint, Int64Input> = {
  kind: "int64",
  wireType: WIRE_VARINT,
  zero: () => 0n,
  isZero: (value) => value === 0n,
  write: (writer, value) => writeVarint64(writer, checkedBigInt(value, INT64_MIN, INT64_MAX)),
  read: (reader) => reader.int64(),
  coerce: (value) => checkedBigInt(value, INT64_MIN, INT64_MAX),
};

// cosmjs-types' BinaryWriter/Reader refuse doubles; they are 8 little-endian IEEE-754 bytes on the wire.
const doubleScratch = new DataView(new ArrayBuffer(8));
const doubleOps: ScalarOps<number, number> = {
  kind: "double",
  wireType: WIRE_FIXED64,
  zero: () => 0,
  // Go omits a proto3 double iff `v != 0`, which also omits -0.
  isZero: (value) => value === 0,
  write(writer, value) {
    doubleScratch.setFloat64(0, this.coerce(value), true);
    writer.fixed32(doubleScratch.getUint32(0, true)).fixed32(doubleScratch.getUint32(4, true));
  },
  read(reader, end) {
    requireBytesLeft(reader, end, 8);
    const start = reader.buf.byteOffset + reader.pos;
    reader.pos += 8;
    return new DataView(reader.buf.buffer, start, 8).getFloat64(0, true);
  },
  coerce(value) {
    if (typeof value !== "number") throw new InvalidValue(`expected a number, got ${describe(value)}`);
    return value;
  },
};

function scalarField<T, P>(no: number, ops: ScalarOps<T, P>): Field<T, P> {
  const tag = tagOf(no, ops.wireType);
  return {
    no,
    wireType: ops.wireType,
    shape: { kind: "scalar", scalar: ops.kind, repeated: false },
    oneof: undefined,
    create: ops.zero,
    write(writer, value) {
      if (ops.isZero(value)) return;
      writer.uint32(tag);
      ops.write(writer, value);
    },
    read: (reader, end) => ops.read(reader, end),
    fromPartial: (value) => (value === undefined || value === null ? ops.zero() : ops.coerce(value)),
  };
}

/** A oneof member: explicit presence, written whenever set, even to its zero value. */
function oneofField<T, P>(group: string, no: number, ops: ScalarOps<T, P>): Field<T | undefined, P> {
  const tag = tagOf(no, ops.wireType);
  return {
    no,
    wireType: ops.wireType,
    shape: { kind: "scalar", scalar: ops.kind, repeated: false },
    oneof: group,
    create: () => undefined,
    write(writer, value) {
      if (value === undefined) return;
      writer.uint32(tag);
      ops.write(writer, value);
    },
    read: (reader, end) => ops.read(reader, end),
    fromPartial: (value) => (value === undefined || value === null ? undefined : ops.coerce(value)),
  };
}

function repeatedScalarField<T, P>(no: number, ops: ScalarOps<T, P>): Field<T[], P[]> {
  if (ops.wireType !== WIRE_LENGTH_DELIMITED) {
    // Packed encoding is not needed by any pocket message; refuse rather than get it subtly wrong.
    throw new Error("only length-delimited scalars can be repeated");
  }
  const tag = tagOf(no, ops.wireType);
  return {
    no,
    wireType: ops.wireType,
    shape: { kind: "scalar", scalar: ops.kind, repeated: true },
    oneof: undefined,
    create: () => [],
    write(writer, values) {
      if (!Array.isArray(values)) throw new InvalidValue(`expected an array, got ${describe(values)}`);
      // Every element is written, empty ones included.
      for (const value of values) {
        writer.uint32(tag);
        ops.write(writer, value);
      }
    },
    read(reader, end, previous) {
      previous.push(ops.read(reader, end));
      return previous;
    },
    fromPartial: (values) => (values ?? []).map((value) => ops.coerce(value)),
  };
}

// ---------------------------------------------------------------------------------------------------
// Embedded messages and maps

function writeEmbedded<T extends object>(writer: BinaryWriter, tag: number, codec: MessageCodec<T, any>, value: T) {
  writer.uint32(tag).fork();
  codec.encode(value, writer);
  writer.ldelim();
}

function readEmbedded<T extends object>(
  reader: BinaryReader,
  end: number,
  codec: MessageCodec<T, any>,
  into: T,
): T {
  const length = readLength(reader, end);
  codec[decodeIntoKey](into, reader, reader.pos + length);
  return into;
}

function optionalMessageField<T extends object, P extends object>(
  no: number,
  codec: MessageCodec<T, P>,
): Field<T | undefined, P> {
  const tag = tagOf(no, WIRE_LENGTH_DELIMITED);
  return {
    no,
    wireType: WIRE_LENGTH_DELIMITED,
    shape: { kind: "message", message: codec, required: false, repeated: false },
    oneof: undefined,
    create: () => undefined,
    write(writer, value) {
      // Present means written, even when every field inside is default (then it is `tag 00`).
      if (value !== undefined && value !== null) writeEmbedded(writer, tag, codec, value);
    },
    // A repeated occurrence merges into the earlier one, as in gogoproto.
    read: (reader, end, previous) => readEmbedded(reader, end, codec, previous ?? codec.create()),
    fromPartial: (value) => (value === undefined || value === null ? undefined : codec.fromPartial(value)),
  };
}

function requiredMessageField<T extends object, P extends object>(no: number, codec: MessageCodec<T, P>): Field<T, P> {
  const tag = tagOf(no, WIRE_LENGTH_DELIMITED);
  return {
    no,
    wireType: WIRE_LENGTH_DELIMITED,
    shape: { kind: "message", message: codec, required: true, repeated: false },
    oneof: undefined,
    create: () => codec.create(),
    write: (writer, value) => writeEmbedded(writer, tag, codec, value ?? codec.create()),
    read: (reader, end, previous) => readEmbedded(reader, end, codec, previous),
    fromPartial: (value) => codec.fromPartial(value ?? ({} as P)),
  };
}

function repeatedMessageField<T extends object, P extends object>(
  no: number,
  codec: MessageCodec<T, P>,
): Field<T[], P[]> {
  const tag = tagOf(no, WIRE_LENGTH_DELIMITED);
  return {
    no,
    wireType: WIRE_LENGTH_DELIMITED,
    shape: { kind: "message", message: codec, required: false, repeated: true },
    oneof: undefined,
    create: () => [],
    write(writer, values) {
      if (!Array.isArray(values)) throw new InvalidValue(`expected an array, got ${describe(values)}`);
      for (const value of values) writeEmbedded(writer, tag, codec, value);
    },
    read(reader, end, previous) {
      previous.push(readEmbedded(reader, end, codec, codec.create()));
      return previous;
    },
    fromPartial: (values) => (values ?? []).map((value) => codec.fromPartial(value ?? ({} as P))),
  };
}

interface MapKeyOps<K> {
  readonly kind: "string" | "uint64";
  readonly scalar: ScalarOps<K, K>;
  compare(a: K, b: K): number;
}

const stringKeys: MapKeyOps<string> = {
  kind: "string",
  scalar: stringOps,
  // Go sorts map keys byte-wise on their UTF-8 form, which differs from JS's UTF-16 order.
  compare: (a, b) => compareBytes(utf8Encode(a), utf8Encode(b)),
};

const uint64Keys: MapKeyOps<bigint> = {
  kind: "uint64",
  scalar: uint64Ops as ScalarOps<bigint, bigint>,
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
};

/** A map field: entries sorted by key; each entry `{1: key, 2: value}` with both always written. */
function mapField<K, T extends object, P extends object>(
  no: number,
  keys: MapKeyOps<K>,
  codec: MessageCodec<T, P>,
): Field<Map<K, T>, Map<K, P>> {
  const tag = tagOf(no, WIRE_LENGTH_DELIMITED);
  const keyTag = tagOf(1, keys.scalar.wireType);
  const valueTag = tagOf(2, WIRE_LENGTH_DELIMITED);
  return {
    no,
    wireType: WIRE_LENGTH_DELIMITED,
    shape: { kind: "map", key: keys.kind, value: codec },
    oneof: undefined,
    create: () => new Map(),
    write(writer, map) {
      if (!(map instanceof Map)) throw new InvalidValue(`expected a Map, got ${describe(map)}`);
      const entries = [...map.entries()].sort((a, b) => keys.compare(a[0], b[0]));
      for (const [key, value] of entries) {
        writer.uint32(tag).fork();
        writer.uint32(keyTag);
        keys.scalar.write(writer, key);
        writeEmbedded(writer, valueTag, codec, value);
        writer.ldelim();
      }
    },
    read(reader, end, previous) {
      const length = readLength(reader, end);
      const entryEnd = reader.pos + length;
      let key = keys.scalar.zero();
      let value: T | undefined;
      while (reader.pos < entryEnd) {
        const [fieldNo, wireType] = readTag(reader);
        if (fieldNo <= 0) throw new MalformedInput(`illegal field number ${fieldNo} in map entry`);
        if (fieldNo === 1 && wireType === keys.scalar.wireType) key = keys.scalar.read(reader, entryEnd);
        else if (fieldNo === 2 && wireType === WIRE_LENGTH_DELIMITED) {
          value = readEmbedded(reader, entryEnd, codec, value ?? codec.create());
        } else if (fieldNo === 1 || fieldNo === 2) throw new MalformedInput(`wrong wire type ${wireType} in map entry`);
        else skipField(reader, wireType, entryEnd);
        if (reader.pos > entryEnd) throw new MalformedInput("map entry overruns its length");
      }
      // A later entry with the same key replaces the earlier one, as in Go.
      previous.set(key, value ?? codec.create());
      return previous;
    },
    fromPartial(map) {
      const out = new Map<K, T>();
      if (map === undefined || map === null) return out;
      if (!(map instanceof Map)) throw new InvalidValue(`expected a Map, got ${describe(map)}`);
      for (const [key, value] of map) out.set(keys.scalar.coerce(key), codec.fromPartial(value ?? ({} as P)));
      return out;
    },
  };
}

/** Field constructors: `field.string(1)`, `field.message(2, SessionHeader)`, ... */
export const field = {
  string: (no: number) => scalarField(no, stringOps),
  bytes: (no: number) => scalarField(no, bytesOps),
  bool: (no: number) => scalarField(no, boolOps),
  uint32: (no: number) => scalarField(no, uint32Ops),
  int32: (no: number) => scalarField(no, int32Ops),
  /** Enums are int32 on the wire; the value is the enum's number. */
  enum: (no: number) => scalarField(no, int32Ops),
  uint64: (no: number) => scalarField(no, uint64Ops),
  int64: (no: number) => scalarField(no, int64Ops),
  double: (no: number) => scalarField(no, doubleOps),
  repeatedString: (no: number) => repeatedScalarField(no, stringOps),
  /** Nullable embedded message: `undefined` when absent. */
  message: <T extends object, P extends object>(no: number, codec: MessageCodec<T, P>) =>
    optionalMessageField(no, codec),
  /** Non-nullable embedded message (`gogoproto.nullable = false`): always present and always written. */
  required: <T extends object, P extends object>(no: number, codec: MessageCodec<T, P>) =>
    requiredMessageField(no, codec),
  repeated: <T extends object, P extends object>(no: number, codec: MessageCodec<T, P>) =>
    repeatedMessageField(no, codec),
  stringMap: <T extends object, P extends object>(no: number, codec: MessageCodec<T, P>) =>
    mapField(no, stringKeys, codec),
  uint64Map: <T extends object, P extends object>(no: number, codec: MessageCodec<T, P>) =>
    mapField(no, uint64Keys, codec),
  oneof: {
    string: (group: string, no: number) => oneofField(group, no, stringOps),
    uint64: (group: string, no: number) => oneofField(group, no, uint64Ops),
  },
};

// ---------------------------------------------------------------------------------------------------
// Messages

function toDecodeError(error: unknown, typeName: string, offset: number): ProtoDecodeError {
  if (error instanceof ProtoDecodeError) return error;
  // BinaryReader signals truncation with RangeError and over-long varints with Error.
  const reason = error instanceof MalformedInput || error instanceof Error ? error.message : String(error);
  return new ProtoDecodeError(typeName, offset, reason);
}

function toEncodeError(error: unknown, typeName: string, fieldName: string): Error {
  if (error instanceof ProtoEncodeError) return error;
  if (error instanceof InvalidValue) return new ProtoEncodeError(typeName, fieldName, error.message);
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Declares a message. `shape` maps property names to fields; property order is irrelevant, encoding
 * follows field numbers.
 */
export function message<S extends Record<string, AnyField>>(
  typeName: string,
  shape: S,
): MessageCodec<MessageValue<S>, MessagePartial<S>> {
  type T = MessageValue<S>;
  const fields = Object.entries(shape)
    .map(([name, spec]) => ({ name, field: spec }))
    .sort((a, b) => a.field.no - b.field.no);
  const byNumber: Array<{ name: string; field: AnyField; oneofSiblings: string[] } | undefined> = [];
  for (const { name, field: spec } of fields) {
    if (!Number.isInteger(spec.no) || spec.no <= 0) throw new Error(`${typeName}.${name}: bad field number`);
    if (byNumber[spec.no]) throw new Error(`${typeName}: field number ${spec.no} used twice`);
    const oneofSiblings =
      spec.oneof === undefined
        ? []
        : fields.filter((other) => other.name !== name && other.field.oneof === spec.oneof).map((o) => o.name);
    byNumber[spec.no] = { name, field: spec, oneofSiblings };
  }

  const create = (): T => {
    const value: Record<string, unknown> = {};
    for (const { name, field: spec } of fields) value[name] = spec.create();
    return value as T;
  };

  const decodeInto = (target: T, reader: BinaryReader, end: number): void => {
    const record = target as Record<string, unknown>;
    try {
      while (reader.pos < end) {
        const [fieldNo, wireType] = readTag(reader);
        if (reader.pos > end) throw new MalformedInput("truncated tag");
        if (fieldNo <= 0) throw new MalformedInput(`illegal field number ${fieldNo}`);
        const known = byNumber[fieldNo];
        if (known === undefined) {
          skipField(reader, wireType, end);
          continue;
        }
        if (wireType !== known.field.wireType) {
          throw new MalformedInput(`wrong wire type ${wireType} for field ${known.name}`);
        }
        record[known.name] = known.field.read(reader, end, record[known.name]);
        if (reader.pos > end) throw new MalformedInput(`field ${known.name} overruns its message`);
        for (const sibling of known.oneofSiblings) record[sibling] = undefined;
      }
    } catch (error) {
      throw toDecodeError(error, typeName, reader.pos);
    }
  };

  const codec: MessageCodec<T, MessagePartial<S>> = {
    typeName,
    typeUrl: `/${typeName}`,
    fields,
    create,
    encode(value: T, writer: BinaryWriter = BinaryWriter.create()): BinaryWriter {
      if (typeof value !== "object" || value === null) {
        throw new ProtoEncodeError(typeName, "(message)", `expected an object, got ${describe(value)}`);
      }
      const record = value as Record<string, unknown>;
      for (const { name, field: spec } of fields) {
        try {
          spec.write(writer, record[name]);
        } catch (error) {
          throw toEncodeError(error, typeName, name);
        }
      }
      return writer;
    },
    decode(input: Uint8Array | BinaryReader, length?: number): T {
      let reader: BinaryReader;
      try {
        reader = input instanceof BinaryReader ? input : new BinaryReader(input);
      } catch (error) {
        throw toDecodeError(error, typeName, 0);
      }
      const end = length === undefined ? reader.len : reader.pos + length;
      if (!(Number.isInteger(end) && reader.pos <= end && end <= reader.len)) {
        throw new ProtoDecodeError(typeName, reader.pos, `length ${length} does not fit the input`);
      }
      const target = create();
      decodeInto(target, reader, end);
      return target;
    },
    fromPartial(object: MessagePartial<S>): T {
      const input = (object ?? {}) as Record<string, unknown>;
      const value: Record<string, unknown> = {};
      for (const { name, field: spec } of fields) {
        try {
          value[name] = spec.fromPartial(input[name]);
        } catch (error) {
          throw toEncodeError(error, typeName, name);
        }
      }
      return value as T;
    },
    toBytes(value: T): Uint8Array {
      const bytes = codec.encode(value).finish();
      // BinaryWriter hands out views into 8 KiB slabs; copy so a small message does not pin one.
      return bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    },
    [decodeIntoKey]: decodeInto,
  };
  return codec;
}
