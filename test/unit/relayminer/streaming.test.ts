// Streamed relays on the miner's side (docs/protocol.md §12): the pump reproduces the worked example of
// protocol-streaming.md §12 byte for byte; through the relay handler a stream keeps the backend's status and
// headers, is cut into batches by the 100 ms rule, ends early on errors and limits, and is mined only after a
// clean end with status < 500 and a body, rebuilt over that body.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { test } from "node:test";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { Relay, RelayRequest, RelayResponse } from "../../../electron/core/pokt/proto/service.js";
import type { SessionHeader } from "../../../electron/core/pokt/proto/session.js";
import { relayResponseSignableHash } from "../../../electron/core/pokt/relay-response-signable.js";
import { signResponseHash, verifyResponseSignature } from "../../../electron/core/pokt/response-signature.js";
import { STREAM_BACKEND_ERROR_TRAILER, STREAM_DELIMITER, frameStreamBatch, streamBatchResponse, streamMinedResponse } from "../../../electron/core/pokt/stream/index.js";
import { RelayFailure } from "../../../electron/core/relayminer/errors.js";
import type { StreamedRelayOutcome } from "../../../electron/core/relayminer/relay-handler.js";
import { pumpStream } from "../../../electron/core/relayminer/stream-relay.js";
import { TEST_SERVICE_ID } from "../../fixtures/relayminer/chain.js";
import { createHarness, type Handler, type Harness, type HarnessOptions } from "../../fixtures/relayminer/harness.js";
import { readStreamedReply, signedRelayRequest } from "../../fixtures/relayminer/relays.js";
import { repoRoot } from "../../fixtures/paths.js";

const vectors = JSON.parse(readFileSync(`${repoRoot}/test/fixtures/pokt/streaming-vectors.json`, "utf8"));
const encoder = new TextEncoder();
const SSE = { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache", Connection: "keep-alive" };

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** A fake monotonic clock the tests move by hand. */
function manualClock() {
  const clock = { ms: 0, now: () => clock.ms };
  return clock;
}

test("the miner's stream pump reproduces the §12 worked example byte for byte, and the relay mined for it", async () => {
  const header: SessionHeader = {
    applicationAddress: vectors.session_header.application_address,
    serviceId: vectors.session_header.service_id,
    sessionId: vectors.session_header.session_id,
    sessionStartBlockHeight: BigInt(vectors.session_header.session_start_block_height),
    sessionEndBlockHeight: BigInt(vectors.session_header.session_end_block_height),
  };
  const privateKey = hexToBytes(vectors.supplier.private_key);
  const signer = { address: vectors.supplier.address, signHash: (hash: Uint8Array) => signResponseHash(hash, privateKey) };
  const clock = manualClock();
  // The demo backend: "data: {"sequence":i}\n\n" every 200 ms after the reply starts, N = 2, then the end.
  async function* demoBackend() {
    for (const i of [1, 2]) {
      clock.ms = 200 * i;
      yield encoder.encode(`data: {"sequence":${i}}\n\n`);
    }
  }
  const written: Uint8Array[] = [];
  const result = await pumpStream(demoBackend(), { write: async (bytes) => void written.push(bytes) }, {
    header,
    statusCode: 200,
    mediaType: "text/event-stream",
    signer,
    maxBodyBytes: 1_000_000,
    now: clock.now,
    stop: () => assert.fail("nothing stops this stream"),
    readFailure: (error) => assert.fail(String(error)),
  });
  const expected = concat(vectors.batches.map((b: { relay_response: string }) => concat([hexToBytes(b.relay_response), STREAM_DELIMITER])));
  assert.equal(result.failure, undefined);
  assert.equal(result.batches, 3);
  assert.equal(written.length, 3, "one write per batch, delimiter included");
  assert.equal(bytesToHex(concat(written)), bytesToHex(expected));
  assert.equal(result.sentBytes, vectors.http_body.length);
  assert.equal(bytesToHex(result.bodySha256), vectors.mined.payload_hash);
  assert.equal(bytesToHex(RelayResponse.toBytes(streamMinedResponse(header, result.bodySha256, signer.signHash))), vectors.mined.relay_response);
});

function relayBody(h: Harness, body: unknown): Uint8Array {
  const header = h.chain.sessionAt(h.app.address, TEST_SERVICE_ID, h.blocks.latest()!.height).header!;
  return signedRelayRequest({ header, operatorAddress: h.operator.address, signer: h.app, body: JSON.stringify(body) }).bytes;
}

function sessionHeaderOf(request: Uint8Array): SessionHeader {
  return RelayRequest.decode(request).meta.sessionHeader!;
}

/** A backend handler that reads the request, then runs `write` on the response. */
function backend(write: (res: ServerResponse, req: IncomingMessage) => void): Handler {
  return (req, res) => {
    req.resume();
    req.on("end", () => write(res, req));
  };
}

function harness(handler: Handler, options: HarnessOptions = {}): Harness {
  return createHarness({ handler, ...options });
}

async function streamedOutcome(h: Harness, request: Uint8Array, signal?: AbortSignal): Promise<StreamedRelayOutcome> {
  const outcome = await h.handler.handle(request, signal);
  assert.ok("stream" in outcome, "the reply is a stream");
  return outcome;
}

test("through the handler: the backend's status and headers, batches by the 100 ms rule, one relay mined over the whole body", async () => {
  const clock = manualClock();
  let wroteBatch: () => void = () => {};
  const nextBatch = () => new Promise<void>((resolve) => (wroteBatch = resolve));
  let start!: () => void;
  const started = new Promise<void>((resolve) => (start = resolve));
  const h = harness(
    backend((res) => {
      res.writeHead(200, { ...SSE, "Set-Cookie": ["a=1", "b=2"], "Content-Length": "44" });
      // Each event waits for the batch before it: the clock moves only between lines, as in the demo backend.
      void started
        .then(() => {
          clock.ms = 200;
          res.write('data: {"sequence":1}\n\n');
          return nextBatch();
        })
        .then(() => {
          clock.ms = 400;
          res.write('data: {"sequence":2}\n\n');
          return nextBatch();
        })
        .then(() => res.end());
    }),
    { streamClock: clock.now },
  );
  try {
    const request = relayBody(h, { stream: true });
    const outcome = await streamedOutcome(h, request);
    assert.equal(outcome.stream.statusCode, 200);
    assert.deepEqual(outcome.stream.headers, [
      ["Content-Type", ["text/event-stream; charset=utf-8"]],
      ["Cache-Control", ["no-cache"]],
      ["Set-Cookie", ["a=1", "b=2"]],
      ["Connection", ["close"]],
    ]);
    const written: Uint8Array[] = [];
    const piping = outcome.stream.pipe({
      write: async (bytes) => {
        written.push(bytes);
        wroteBatch();
      },
    });
    start();
    await piping;
    outcome.afterReply();

    const header = sessionHeaderOf(request);
    const sign = (hash: Uint8Array) => signResponseHash(hash, h.operator.privateKey);
    const bodies = ['data: {"sequence":1}\n', '\ndata: {"sequence":2}\n', "\n"];
    const expected = bodies.map((body) => bytesToHex(frameStreamBatch(streamBatchResponse(header, 200, encoder.encode(body), sign))));
    assert.deepEqual(written.map(bytesToHex), expected, "the batches of the worked example, signed for this session");

    const tree = [...h.trees.values()][0]!;
    assert.equal(tree.minedRelays, 1, "one relay for the whole stream");
    const [leaf] = [...h.ledger.minedRelays(tree.key)];
    const mined = Relay.decode(leaf!.relayBytes).res!;
    assert.equal(mined.payload.length, 0);
    assert.equal(bytesToHex(mined.payloadHash), bytesToHex(sha256(encoder.encode(bodies.join("")))), "payload_hash is over the whole body");
    assert.equal(verifyResponseSignature({ publicKey: h.operator.publicKey, msgHash: relayResponseSignableHash(mined), signature: mined.meta.supplierOperatorSignature }), true);
    assert.equal(bytesToHex(leaf!.relayHash), bytesToHex(sha256(leaf!.relayBytes)));
    h.ledger.flush();
    assert.deepEqual(
      h.ledger.relays().map((r) => [r.status, r.httpStatus, r.mined]),
      [["ok", 200, true]],
    );
  } finally {
    h.close();
  }
});

test("a batch still waiting 100 ms after the previous one goes out without waiting for the next line", async () => {
  let batchWritten!: () => void;
  const firstBatch = new Promise<void>((resolve) => (batchWritten = resolve));
  // The backend ends only once a batch reached the gateway: without the timer this stream would never end.
  const h = harness(
    backend((res) => {
      res.writeHead(200, SSE);
      res.write("data: first\n\n");
      void firstBatch.then(() => res.end("data: [DONE]\n\n"));
    }),
  );
  try {
    const request = relayBody(h, {});
    const outcome = await streamedOutcome(h, request);
    const written: Uint8Array[] = [];
    await outcome.stream.pipe({ write: async (bytes) => void (written.push(bytes), batchWritten()) });
    outcome.afterReply();
    const read = readStreamedReply(concat(written), { header: sessionHeaderOf(request), supplierPublicKey: h.operator.publicKey });
    assert.equal(read.batches, 2);
    assert.equal(read.bodyText, "data: first\n\ndata: [DONE]\n\n");
  } finally {
    h.close();
  }
});

test("a client-error (4xx) stream is relayed and mined; a 5xx stream gets the JSON tail and is not mined; an empty stream is not mined", async () => {
  // 400 is the client's own mistake, served and mined (429 would be the supplier's own limit, never mined: mining-policy).
  let status = 400;
  let body = "data: slow down\n\n";
  const h = harness(backend((res) => res.writeHead(status, { "Content-Type": "application/x-ndjson" }).end(body)));
  try {
    const read = async () => {
      const request = relayBody(h, {});
      const reply = await h.reply(request);
      assert.equal(reply.streamed, true);
      return { reply, header: sessionHeaderOf(request) };
    };
    const four = await read();
    assert.equal(four.reply.statusCode, 400);
    assert.equal(readStreamedReply(four.reply.body, { header: four.header, supplierPublicKey: h.operator.publicKey, mediaType: "application/x-ndjson" }).statusCode, 400);

    status = 503;
    body = '{"error":"overloaded"}\n';
    const five = await read();
    assert.equal(five.reply.statusCode, 503);
    const tail = five.reply.body.subarray(five.reply.body.length - STREAM_BACKEND_ERROR_TRAILER.length);
    assert.deepEqual(tail, STREAM_BACKEND_ERROR_TRAILER);
    assert.throws(
      () => readStreamedReply(five.reply.body, { header: five.header, supplierPublicKey: h.operator.publicKey, mediaType: "application/x-ndjson" }),
      (error: { reason?: string }) => error.reason === "backend_503",
    );

    status = 200;
    body = "";
    const empty = await read();
    assert.equal(empty.reply.body.length, 0, "no batch for an empty body");

    assert.equal([...h.trees.values()][0]!.minedRelays, 1, "only the 4xx stream is mined");
    assert.equal(h.metrics.relaysDroppedTotal.get([TEST_SERVICE_ID, "backend_error"]), 1);
    assert.equal(h.metrics.relaysDroppedTotal.get([TEST_SERVICE_ID, "empty_stream"]), 1);
    h.ledger.flush();
    assert.deepEqual(
      h.ledger.relays().map((r) => [r.status, r.httpStatus, r.mined]),
      [
        ["ok", 400, true],
        ["backend_error", 503, false],
        ["ok", 200, false],
      ],
    );
  } finally {
    h.close();
  }
});

test("a backend that breaks off, a line over 262,143 bytes and the body limit end the stream after what was read; none is mined", async () => {
  let mode = "break";
  const closed: string[] = [];
  const h = harness(
    backend((res) => {
      res.on("close", () => closed.push(mode));
      res.writeHead(200, SSE);
      res.write("data: kept\n\n");
      if (mode === "break") setImmediate(() => res.destroy(new Error("worker crashed")));
      else if (mode === "long") res.write("data: " + "x".repeat(262_144));
      else for (const letter of "yzyz") res.write(`data: ${letter.repeat(100_000)}\n\n`);
    }),
    { maxBodyBytes: 300_000 },
  );
  try {
    const reasons: string[] = [];
    for (mode of ["break", "long", "big"]) {
      const request = relayBody(h, {});
      const reply = await h.reply(request);
      // What came before the failure was sent, signed; the stream then simply ends.
      const read = readStreamedReply(reply.body, { header: sessionHeaderOf(request), supplierPublicKey: h.operator.publicKey });
      assert.ok(read.bodyText.startsWith("data: kept\n"), `${mode}: ${JSON.stringify(read.bodyText.slice(0, 40))}`);
      assert.ok(!read.bodyText.includes("x"), "the over-long line is never sent");
      assert.ok(read.bodyText.length < 300_000, "nothing past the body limit is sent");
      h.ledger.flush();
      reasons.push(h.ledger.relays().at(-1)!.status);
    }
    assert.deepEqual(reasons, ["relayer_proxy:5", "relayer_proxy:12", "relayer_proxy:12"]);
    assert.deepEqual(closed, ["break", "long", "big"], "the backend's response is closed: generation stops");
    assert.equal([...h.trees.values()][0]!.minedRelays, 0);
    assert.equal(h.metrics.relaysDroppedTotal.get([TEST_SERVICE_ID, "stream_error"]), 3);
    assert.ok(h.ledger.relays().every((r) => !r.mined && r.error !== null));
  } finally {
    h.close();
  }
});

test("streams may outlast the relay timeout, up to the stream timeout; a gateway that hangs up stops the backend", async () => {
  // The backend's own pace: an event every 40 ms, `events` of them (Infinity: until its client goes).
  let events = 12;
  let whole = false;
  const stopped: number[] = [];
  const h = harness(
    backend((res) => {
      if (!whole) res.writeHead(200, SSE);
      let sent = 0;
      const tick = setInterval(() => {
        if (!whole) res.write(`data: ${sent}\n\n`);
        if (++sent === events) {
          clearInterval(tick);
          if (whole) res.writeHead(200, { "Content-Type": "application/json" });
          res.end(whole ? `{"events":${sent}}` : "data: [DONE]\n\n");
        }
      }, 40);
      res.on("close", () => {
        clearInterval(tick);
        if (!res.writableFinished) stopped.push(sent);
      });
    }),
    { timeoutMs: 200, streamTimeoutMs: 1_500 },
  );
  try {
    // Control: the same pace answered whole cannot finish within the 200 ms relay timeout.
    whole = true;
    const refused = RelayResponse.decode(await h.relay(relayBody(h, {})));
    assert.equal(refused.relayMinerError?.code, 10);

    whole = false;
    const request = relayBody(h, {});
    const done = readStreamedReply((await h.reply(request)).body, { header: sessionHeaderOf(request), supplierPublicKey: h.operator.publicKey });
    assert.equal(done.events.length, 13);
    assert.equal(done.events.at(-1)!.data, "[DONE]");

    events = Infinity;
    const endless = relayBody(h, {});
    const timedOut = readStreamedReply((await h.reply(endless)).body, { header: sessionHeaderOf(endless), supplierPublicKey: h.operator.publicKey });
    assert.ok(timedOut.events.length > 0 && timedOut.events.at(-1)!.data !== "[DONE]");

    const gateway = new AbortController();
    const hangUp = relayBody(h, {});
    const outcome = await streamedOutcome(h, hangUp, gateway.signal);
    await outcome.stream.pipe({ write: async () => gateway.abort() });
    outcome.afterReply();

    h.ledger.flush();
    assert.deepEqual(
      h.ledger.relays().map((r) => [r.status, r.mined]),
      [
        ["relayer_proxy:10", false],
        ["ok", true],
        ["relayer_proxy:10", false],
        ["relayer_proxy:5", false],
      ],
    );
    assert.match(h.ledger.relays()[2]!.error!, /1500 ms limit/);
    assert.equal(stopped.length, 3, "the whole reply that timed out, the endless stream and the hung-up one were all cancelled in the backend");
  } finally {
    h.close();
  }
});

test("streamed relays record their tokens: OpenAI usage in SSE or NDJSON, Ollama's eval counts", async () => {
  let reply = "";
  let type = "text/event-stream";
  const h = harness(backend((res) => res.writeHead(200, { "Content-Type": type }).end(reply)));
  try {
    reply = 'data: {"choices":[{"delta":{"content":"hi"}}],"usage":null}\n\ndata: {"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":34}}\n\ndata: [DONE]\n\n';
    await h.relay(relayBody(h, {}));
    type = "application/x-ndjson";
    reply = '{"message":{"content":"hi"},"done":false}\n{"done":true,"prompt_eval_count":5,"eval_count":6}\n';
    await h.relay(relayBody(h, {}));
    reply = '{"choices":[{"text":"x"}]}\n{"usage": {"prompt_tokens": 1, "completion_tokens": 2}}\n';
    await h.relay(relayBody(h, {}));
    type = "text/event-stream";
    reply = "data: no counts here\n\n";
    await h.relay(relayBody(h, {}));
    h.ledger.flush();
    assert.deepEqual(
      h.ledger.relays().map((r) => [r.tokensIn, r.tokensOut]),
      [
        [12, 34],
        [5, 6],
        [1, 2],
        [null, null],
      ],
    );
    assert.equal(h.metrics.tokensTotal.get([TEST_SERVICE_ID, "out"]), 42);
  } finally {
    h.close();
  }
});

test("content types that are not streams are answered whole", async () => {
  let type = "text/event-stream, application/json";
  const h = harness(backend((res) => res.writeHead(200, { "Content-Type": type }).end("data: x\n\n")));
  try {
    for (type of ["text/event-stream, application/json", "text/event-stream; charset", "application/jsonl", "text/plain"]) {
      const reply = await h.reply(relayBody(h, {}));
      assert.equal(reply.streamed, false, type);
      assert.equal(RelayResponse.decode(reply.body).relayMinerError, undefined);
    }
  } finally {
    h.close();
  }
});

test("a batch that cannot be signed (the wallet locked mid-stream) is never sent unsigned, and ends the stream", async () => {
  const stopped: RelayFailure[] = [];
  const signer = {
    address: "pokt1operator",
    signHash: (): Uint8Array => {
      throw new Error("the wallet is locked");
    },
  };
  const header: SessionHeader = { applicationAddress: "pokt1app", serviceId: "llm", sessionId: "s", sessionStartBlockHeight: 1n, sessionEndBlockHeight: 10n };
  const result = await pumpStream(
    (async function* () {
      yield encoder.encode("data: x\n\n");
    })(),
    { write: async () => assert.fail("nothing is sent unsigned") },
    {
      header,
      statusCode: 200,
      mediaType: "text/event-stream",
      signer,
      maxBodyBytes: 1000,
      now: () => 0,
      stop: (failure) => void stopped.push(failure),
      readFailure: (error) => assert.fail(String(error)),
    },
  );
  assert.match(result.failure?.message ?? "", /cannot sign a batch of the stream: the wallet is locked/);
  assert.deepEqual(stopped, [result.failure]);
  assert.equal(result.sentBytes, 0);
});
