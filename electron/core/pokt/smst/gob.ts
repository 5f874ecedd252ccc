// Go encoding/gob for exactly one value type: *smt.SparseCompactMerkleClosestProof, the bytes of
// MsgSubmitProof.proof (docs/protocol.md §7.6).
//
// The encoder writes what a fresh Go process writes (type ids 65, 66, 67). The decoder accepts any type
// ids a Go encoder may have assigned, but only the canonical shape of this one type: exactly its three type
// definitions with Go's names and field lists, minimal integers, no explicitly encoded zero values, no
// trailing bytes. Everything else — and every truncation — is a GobDecodeError. Go's decoder is laxer
// (it matches fields by name, skips unknown ones, ignores trailing data); being strict here means no byte
// of a proof can be altered without the proof being rejected.
import { compactClosestProof } from "./compact.js";
import type { ClosestProof, CompactClosestProof, CompactMerkleProof } from "./proof-types.js";

/** Largest stream the decoder looks at; proofs are a relay plus ~13 KiB at most. */
export const MAX_PROOF_GOB_BYTES = 16 * 1024 * 1024;

/** Bounds that keep allocation proportional to legitimate proofs. */
const MAX_LIST_ITEMS = 256 + 1;
const MAX_STRUCT_FIELDS = 16;

export class GobDecodeError extends Error {
  override readonly name = "GobDecodeError";
  constructor(
    message: string,
    /** Byte offset in the stream where decoding failed. */
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
  }
}

// Go's predeclared gob type ids.
const GOB_INT = 2;
const GOB_BYTES = 5;

const CLOSEST_PROOF_TYPE_NAME = "SparseCompactMerkleClosestProof";
const PROOF_TYPE_NAME = "SparseCompactMerkleProof";
const BYTE_SLICES_TYPE_NAME = "[][]uint8";

/** Field lists in Go declaration order; byteSlices and proof are user types whose ids vary per stream. */
type FieldRef = "bytes" | "int" | "byteSlices" | "proof";
const CLOSEST_PROOF_FIELDS: ReadonlyArray<readonly [string, FieldRef]> = [
  ["Path", "bytes"],
  ["FlippedBits", "byteSlices"],
  ["Depth", "bytes"],
  ["ClosestPath", "bytes"],
  ["ClosestValueHash", "bytes"],
  ["ClosestProof", "proof"],
];
const PROOF_FIELDS: ReadonlyArray<readonly [string, FieldRef]> = [
  ["SideNodes", "byteSlices"],
  ["NonMembershipLeafData", "bytes"],
  ["BitMask", "bytes"],
  ["NumSideNodes", "int"],
  ["SiblingData", "bytes"],
];

// Field indices in Go's gob wireType (ArrayT 0, SliceT 1, StructT 2, …).
const WIRE_SLICE_T = 1;
const WIRE_STRUCT_T = 2;

/** Type ids a fresh Go process assigns (what the encoder emits). */
const FRESH_IDS = { closestProof: 65, byteSlices: 66, proof: 67 } as const;

// ---------------------------------------------------------------------------------------------------
// Encoding

class GobWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.buf.subarray(0, this.len));
    this.buf = bigger;
  }

  uint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`gob uint ${value}`);
    if (value < 0x80) {
      this.ensure(1);
      this.buf[this.len++] = value;
      return this;
    }
    const bytes: number[] = [];
    for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
    this.ensure(1 + bytes.length);
    this.buf[this.len++] = 256 - bytes.length;
    for (const b of bytes) this.buf[this.len++] = b;
    return this;
  }

  int(value: number): this {
    return this.uint(value < 0 ? -2 * value - 1 : 2 * value);
  }

  bytes(data: Uint8Array): this {
    this.uint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  /** An ASCII name (all names written here are Go identifiers or "[][]uint8"). */
  name(text: string): this {
    return this.bytes(Uint8Array.from(text, (c) => c.charCodeAt(0)));
  }

  /** Appends uint(len(body)) ‖ body. */
  message(body: Uint8Array): this {
    return this.bytes(body);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Field 0 of sliceType/structType: the embedded CommonType{Name, Id}. */
function commonTypeField(w: GobWriter, name: string, id: number): void {
  w.uint(1);
  w.uint(1).name(name).uint(1).int(id).uint(0);
}

function structTypeDefinition(
  id: number,
  name: string,
  fields: ReadonlyArray<readonly [string, FieldRef]>,
  ids: Record<FieldRef, number>,
): Uint8Array {
  const w = new GobWriter().int(-id).uint(WIRE_STRUCT_T + 1);
  commonTypeField(w, name, id);
  w.uint(1).uint(fields.length);
  for (const [fieldName, ref] of fields) w.uint(1).name(fieldName).uint(1).int(ids[ref]).uint(0);
  return w.uint(0).uint(0).finish();
}

function sliceTypeDefinition(id: number, name: string, elem: number): Uint8Array {
  const w = new GobWriter().int(-id).uint(WIRE_SLICE_T + 1);
  commonTypeField(w, name, id);
  return w.uint(1).int(elem).uint(0).uint(0).finish();
}

const FRESH_REFS: Record<FieldRef, number> = {
  bytes: GOB_BYTES,
  int: GOB_INT,
  byteSlices: FRESH_IDS.byteSlices,
  proof: FRESH_IDS.proof,
};

/** The three type-definition messages, in the order Go sends them. */
const TYPE_DEFINITIONS: Uint8Array = (() => {
  const w = new GobWriter();
  w.message(structTypeDefinition(FRESH_IDS.closestProof, CLOSEST_PROOF_TYPE_NAME, CLOSEST_PROOF_FIELDS, FRESH_REFS));
  w.message(sliceTypeDefinition(FRESH_IDS.byteSlices, BYTE_SLICES_TYPE_NAME, GOB_BYTES));
  w.message(structTypeDefinition(FRESH_IDS.proof, PROOF_TYPE_NAME, PROOF_FIELDS, FRESH_REFS));
  return w.finish();
})();

/** Writes struct fields Go-style: (index delta ‖ value) for non-zero fields, then 0. */
class StructFieldWriter {
  private last = -1;
  constructor(private readonly w: GobWriter) {}

  private field(index: number): GobWriter {
    this.w.uint(index - this.last);
    this.last = index;
    return this.w;
  }

  bytes(index: number, data: Uint8Array): void {
    if (data.length > 0) this.field(index).bytes(data);
  }

  byteSlices(index: number, items: Uint8Array[]): void {
    if (items.length === 0) return;
    const w = this.field(index).uint(items.length);
    for (const item of items) w.bytes(item);
  }

  int(index: number, value: number): void {
    if (value !== 0) this.field(index).int(value);
  }

  nested(index: number, writeFields: (fields: StructFieldWriter) => void): void {
    const w = this.field(index);
    const inner = new StructFieldWriter(w);
    writeFields(inner);
    inner.end();
  }

  end(): void {
    this.w.uint(0);
  }
}

function writeProofFields(fields: StructFieldWriter, proof: CompactMerkleProof): void {
  fields.byteSlices(0, proof.sideNodes);
  fields.bytes(1, proof.nonMembershipLeafData);
  fields.bytes(2, proof.bitMask);
  fields.int(3, proof.numSideNodes);
  fields.bytes(4, proof.siblingData);
}

/** gob bytes of *SparseCompactMerkleClosestProof exactly as Go's gob.NewEncoder(...).Encode writes them. */
export function encodeCompactClosestProofGob(proof: CompactClosestProof): Uint8Array {
  const value = new GobWriter().int(FRESH_IDS.closestProof);
  const fields = new StructFieldWriter(value);
  fields.bytes(0, proof.path);
  fields.byteSlices(1, proof.flippedBits);
  fields.bytes(2, proof.depth);
  fields.bytes(3, proof.closestPath);
  fields.bytes(4, proof.closestValueHash);
  const nested = proof.closestProof;
  if (nested !== null) fields.nested(5, (inner) => writeProofFields(inner, nested));
  fields.end();

  const valueMessage = new GobWriter().message(value.finish()).finish();
  const stream = new Uint8Array(TYPE_DEFINITIONS.length + valueMessage.length);
  stream.set(TYPE_DEFINITIONS, 0);
  stream.set(valueMessage, TYPE_DEFINITIONS.length);
  return stream;
}

/** The bytes of MsgSubmitProof.proof for a closest proof: compact it, then gob-encode. */
export function closestProofToGob(proof: ClosestProof): Uint8Array {
  return encodeCompactClosestProofGob(compactClosestProof(proof));
}

// ---------------------------------------------------------------------------------------------------
// Decoding

class GobReader {
  constructor(
    private readonly buf: Uint8Array,
    public pos: number,
    private readonly end: number,
  ) {}

  fail(message: string, at = this.pos): never {
    throw new GobDecodeError(message, at);
  }

  atEnd(): boolean {
    return this.pos === this.end;
  }

  remaining(): number {
    return this.end - this.pos;
  }

  private byte(): number {
    if (this.pos >= this.end) this.fail("unexpected end of data");
    return this.buf[this.pos++];
  }

  /** A gob uint in its minimal form, as a safe integer. */
  uint(): number {
    const start = this.pos;
    const first = this.byte();
    if (first < 0x80) return first;
    const n = 256 - first;
    if (n > 8) this.fail(`invalid uint length byte 0x${first.toString(16)}`, start);
    if (n > 7) this.fail("uint too large", start);
    let value = 0;
    for (let i = 0; i < n; i++) {
      const b = this.byte();
      if (i === 0 && b === 0) this.fail("non-minimal uint encoding", start);
      value = value * 256 + b;
    }
    if (value < 0x80 || value > Number.MAX_SAFE_INTEGER) this.fail("non-minimal or oversized uint", start);
    return value;
  }

  int(): number {
    const u = this.uint();
    return u % 2 === 1 ? -(u - 1) / 2 - 1 : u / 2;
  }

  /** A length-prefixed byte string; `allowEmpty` only where Go writes empty items (inside slices). */
  bytes(allowEmpty: boolean): Uint8Array {
    const start = this.pos;
    const length = this.uint();
    if (length === 0 && !allowEmpty) this.fail("explicitly encoded empty field (Go omits zero values)", start);
    if (length > this.remaining()) this.fail(`byte string of ${length} bytes overruns its message`, start);
    const out = this.buf.slice(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  /** A type or field name; every name in smt's types is ASCII, so anything else is rejected. */
  name(): string {
    const start = this.pos;
    const raw = this.bytes(false);
    let text = "";
    for (const b of raw) {
      if (b < 0x20 || b > 0x7e) this.fail("name is not printable ASCII", start);
      text += String.fromCharCode(b);
    }
    return text;
  }

  listLength(what: string): number {
    const start = this.pos;
    const count = this.uint();
    if (count === 0) this.fail(`explicitly encoded empty ${what} (Go omits zero values)`, start);
    if (count > MAX_LIST_ITEMS || count > this.remaining()) this.fail(`implausible ${what} length ${count}`, start);
    return count;
  }

  /** Reads (delta ‖ field) pairs until the 0 terminator, field indices strictly increasing. */
  structFields(fieldCount: number, what: string, onField: (index: number) => void): void {
    let index = -1;
    for (;;) {
      const start = this.pos;
      const delta = this.uint();
      if (delta === 0) return;
      index += delta;
      if (index >= fieldCount) this.fail(`${what} has no field #${index}`, start);
      onField(index);
    }
  }
}

interface SliceDefinition {
  kind: "slice";
  name: string;
  elem: number;
}
interface StructDefinition {
  kind: "struct";
  name: string;
  fields: Array<{ name: string; typeId: number }>;
}
type TypeDefinition = SliceDefinition | StructDefinition;

function readCommonType(r: GobReader, definedId: number): string {
  let name = "";
  let id = 0;
  r.structFields(2, "CommonType", (index) => {
    if (index === 0) name = r.name();
    else id = r.int();
  });
  if (name === "") r.fail("type definition without a name");
  if (id !== definedId) r.fail(`type definition ${definedId} names itself ${id}`);
  return name;
}

function readTypeDefinition(r: GobReader, id: number): TypeDefinition {
  let definition: TypeDefinition | null = null;
  r.structFields(WIRE_STRUCT_T + 1, "wireType", (index) => {
    if (definition !== null) r.fail("wireType with more than one kind");
    if (index === WIRE_SLICE_T) {
      let name = "";
      let elem = 0;
      r.structFields(2, "sliceType", (field) => {
        if (field === 0) name = readCommonType(r, id);
        else elem = r.int();
      });
      definition = { kind: "slice", name, elem };
    } else if (index === WIRE_STRUCT_T) {
      let name = "";
      const fields: Array<{ name: string; typeId: number }> = [];
      r.structFields(2, "structType", (field) => {
        if (field === 0) {
          name = readCommonType(r, id);
          return;
        }
        const count = r.listLength("field list");
        if (count > MAX_STRUCT_FIELDS) r.fail(`struct with ${count} fields`);
        for (let i = 0; i < count; i++) {
          let fieldName = "";
          let typeId = 0;
          r.structFields(2, "fieldType", (part) => {
            if (part === 0) fieldName = r.name();
            else typeId = r.int();
          });
          fields.push({ name: fieldName, typeId });
        }
      });
      definition = { kind: "struct", name, fields };
    } else {
      r.fail("only slice and struct type definitions occur in a closest proof");
    }
  });
  if (definition === null) return r.fail("empty type definition");
  return definition;
}

/** Checks the received definitions describe exactly smt's three types, under whatever ids. */
function checkSchema(definitions: Map<number, TypeDefinition>, valueTypeId: number, r: GobReader): void {
  const top = definitions.get(valueTypeId);
  if (top === undefined || top.kind !== "struct" || top.name !== CLOSEST_PROOF_TYPE_NAME) {
    return r.fail(`value type ${valueTypeId} is not ${CLOSEST_PROOF_TYPE_NAME}`);
  }
  const byteSlicesId = top.fields[1]?.typeId ?? 0;
  const proofId = top.fields[5]?.typeId ?? 0;
  const refs: Record<FieldRef, number> = { bytes: GOB_BYTES, int: GOB_INT, byteSlices: byteSlicesId, proof: proofId };

  const expectStruct = (def: TypeDefinition | undefined, name: string, fields: typeof PROOF_FIELDS): void => {
    if (def === undefined || def.kind !== "struct" || def.name !== name) r.fail(`missing definition of ${name}`);
    const ok =
      def.fields.length === fields.length &&
      fields.every(([fieldName, ref], i) => def.fields[i].name === fieldName && def.fields[i].typeId === refs[ref]);
    if (!ok) r.fail(`${name} does not have smt's field list`);
  };
  expectStruct(top, CLOSEST_PROOF_TYPE_NAME, CLOSEST_PROOF_FIELDS);
  expectStruct(definitions.get(proofId), PROOF_TYPE_NAME, PROOF_FIELDS);
  const slices = definitions.get(byteSlicesId);
  if (slices === undefined || slices.kind !== "slice" || slices.name !== BYTE_SLICES_TYPE_NAME || slices.elem !== GOB_BYTES) {
    r.fail(`missing definition of ${BYTE_SLICES_TYPE_NAME}`);
  }
  if (new Set([valueTypeId, byteSlicesId, proofId]).size !== 3 || definitions.size !== 3) {
    r.fail("stream defines types other than smt's three");
  }
}

function readByteSlices(r: GobReader, what: string): Uint8Array[] {
  const count = r.listLength(what);
  const items: Uint8Array[] = [];
  for (let i = 0; i < count; i++) items.push(r.bytes(true));
  return items;
}

function readProof(r: GobReader): CompactMerkleProof {
  const proof: CompactMerkleProof = {
    sideNodes: [],
    nonMembershipLeafData: new Uint8Array(0),
    bitMask: new Uint8Array(0),
    numSideNodes: 0,
    siblingData: new Uint8Array(0),
  };
  r.structFields(PROOF_FIELDS.length, PROOF_TYPE_NAME, (index) => {
    switch (index) {
      case 0:
        proof.sideNodes = readByteSlices(r, "SideNodes");
        break;
      case 1:
        proof.nonMembershipLeafData = r.bytes(false);
        break;
      case 2:
        proof.bitMask = r.bytes(false);
        break;
      case 3: {
        const start = r.pos;
        proof.numSideNodes = r.int();
        if (proof.numSideNodes === 0) r.fail("explicitly encoded zero NumSideNodes", start);
        break;
      }
      default:
        proof.siblingData = r.bytes(false);
    }
  });
  return proof;
}

function readClosestProof(r: GobReader): CompactClosestProof {
  const proof: CompactClosestProof = {
    path: new Uint8Array(0),
    flippedBits: [],
    depth: new Uint8Array(0),
    closestPath: new Uint8Array(0),
    closestValueHash: new Uint8Array(0),
    closestProof: null,
  };
  r.structFields(CLOSEST_PROOF_FIELDS.length, CLOSEST_PROOF_TYPE_NAME, (index) => {
    switch (index) {
      case 0:
        proof.path = r.bytes(false);
        break;
      case 1:
        proof.flippedBits = readByteSlices(r, "FlippedBits");
        break;
      case 2:
        proof.depth = r.bytes(false);
        break;
      case 3:
        proof.closestPath = r.bytes(false);
        break;
      case 4:
        proof.closestValueHash = r.bytes(false);
        break;
      default:
        proof.closestProof = readProof(r);
    }
  });
  return proof;
}

/**
 * Decodes the gob stream of MsgSubmitProof.proof. Throws GobDecodeError for anything but the canonical
 * encoding of one SparseCompactMerkleClosestProof (see the file comment); never reads past the input and
 * never allocates more than the input's size.
 */
export function decodeCompactClosestProofGob(stream: Uint8Array): CompactClosestProof {
  if (!(stream instanceof Uint8Array)) throw new GobDecodeError("input is not a byte array", 0);
  if (stream.length > MAX_PROOF_GOB_BYTES) {
    throw new GobDecodeError(`stream of ${stream.length} bytes exceeds ${MAX_PROOF_GOB_BYTES}`, 0);
  }
  const outer = new GobReader(stream, 0, stream.length);
  const definitions = new Map<number, TypeDefinition>();
  for (;;) {
    if (outer.atEnd()) outer.fail("stream ended before a value");
    const messageStart = outer.pos;
    const length = outer.uint();
    if (length === 0 || length > outer.remaining()) outer.fail(`message length ${length} invalid`, messageStart);
    const body = new GobReader(stream, outer.pos, outer.pos + length);
    outer.pos += length;

    const idAt = body.pos;
    const typeId = body.int();
    if (typeId < 0) {
      const id = -typeId;
      if (id < 64) body.fail(`type id ${id} is reserved for Go's predeclared types`, idAt);
      if (definitions.has(id)) body.fail(`type ${id} defined twice`, idAt);
      if (definitions.size >= 3) body.fail("more type definitions than smt's three", idAt);
      definitions.set(id, readTypeDefinition(body, id));
      if (!body.atEnd()) body.fail("trailing bytes in type definition");
      continue;
    }

    checkSchema(definitions, typeId, body);
    const proof = readClosestProof(body);
    if (!body.atEnd()) body.fail("trailing bytes in value message");
    if (!outer.atEnd()) outer.fail("trailing bytes after the value");
    return proof;
  }
}
