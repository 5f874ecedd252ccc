// Relaying a backend's stream (docs/protocol.md §12): its body is cut into lines, the lines are gathered into batches
// (sent after each line once 100 ms have passed since the previous batch, or at 100 KiB or 100 lines), and each batch
// goes to the gateway as a signed RelayResponse followed by ||POKT_STREAM||, as pocket-relay-miner sends it. Meanwhile
// the whole body is hashed (for the relay mined once the stream ends cleanly) and its token counts are read.
// Extension: a batch still waiting 100 ms after the previous one is sent without waiting for the next line
// (pocket-relay-miner only looks between lines, so a pause in generation would hold tokens back).
import { createHash } from "node:crypto";
import type { SessionHeader } from "../pokt/proto/session.js";
import {
  STREAM_BACKEND_ERROR_TRAILER,
  STREAM_BATCH_MAX_AGE_MS,
  StreamBatch,
  StreamLineSplitter,
  StreamLineTooLongError,
  frameStreamBatch,
  streamBatchResponse,
  type StreamMediaType,
} from "../pokt/stream/index.js";
import { RelayFailure } from "./errors.js";
import type { ResponseSigner } from "./response.js";
import { StreamUsage, type TokenUsage } from "./usage.js";

/** Where a stream's bytes go: the gateway's connection. */
export interface RelayStreamSink {
  /** Resolves when more may be written; rejects once the gateway is gone. */
  write(bytes: Uint8Array): Promise<void>;
}

export interface StreamPumpOptions {
  header: SessionHeader;
  statusCode: number;
  mediaType: StreamMediaType;
  signer: ResponseSigner;
  /** Bound on the backend body's bytes (the whole stream). */
  maxBodyBytes: number;
  /** Monotonic milliseconds (batch ages). */
  now(): number;
  /** Stops the backend (called when the stream must end before the body does). */
  stop(failure: RelayFailure): void;
  /** What a failure to read the body means (timeout, gateway gone, backend broken). */
  readFailure(error: unknown): RelayFailure;
}

export interface StreamPumpResult {
  /** Why the stream ended before the body did; undefined after a clean end. */
  failure: RelayFailure | undefined;
  bodyBytes: number;
  /** SHA-256 of every line of every batch, joined: the mined relay's payload_hash. */
  bodySha256: Uint8Array;
  batches: number;
  /** Bytes written to the gateway (batches, delimiters and the 5xx tail). */
  sentBytes: number;
  usage: TokenUsage | undefined;
  /** Milliseconds spent signing batches. */
  signingMs: number;
}

const GATEWAY_GONE = "the gateway closed the connection";

/** Runs one stream from the backend's chunks to the sink. Never throws: failures are in the result. */
export async function pumpStream(chunks: AsyncIterable<Uint8Array>, sink: RelayStreamSink, options: StreamPumpOptions): Promise<StreamPumpResult> {
  const splitter = new StreamLineSplitter();
  const batch = new StreamBatch();
  const hash = createHash("sha256");
  const usage = new StreamUsage(options.mediaType);
  const result = { failure: undefined as RelayFailure | undefined, bodyBytes: 0, batches: 0, sentBytes: 0, signingMs: 0 };
  let lastFlush = options.now();
  let writing: Promise<void> = Promise.resolve();
  let gatewayGone = false;
  let timer: NodeJS.Timeout | undefined;

  /** Ends the stream early: the backend is told to stop; what it sent so far still goes out, as pocket-relay-miner does. */
  const fail = (failure: RelayFailure) => {
    if (result.failure !== undefined) return;
    result.failure = failure;
    options.stop(failure);
  };
  /** Whether a write was queued since the reader last waited for the sink. */
  let unsettled = false;
  const send = (bytes: Uint8Array) => {
    result.sentBytes += bytes.length;
    unsettled = true;
    writing = writing.then(() => (gatewayGone ? undefined : sink.write(bytes))).catch(() => {
      gatewayGone = true;
    });
  };
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (batch.isEmpty) return;
    const lines = batch.take();
    lastFlush = options.now();
    const signingStarted = performance.now();
    let response;
    try {
      response = streamBatchResponse(options.header, options.statusCode, lines, (msgHash) => options.signer.signHash(msgHash));
    } catch (error) {
      fail(new RelayFailure("internal", `cannot sign a batch of the stream: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    result.signingMs += performance.now() - signingStarted;
    result.batches += 1;
    send(frameStreamBatch(response));
  };
  /** The extension: a pending batch goes out once it is due even if no further line comes. */
  const armTimer = () => {
    if (timer !== undefined || batch.isEmpty || result.failure !== undefined) return;
    const wait = Math.max(1, STREAM_BATCH_MAX_AGE_MS - (options.now() - lastFlush));
    timer = setTimeout(() => {
      timer = undefined;
      if (batch.isDue(options.now() - lastFlush)) flush();
      else armTimer();
    }, wait);
  };
  const take = (line: Uint8Array) => {
    hash.update(line);
    usage.line(line);
    result.bodyBytes += line.length;
    batch.add(line);
    if (batch.isDue(options.now() - lastFlush)) flush();
  };

  let received = 0;
  try {
    for await (const chunk of chunks) {
      const allowed = options.maxBodyBytes - received;
      received += chunk.length;
      // Lines within the limit still go out; the stream ends where the body passes it.
      for (const line of splitter.push(received > options.maxBodyBytes ? chunk.subarray(0, allowed) : chunk)) take(line);
      if (splitter.tooLong) throw splitter.tooLong;
      if (received > options.maxBodyBytes) {
        throw new RelayFailure("responseLimitExceeded", `body size exceeds maximum allowed body: more than ${options.maxBodyBytes} bytes`);
      }
      if (result.failure !== undefined) break;
      armTimer();
      // Backpressure: the next piece is read once the gateway took the batches sent so far.
      if (unsettled) {
        unsettled = false;
        await writing;
      }
      if (gatewayGone) throw new RelayFailure("internal", GATEWAY_GONE);
    }
    if (result.failure === undefined) {
      const last = splitter.finish();
      if (last !== undefined) take(last);
    }
  } catch (error) {
    fail(
      error instanceof RelayFailure
        ? error
        : error instanceof StreamLineTooLongError
          ? new RelayFailure("responseLimitExceeded", error.message)
          : options.readFailure(error),
    );
  }
  flush();
  if (result.failure === undefined && options.statusCode >= 500) send(STREAM_BACKEND_ERROR_TRAILER);
  await writing;
  if (gatewayGone && result.failure === undefined) result.failure = new RelayFailure("internal", GATEWAY_GONE);
  return { ...result, bodySha256: hash.digest(), usage: usage.usage };
}
