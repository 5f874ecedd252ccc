// A gateway reading a streamed relay (docs/protocol.md §12.9): the body is cut into batches, every batch is checked
// as a whole reply would be (session header, payload hash, supplier signature), their bodies are joined in arrival
// order and the application's events are parsed from the joined body, across batch boundaries.
import { utf8DecodeStrict } from "../proto/bytes.js";
import { verifyRelayResponse, type ResponseExpectation } from "../relay-response-check.js";
import { streamEventParser, type StreamEvent, type StreamEventParser } from "./events.js";
import { StreamFrameDecoder, StreamFrameError } from "./frames.js";
import type { StreamMediaType } from "./media-type.js";

/** Why a stream was not accepted; `reason` is a stable token (the whole-reply tokens, plus the stream's own). */
export class RelayStreamError extends Error {
  override readonly name = "RelayStreamError";
  constructor(
    readonly reason: string,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

export interface RelayStreamReaderOptions extends ResponseExpectation {
  /** The outer reply's stream type: how the joined body is parsed into events. */
  mediaType: StreamMediaType;
  maxBatchBytes?: number;
}

/** What one piece of the HTTP body brought. */
export interface StreamProgress {
  /** Verified batches it completed. */
  batches: number;
  /** Their bodies, in order. */
  body: Uint8Array[];
  events: StreamEvent[];
}

const decoderText = (bytes: Uint8Array) => {
  try {
    return utf8DecodeStrict(bytes).slice(0, 200);
  } catch {
    return `${bytes.length} bytes`;
  }
};

export class RelayStreamReader {
  private readonly frames: StreamFrameDecoder;
  private readonly parser: StreamEventParser;
  private status: number | undefined;
  private batchCount = 0;
  private size = 0;

  constructor(private readonly options: RelayStreamReaderOptions) {
    this.frames = new StreamFrameDecoder(options.maxBatchBytes);
    this.parser = streamEventParser(options.mediaType);
  }

  /** The backend status every batch carries; undefined before the first batch. */
  get statusCode(): number | undefined {
    return this.status;
  }

  get batches(): number {
    return this.batchCount;
  }

  /** Bytes of body received in verified batches. */
  get bodyBytes(): number {
    return this.size;
  }

  /** @throws RelayStreamError at the first batch that fails a check */
  push(chunk: Uint8Array): StreamProgress {
    let batches: Uint8Array[];
    try {
      batches = this.frames.push(chunk);
    } catch (error) {
      if (error instanceof StreamFrameError) throw new RelayStreamError("batch_too_large", error.message);
      throw error;
    }
    const progress: StreamProgress = { batches: 0, body: [], events: [] };
    for (const batch of batches) {
      const body = this.accept(batch);
      progress.batches += 1;
      progress.body.push(body);
      progress.events.push(...this.parser.push(body));
    }
    return progress;
  }

  /**
   * Call when the HTTP body ended. A last batch without delimiter is accepted; a truncated batch, an error reply
   * (the poktroll branch's unsigned RelayResponse with a RelayMinerError) or bytes that are no RelayResponse at all
   * (pocket-relay-miner's `{"error":…}` after a 5xx stream) fail the stream.
   * @throws RelayStreamError
   */
  finish(): StreamProgress {
    const tail = this.frames.finish();
    const progress: StreamProgress = { batches: 0, body: [], events: [] };
    if (tail.truncated) throw new RelayStreamError("truncated_stream", "the stream ended inside a batch");
    if (tail.trailer !== undefined) {
      throw new RelayStreamError(this.status !== undefined && this.status >= 500 ? `backend_${this.status}` : "stream_error", decoderText(tail.trailer));
    }
    if (tail.final !== undefined) {
      const body = this.accept(tail.final);
      progress.batches = 1;
      progress.body.push(body);
      progress.events.push(...this.parser.push(body));
    }
    progress.events.push(...this.parser.finish());
    return progress;
  }

  /** Checks one batch and returns its body. */
  private accept(batch: Uint8Array): Uint8Array {
    const checked = verifyRelayResponse(batch, this.options);
    if (!checked.ok) {
      // A relay miner error after batches is how the poktroll branch reports a stream that broke.
      throw new RelayStreamError(checked.reason, checked.detail);
    }
    const { statusCode, bodyBz } = checked.http;
    if (this.status === undefined) this.status = statusCode;
    else if (statusCode !== this.status) {
      throw new RelayStreamError("status_changed", `a batch says HTTP ${statusCode} after earlier batches said ${this.status}`);
    }
    this.batchCount += 1;
    this.size += bodyBz.length;
    return bodyBz;
  }
}

