// A stream's body on the wire (docs/protocol.md §12.4, §12.6, §12.8): each batch is a signed RelayResponse whose
// payload is POKTHTTPResponse{status, no headers, the batch's lines}, followed by "||POKT_STREAM||"; the relay that
// is mined for the stream is rebuilt over the whole body. The decoder is the gateway's side: it finds the batches
// by walking each RelayResponse's top-level fields, so a body line containing the delimiter cannot split a batch.
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8Encode } from "../proto/bytes.js";
import { POKTHTTPResponse } from "../proto/http.js";
import { RelayResponse } from "../proto/service.js";
import type { SessionHeader } from "../proto/session.js";
import { relayResponseSignableHash } from "../relay-response-signable.js";

/** The 15 bytes after every batch, the last included. */
export const STREAM_DELIMITER = utf8Encode("||POKT_STREAM||");
/** What pocket-relay-miner appends, unsigned and undelimited, after the batches of a 5xx stream. */
export const STREAM_BACKEND_ERROR_TRAILER = utf8Encode('{"error":"backend service error"}');

/** Signs RelayResponse.GetSignableBytesHash() with the operator key: 64-byte R‖S. */
export type ResponseHashSigner = (msgHash: Uint8Array) => Uint8Array;

const EMPTY = new Uint8Array(0);

/** A batch's payload: `08 <status> 1a <len> <lines>` (an empty header map writes nothing). */
export function streamBatchPayload(statusCode: number, lines: Uint8Array): Uint8Array {
  return POKTHTTPResponse.toBytes({ statusCode, header: new Map(), bodyBz: lines });
}

function signed(response: RelayResponse, sign: ResponseHashSigner): RelayResponse {
  response.meta.supplierOperatorSignature = sign(relayResponseSignableHash(response));
  return response;
}

/** One batch's RelayResponse: the request's session header as is, the payload, its SHA-256 and the signature. */
export function streamBatchResponse(header: SessionHeader, statusCode: number, lines: Uint8Array, sign: ResponseHashSigner): RelayResponse {
  const payload = streamBatchPayload(statusCode, lines);
  return signed(
    { meta: { sessionHeader: header, supplierOperatorSignature: EMPTY }, payload, relayMinerError: undefined, payloadHash: sha256(payload) },
    sign,
  );
}

/** The batch's bytes on the wire: the RelayResponse, then the delimiter. */
export function frameStreamBatch(response: RelayResponse): Uint8Array {
  const encoded = RelayResponse.toBytes(response);
  const framed = new Uint8Array(encoded.length + STREAM_DELIMITER.length);
  framed.set(encoded);
  framed.set(STREAM_DELIMITER, encoded.length);
  return framed;
}

/**
 * The response mined for a whole stream (pocket-relay-miner's ProcessRelay): no payload, payload_hash = SHA-256 of
 * the concatenated lines of every batch (not wrapped in a POKTHTTPResponse), and a fresh signature over that.
 */
export function streamMinedResponse(header: SessionHeader, bodySha256: Uint8Array, sign: ResponseHashSigner): RelayResponse {
  return signed({ meta: { sessionHeader: header, supplierOperatorSignature: EMPTY }, payload: EMPTY, relayMinerError: undefined, payloadHash: bodySha256 }, sign);
}

// ---------------------------------------------------------------------------------------------------
// The gateway's side: finding the batches in the body.

/** Largest batch the decoder buffers (pocket-relay-miner's are under 370 KB). */
export const DEFAULT_MAX_STREAM_BATCH_BYTES = 4 * 1024 * 1024;
/** Most bytes of an undelimited tail kept for the caller to read. */
const MAX_TRAILER_BYTES = 64 * 1024;

export class StreamFrameError extends Error {
  override readonly name = "StreamFrameError";
}

/** What was left when the body ended. */
export interface StreamTail {
  /** A complete RelayResponse not followed by the delimiter (a final batch, or the poktroll branch's error reply). */
  final?: Uint8Array;
  /** Bytes that cannot be a RelayResponse (pocket-relay-miner's 5xx JSON), at most 64 KiB of them. */
  trailer?: Uint8Array;
  /** A RelayResponse cut off part-way. */
  truncated: boolean;
}

/** Reads a protobuf varint at `at`; undefined when `buf` ends first, -1 when it is longer than 10 bytes. */
function varint(buf: Uint8Array, at: number, end: number): { value: number; next: number } | undefined | -1 {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (at + i >= end) return undefined;
    const byte = buf[at + i]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return { value, next: at + i + 1 };
  }
  return -1;
}

/**
 * Splits a stream body into its batches as it arrives. At each top-level field boundary of the RelayResponse being
 * read, the delimiter ends the batch (its first byte, 0x7c, cannot start a valid field); other fields are skipped by
 * their wire type and length. Anything that is neither starts the tail (see StreamTail). Empty batches are skipped,
 * as the reference clients skip empty tokens.
 */
export class StreamFrameDecoder {
  private buf = new Uint8Array(0);
  /** Bytes of `buf` in use. */
  private end = 0;
  /** Start of the batch being read, and the next field boundary in it. */
  private batchStart = 0;
  private cursor = 0;
  private inTrailer = false;
  private trailerBytes = 0;

  constructor(private readonly maxBatchBytes = DEFAULT_MAX_STREAM_BATCH_BYTES) {}

  /**
   * The batches (RelayResponse bytes, delimiter removed) that `chunk` completes.
   * @throws StreamFrameError for a batch larger than the decoder's bound
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.inTrailer) {
      this.keepTrailer(chunk);
      return [];
    }
    this.append(chunk);
    const batches: Uint8Array[] = [];
    for (;;) {
      const step = this.step();
      if (step === "wait") break;
      if (step === "trailer") {
        this.inTrailer = true;
        this.trailerBytes = this.end - this.batchStart;
        break;
      }
      if (step !== "field" && step.length > 0) batches.push(step);
    }
    this.compact();
    return batches;
  }

  /** Call once the body ended. */
  finish(): StreamTail {
    const rest = this.buf.slice(this.batchStart, this.end);
    const complete = this.cursor === this.end;
    const inTrailer = this.inTrailer;
    this.buf = new Uint8Array(0);
    this.end = this.batchStart = this.cursor = this.trailerBytes = 0;
    this.inTrailer = false;
    if (inTrailer) return { trailer: rest.subarray(0, MAX_TRAILER_BYTES), truncated: false };
    if (rest.length === 0) return { truncated: false };
    // Every field complete: a last batch without its delimiter. Otherwise a field or the delimiter was cut off.
    return complete ? { final: rest, truncated: false } : { truncated: true };
  }

  /** One step at the cursor: a finished batch, a field skipped, "wait" for more bytes, or "trailer". */
  private step(): Uint8Array | "field" | "wait" | "trailer" {
    const { buf, end } = this;
    const at = this.cursor;
    if (at >= end) return "wait";
    if (buf[at] === STREAM_DELIMITER[0]) {
      const available = Math.min(end - at, STREAM_DELIMITER.length);
      for (let i = 0; i < available; i++) if (buf[at + i] !== STREAM_DELIMITER[i]) return "trailer";
      if (available < STREAM_DELIMITER.length) return "wait";
      const batch = buf.slice(this.batchStart, at);
      this.batchStart = this.cursor = at + STREAM_DELIMITER.length;
      return batch;
    }
    const next = this.skipField(buf, at, end);
    if (next === "wait") return "wait";
    if (next === "invalid") return "trailer";
    if (next - this.batchStart > this.maxBatchBytes) {
      throw new StreamFrameError(`a batch of the stream is larger than ${this.maxBatchBytes} bytes`);
    }
    this.cursor = next;
    return "field";
  }

  /** The offset after the field starting at `at`, "wait" when it is not all there, "invalid" when it cannot be one. */
  private skipField(buf: Uint8Array, at: number, end: number): number | "wait" | "invalid" {
    const tag = varint(buf, at, end);
    if (tag === undefined) return "wait";
    if (tag === -1 || tag.value < 8) return "invalid"; // field number 0
    let next: number;
    switch (tag.value % 8) {
      case 0: {
        const value = varint(buf, tag.next, end);
        if (value === undefined) return "wait";
        if (value === -1) return "invalid";
        next = value.next;
        break;
      }
      case 1:
        next = tag.next + 8;
        break;
      case 2: {
        const length = varint(buf, tag.next, end);
        if (length === undefined) return "wait";
        if (length === -1) return "invalid";
        if (length.next - this.batchStart + length.value > this.maxBatchBytes) {
          throw new StreamFrameError(`a batch of the stream is larger than ${this.maxBatchBytes} bytes`);
        }
        next = length.next + length.value;
        break;
      }
      case 5:
        next = tag.next + 4;
        break;
      default:
        return "invalid"; // groups (3, 4) and reserved wire types never appear at a RelayResponse's top level
    }
    return next > end ? "wait" : next;
  }

  private append(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.end + chunk.length, this.buf.length * 2, 4096));
      grown.set(this.buf.subarray(0, this.end));
      this.buf = grown;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** Drops the bytes of finished batches. */
  private compact(): void {
    if (this.batchStart === 0) return;
    if (this.inTrailer) return;
    this.buf.copyWithin(0, this.batchStart, this.end);
    this.end -= this.batchStart;
    this.cursor -= this.batchStart;
    this.batchStart = 0;
  }

  private keepTrailer(chunk: Uint8Array): void {
    const room = MAX_TRAILER_BYTES - this.trailerBytes;
    if (room <= 0) return;
    const kept = chunk.subarray(0, room);
    this.append(kept);
    this.trailerBytes += kept.length;
  }
}
