// Streaming relays (docs/protocol.md §12), pinned by the worked example of protocol-streaming.md §12
// (test/fixtures/pokt/streaming-vectors.json, transcribed from ../shared/streaming/vectors.out), the content-type
// table of ../shared/streaming/mimecheck.out and the batching timelines of ../shared/streaming/batchsim.out.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { POKTHTTPResponse, type Header } from "../../../electron/core/pokt/proto/http.js";
import { Relay, RelayRequest, RelayResponse } from "../../../electron/core/pokt/proto/service.js";
import { SessionHeader } from "../../../electron/core/pokt/proto/session.js";
import { mineRelay } from "../../../electron/core/pokt/relay.js";
import { relayResponseSignableBytes, relayResponseSignableHash } from "../../../electron/core/pokt/relay-response-signable.js";
import { signResponseHash } from "../../../electron/core/pokt/response-signature.js";
import {
  NdjsonParser,
  RelayStreamError,
  RelayStreamReader,
  STREAM_BACKEND_ERROR_TRAILER,
  STREAM_DELIMITER,
  STREAM_MAX_LINE_BYTES,
  SseParser,
  StreamBatch,
  StreamFrameDecoder,
  StreamLineSplitter,
  StreamLineTooLongError,
  frameStreamBatch,
  isStreamingContentType,
  parseMediaType,
  streamBatchResponse,
  streamMediaType,
  streamMinedResponse,
} from "../../../electron/core/pokt/stream/index.js";
import { repoRoot } from "../../fixtures/paths.js";

const vectors = JSON.parse(readFileSync(`${repoRoot}/test/fixtures/pokt/streaming-vectors.json`, "utf8"));
const privateKey = hexToBytes(vectors.supplier.private_key);
const publicKey = hexToBytes(vectors.supplier.public_key);
const sign = (hash: Uint8Array) => signResponseHash(hash, privateKey);
const header: SessionHeader = {
  applicationAddress: vectors.session_header.application_address,
  serviceId: vectors.session_header.service_id,
  sessionId: vectors.session_header.session_id,
  sessionStartBlockHeight: BigInt(vectors.session_header.session_start_block_height),
  sessionEndBlockHeight: BigInt(vectors.session_header.session_end_block_height),
};
const encoder = new TextEncoder();
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The whole HTTP body of the example: each batch's RelayResponse and the delimiter. */
function exampleBody(): Uint8Array {
  return concat(vectors.batches.map((b: { relay_response: string }) => concat([hexToBytes(b.relay_response), STREAM_DELIMITER])));
}

describe("the §12 worked example, byte for byte", () => {
  test("the session header and the delimiter", () => {
    assert.equal(bytesToHex(SessionHeader.toBytes(header)), vectors.session_header.bytes);
    assert.equal(bytesToHex(STREAM_DELIMITER), vectors.delimiter);
  });

  for (const [index, batch] of (vectors.batches as Array<Record<string, string>>).entries()) {
    test(`batch ${index + 1}: payload, hash, signable bytes, signature and RelayResponse`, () => {
      const response = streamBatchResponse(header, vectors.backend.status_code, hexToBytes(batch.body_hex!), sign);
      assert.equal(bytesToHex(response.payload), batch.payload);
      assert.equal(bytesToHex(response.payloadHash), batch.payload_hash);
      assert.equal(bytesToHex(relayResponseSignableBytes(response)), batch.signable);
      assert.equal(bytesToHex(relayResponseSignableHash(response)), batch.signable_hash);
      assert.equal(bytesToHex(sha256(relayResponseSignableHash(response))), batch.ecdsa_digest);
      assert.equal(bytesToHex(response.meta.supplierOperatorSignature), batch.signature);
      assert.equal(bytesToHex(RelayResponse.toBytes(response)), batch.relay_response);
      assert.equal(bytesToHex(frameStreamBatch(response)), batch.relay_response + vectors.delimiter);
    });
  }

  test("the whole HTTP body: 794 bytes with the given first and last bytes", () => {
    const body = exampleBody();
    assert.equal(body.length, vectors.http_body.length);
    assert.equal(bytesToHex(body.subarray(0, 64)), vectors.http_body.first_64);
    assert.equal(bytesToHex(body.subarray(body.length - 40)), vectors.http_body.last_40);
  });

  test("the mined relay: rebuilt over the whole body, then the illustrative Relay and its hash", () => {
    const fullBody = hexToBytes(vectors.mined.full_body);
    assert.equal(text(fullBody), vectors.backend.body_ascii);
    const bodies = concat(vectors.batches.map((b: { body_hex: string }) => hexToBytes(b.body_hex)));
    assert.deepEqual(bodies, fullBody, "the mined body is the batches' bodies joined");
    const mined = streamMinedResponse(header, sha256(fullBody), sign);
    assert.equal(bytesToHex(mined.payloadHash), vectors.mined.payload_hash);
    assert.equal(bytesToHex(mined.meta.supplierOperatorSignature), vectors.mined.signature);
    assert.equal(bytesToHex(RelayResponse.toBytes(mined)), vectors.mined.relay_response);
    const request: RelayRequest = Relay.decode(hexToBytes(vectors.mined.relay)).req!;
    const relay = mineRelay(request, mined);
    assert.equal(bytesToHex(relay.bytes), vectors.mined.relay);
    assert.equal(bytesToHex(relay.hash), vectors.mined.relay_hash);
  });

  test("the non-streaming comparison: the whole reply's payload with its Content-Type header", () => {
    const headers = new Map<string, Header>([["Content-Type", { key: "Content-Type", values: [vectors.non_streaming.content_type] }]]);
    const payload = POKTHTTPResponse.toBytes({ statusCode: 200, header: headers, bodyBz: encoder.encode(vectors.non_streaming.body_ascii) });
    assert.equal(bytesToHex(payload), vectors.non_streaming.payload);
    assert.equal(bytesToHex(sha256(payload)), vectors.non_streaming.payload_hash);
    const response: RelayResponse = { meta: { sessionHeader: header, supplierOperatorSignature: new Uint8Array(0) }, payload, relayMinerError: undefined, payloadHash: sha256(payload) };
    response.meta.supplierOperatorSignature = sign(relayResponseSignableHash(response));
    assert.equal(bytesToHex(response.meta.supplierOperatorSignature), vectors.non_streaming.signature);
    assert.equal(bytesToHex(RelayResponse.toBytes(response)), vectors.non_streaming.relay_response);
  });
});

describe("which replies are streams (Go's mime.ParseMediaType, mimecheck.out)", () => {
  const table: Array<[string, string | undefined, boolean]> = [
    ["text/event-stream", "text/event-stream", true],
    ["text/event-stream; charset=utf-8", "text/event-stream", true],
    ["Text/Event-Stream;Charset=UTF-8", "text/event-stream", true],
    ["application/x-ndjson", "application/x-ndjson", true],
    ["application/x-ndjson; charset=utf-8", "application/x-ndjson", true],
    ["text/event-stream;", "text/event-stream", true],
    ["text/event-stream; charset", undefined, false],
    ["text/event-stream, application/json", undefined, false],
    ["application/jsonl", "application/jsonl", false],
    ["application/stream+json", "application/stream+json", false],
    ["application/x-ndjson ", "application/x-ndjson", true],
    [" text/event-stream", "text/event-stream", true],
  ];
  for (const [value, mediaType, streaming] of table) {
    test(JSON.stringify(value), () => {
      assert.equal(parseMediaType(value)?.mediaType, mediaType);
      assert.equal(isStreamingContentType(value), streaming);
    });
  }

  test("quoted parameters, duplicates, no header and other types", () => {
    assert.equal(streamMediaType('text/event-stream; charset="utf-8"; note="a;b"'), "text/event-stream");
    assert.deepEqual([...parseMediaType('text/plain; a="x\\"y"')!.params], [["a", 'x"y']]);
    assert.equal(isStreamingContentType("text/event-stream; a=1; A=2"), false, "a duplicate parameter is a parse error");
    assert.equal(isStreamingContentType('text/event-stream; a="open'), false, "an unterminated quoted string is a parse error");
    assert.equal(isStreamingContentType(undefined), false);
    assert.equal(isStreamingContentType(""), false);
    assert.equal(isStreamingContentType("text/plain"), false);
    assert.equal(isStreamingContentType("text/event-stream/x"), false);
    assert.equal(streamMediaType("APPLICATION/X-NDJSON"), "application/x-ndjson");
  });
});

describe("lines (bufio.Scanner with ScanLines and a 256 KiB buffer)", () => {
  const split = (body: string, pieces: number[] = []) => {
    const splitter = new StreamLineSplitter();
    const bytes = encoder.encode(body);
    const cuts = [0, ...pieces, bytes.length];
    const lines: string[] = [];
    for (let i = 0; i + 1 < cuts.length; i++) {
      lines.push(...splitter.push(bytes.subarray(cuts[i], cuts[i + 1])).map(text));
      if (splitter.tooLong) throw splitter.tooLong;
    }
    const last = splitter.finish();
    if (last) lines.push(text(last));
    return lines;
  };

  test("CRLF becomes LF, blank lines are kept, a last line gets its newline (batchsim: CRLF + no trailing LF)", () => {
    assert.deepEqual(split("data: a\r\n\r\ndata: b"), ["data: a\n", "\n", "data: b\n"]);
    assert.deepEqual(split("x\r\r\n"), ["x\r\n"], "only one trailing CR is removed");
    assert.deepEqual(split(""), []);
    assert.deepEqual(split("\r"), ["\n"]);
  });

  test("lines come out the same wherever the body is cut", () => {
    const body = "data: {\"t\":1}\r\n\r\ndata: é😀\n\n: comment\ndata: [DONE]\n\nlast";
    const whole = split(body);
    const length = encoder.encode(body).length;
    for (let a = 0; a <= length; a++) {
      for (const b of [a, Math.min(length, a + 1), Math.min(length, a + 7)]) assert.deepEqual(split(body, [a, b]), whole, `cut at ${a} and ${b}`);
    }
  });

  test("the longest line is 262,143 bytes before its newline, with or without the newline (batchsim: max line)", () => {
    assert.equal(STREAM_MAX_LINE_BYTES, 262_143);
    const max = "x".repeat(STREAM_MAX_LINE_BYTES);
    assert.equal(split(`${max}\n`)[0]!.length, STREAM_MAX_LINE_BYTES + 1);
    assert.equal(split(max)[0]!.length, STREAM_MAX_LINE_BYTES + 1);
    assert.throws(() => split(`${max}x\n`), StreamLineTooLongError);
    assert.throws(() => split(`${max}x`), StreamLineTooLongError);
    assert.throws(() => split(`${max}\r\n`), StreamLineTooLongError, "the CR counts, as in Go's buffer");
    // Fed in small pieces, the splitter fails as soon as the unterminated line passes the limit.
    const splitter = new StreamLineSplitter();
    const piece = encoder.encode("y".repeat(65_536));
    for (let i = 0; i < 3; i++) splitter.push(piece);
    assert.equal(splitter.tooLong, undefined);
    splitter.push(piece);
    assert.ok((splitter.tooLong as unknown) instanceof StreamLineTooLongError);
    // As Go's scanner, every complete line before the over-long one comes out first; nothing after it.
    const mixed = new StreamLineSplitter();
    const lines = mixed.push(encoder.encode(`data: kept\n\n${"x".repeat(STREAM_MAX_LINE_BYTES + 1)}\ndata: lost\n`));
    assert.deepEqual(lines.map(text), ["data: kept\n", "\n"]);
    assert.ok(mixed.tooLong instanceof StreamLineTooLongError);
    assert.deepEqual(mixed.push(encoder.encode("more\n")), []);
    assert.equal(mixed.finish(), undefined);
  });
});

describe("batches (pocket-relay-miner's flush rule, batchsim.out)", () => {
  /** Feeds [ms, text] writes through the splitter and the after-line rule, as the Go loop does (no timer). */
  function batchesOf(writes: Array<[number, string]>): Array<[number, string]> {
    const splitter = new StreamLineSplitter();
    const batch = new StreamBatch();
    const out: Array<[number, string]> = [];
    let lastFlush = 0;
    let now = 0;
    for (const [at, data] of writes) {
      now = at;
      for (const line of splitter.push(encoder.encode(data))) {
        batch.add(line);
        if (batch.isDue(now - lastFlush)) {
          out.push([now, text(batch.take())]);
          lastFlush = now;
        }
      }
    }
    const last = splitter.finish();
    if (last) batch.add(last);
    if (!batch.isEmpty) out.push([now, text(batch.take())]);
    return out;
  }

  test("SSE demo: 3 events every 200 ms give 4 batches, each blank separator travelling with the next event", () => {
    const writes: Array<[number, string]> = [1, 2, 3].map((i) => [200 * i, `data: {"sequence":${i}}\n\n`]);
    assert.deepEqual(batchesOf(writes), [
      [200, 'data: {"sequence":1}\n'],
      [400, '\ndata: {"sequence":2}\n'],
      [600, '\ndata: {"sequence":3}\n'],
      [600, "\n"],
    ]);
  });

  test("LLM-like: tokens every 30 ms, a 1 s stall, two more: the partial batch waits for the next line", () => {
    const writes: Array<[number, string]> = [1, 2, 3, 4, 5, 6].map((i) => [30 * i + 1, `data: {"t":${i}}\n\n`]);
    writes.push([1182, 'data: {"t":7}\n\n'], [1193, "data: [DONE]\n\n"]);
    assert.deepEqual(batchesOf(writes), [
      [121, 'data: {"t":1}\n\ndata: {"t":2}\n\ndata: {"t":3}\n\ndata: {"t":4}\n'],
      [1182, '\ndata: {"t":5}\n\ndata: {"t":6}\n\ndata: {"t":7}\n'],
      [1193, "\ndata: [DONE]\n\n"],
    ]);
  });

  test("100 lines or 100 KiB send a batch however young it is; an empty batch is never due", () => {
    const batch = new StreamBatch();
    assert.equal(batch.isDue(10_000), false);
    for (let i = 0; i < 99; i++) batch.add(encoder.encode("\n"));
    assert.equal(batch.isDue(0), false);
    batch.add(encoder.encode("\n"));
    assert.equal(batch.isDue(0), true);
    batch.take();
    batch.add(new Uint8Array(102_399));
    assert.equal(batch.isDue(99), false);
    batch.add(encoder.encode("\n"));
    assert.equal(batch.isDue(0), true);
    assert.equal(batch.take().length, 102_400);
    assert.equal(batch.isEmpty, true);
  });
});

describe("the gateway's side", () => {
  const reader = (overrides: Partial<ConstructorParameters<typeof RelayStreamReader>[0]> = {}) =>
    new RelayStreamReader({ header, supplierPublicKey: publicKey, mediaType: "text/event-stream", ...overrides });

  function readAll(body: Uint8Array, cuts: number[] = [], options?: Parameters<typeof reader>[0]) {
    const r = reader(options);
    const points = [0, ...cuts, body.length];
    const bodies: Uint8Array[] = [];
    const events: Array<{ type: string; data: string }> = [];
    for (let i = 0; i + 1 < points.length; i++) {
      const step = r.push(body.subarray(points[i], points[i + 1]));
      bodies.push(...step.body);
      events.push(...step.events);
    }
    const end = r.finish();
    bodies.push(...end.body);
    events.push(...end.events);
    return { bodies: bodies.map(text), events, reader: r };
  }

  test("the example body: three verified batches, their bodies joined, two events parsed across batches", () => {
    const expected = ['data: {"sequence":1}\n', '\ndata: {"sequence":2}\n', "\n"];
    const body = exampleBody();
    // The decoder alone at every cut; the reader (three signature checks each time) at a spread of them.
    const batchBytes = vectors.batches.map((b: { relay_response: string }) => b.relay_response);
    for (let cut = 0; cut <= body.length; cut++) {
      const decoder = new StreamFrameDecoder();
      const found = [...decoder.push(body.subarray(0, cut)), ...decoder.push(body.subarray(cut))].map(bytesToHex);
      assert.deepEqual(found, batchBytes, `cut at ${cut}`);
      assert.deepEqual(decoder.finish(), { truncated: false });
    }
    for (const cut of [0, 1, 100, 255, 256, 260, 270, 271, 272, 500, 527, 528, 540, 700, 780, 793, 794]) {
      const { bodies, events, reader: r } = readAll(body, [cut]);
      assert.deepEqual(bodies, expected, `cut at ${cut}`);
      assert.deepEqual(events, [{ type: "message", data: '{"sequence":1}' }, { type: "message", data: '{"sequence":2}' }]);
      assert.equal(r.batches, 3);
      assert.equal(r.statusCode, 200);
    }
  });

  test("a body line holding the delimiter text does not split its batch", () => {
    const trap = `data: ${new TextDecoder().decode(STREAM_DELIMITER)}\n`;
    const body = frameStreamBatch(streamBatchResponse(header, 200, encoder.encode(trap), sign));
    const naive = text(body).split("||POKT_STREAM||").filter(Boolean);
    assert.ok(naive.length > 1, "a plain split would cut it");
    assert.deepEqual(readAll(body).bodies, [trap]);
  });

  test("a last batch without delimiter is accepted; empty pieces between delimiters are skipped", () => {
    const batches = [1, 2].map((i) => RelayResponse.toBytes(streamBatchResponse(header, 200, encoder.encode(`{"n":${i}}\n`), sign)));
    const body = concat([STREAM_DELIMITER, batches[0]!, STREAM_DELIMITER, STREAM_DELIMITER, batches[1]!]);
    const { bodies, events } = readAll(body, [], { mediaType: "application/x-ndjson" });
    assert.deepEqual(bodies, ['{"n":1}\n', '{"n":2}\n']);
    assert.deepEqual(events, [{ type: "line", data: '{"n":1}' }, { type: "line", data: '{"n":2}' }]);
  });

  const failure = (body: Uint8Array, options?: Parameters<typeof reader>[0]) => {
    try {
      readAll(body, [], options);
    } catch (error) {
      assert.ok(error instanceof RelayStreamError, String(error));
      return error.reason;
    }
    return "accepted";
  };

  test("a forged signature, a payload that does not match its hash, another session or a changed status fail", () => {
    const good = hexToBytes(vectors.batches[0].relay_response);
    const forged = RelayResponse.decode(good);
    forged.meta.supplierOperatorSignature = forged.meta.supplierOperatorSignature.map((b, i) => (i === 5 ? b ^ 1 : b));
    assert.equal(failure(concat([RelayResponse.toBytes(forged), STREAM_DELIMITER])), "bad_signature");

    const swapped = RelayResponse.decode(good);
    swapped.payload = hexToBytes(vectors.batches[1].payload); // signed hash still names batch 1's payload
    assert.equal(failure(concat([RelayResponse.toBytes(swapped), STREAM_DELIMITER])), "payload_hash_mismatch");

    assert.equal(failure(exampleBody(), { header: { ...header, sessionId: "00".repeat(32) } }), "session_mismatch");
    assert.equal(failure(exampleBody(), { supplierPublicKey: hexToBytes("02" + "11".repeat(32)) }), "bad_signature");

    const teapot = frameStreamBatch(streamBatchResponse(header, 418, encoder.encode("\n"), sign));
    assert.equal(failure(concat([exampleBody(), teapot])), "status_changed");
  });

  test("a 5xx stream's JSON tail, an error reply after the batches and a cut batch fail the stream", () => {
    const five = frameStreamBatch(streamBatchResponse(header, 503, encoder.encode("data: busy\n"), sign));
    assert.equal(failure(concat([five, STREAM_BACKEND_ERROR_TRAILER])), "backend_503");
    assert.equal(failure(concat([exampleBody(), STREAM_BACKEND_ERROR_TRAILER])), "stream_error");
    const errorReply = RelayResponse.toBytes({
      meta: { sessionHeader: header, supplierOperatorSignature: new Uint8Array(0) },
      payload: encoder.encode("timeout"),
      relayMinerError: { codespace: "relayer_proxy", code: 10, description: "timeout", message: "timed out" },
      payloadHash: new Uint8Array(0),
    });
    assert.equal(failure(concat([exampleBody(), errorReply])), "relay_miner_error_relayer_proxy_10");
    const body = exampleBody();
    assert.equal(failure(body.subarray(0, body.length - 20)), "truncated_stream");
    assert.equal(failure(body.subarray(0, body.length - 3)), "truncated_stream", "a cut delimiter");
  });

  test("a batch larger than the bound is refused before it is buffered", () => {
    const big = frameStreamBatch(streamBatchResponse(header, 200, new Uint8Array(5000).fill(0x61), sign));
    assert.equal(failure(big, { maxBatchBytes: 4096 }), "batch_too_large");
    const decoder = new StreamFrameDecoder(4096);
    assert.throws(() => decoder.push(big.subarray(0, 200)), /larger than 4096/);
  });
});

describe("events across pieces", () => {
  const sse = (body: string, cuts: number[]) => {
    const parser = new SseParser();
    const bytes = encoder.encode(body);
    const points = [0, ...cuts, bytes.length];
    const events = [];
    for (let i = 0; i + 1 < points.length; i++) events.push(...parser.push(bytes.subarray(points[i], points[i + 1])));
    events.push(...parser.finish());
    return events;
  };

  test("SSE: CR, LF and CRLF line ends, comments, multi-line data, event names and ids, a last event without blank line", () => {
    const body = ": keep-alive\r\ndata: a\r\ndata:  b\r\rdata:c\nevent: end\nid: 7\n\ndata: dropped";
    const expected = [
      { type: "message", data: "a\n b" },
      { type: "end", data: "c", id: "7" },
    ];
    const length = encoder.encode(body).length;
    for (let cut = 0; cut <= length; cut++) assert.deepEqual(sse(body, [cut]), expected, `cut at ${cut}`);
  });

  test("SSE: a multi-byte character cut between pieces", () => {
    const body = "data: é😀\n\n";
    for (let cut = 0; cut <= encoder.encode(body).length; cut++) assert.deepEqual(sse(body, [cut]), [{ type: "message", data: "é😀" }]);
  });

  test("NDJSON: blank lines skipped, a last line without newline kept", () => {
    const parser = new NdjsonParser();
    const events = [...parser.push(encoder.encode('{"a":1}\r\n\n{"b"')), ...parser.push(encoder.encode(":2}\n{\"done\":true}")), ...parser.finish()];
    assert.deepEqual(events.map((e) => e.data), ['{"a":1}', '{"b":2}', '{"done":true}']);
  });
});
