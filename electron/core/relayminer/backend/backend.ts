import type { StreamMediaType } from "../../pokt/stream/media-type.js";
import type { UpstreamRequest } from "./upstream-request.js";

/** The backend's answer, whole (docs/protocol.md §3.2): anything whose Content-Type is not a stream type. */
export interface BackendReply {
  statusCode: number;
  /** Canonical header name (Go's spelling, e.g. `Content-Type`) → every value. */
  headers: Map<string, string[]>;
  body: Uint8Array;
}

/**
 * An answer whose Content-Type is text/event-stream or application/x-ndjson (docs/protocol.md §12.2): status and
 * headers as soon as the backend sends them, the body as it arrives.
 */
export interface BackendStream {
  statusCode: number;
  headers: Map<string, string[]>;
  mediaType: StreamMediaType;
  /** The body's pieces in order. Ends with the body; throws when reading fails or the forward's signal aborts. */
  chunks: AsyncIterable<Uint8Array>;
}

export type BackendAnswer = BackendReply | BackendStream;

export function isBackendStream(answer: BackendAnswer): answer is BackendStream {
  return "chunks" in answer;
}

export interface ForwardOptions {
  /** Aborting it cancels the request (timeout, failed signature check, miner stopping). */
  signal: AbortSignal;
  maxResponseBytes: number;
}

/** Where a service's relays go: the in-process inference engine or an OpenAI-compatible URL. */
export interface Backend {
  readonly description: string;
  /**
   * A whole reply, or a stream once the headers say so (the limit then applies to the stream's reader).
   * @throws BackendError
   */
  forward(request: UpstreamRequest, options: ForwardOptions): Promise<BackendAnswer>;
  close(): void;
}

export type BackendFailure = "aborted" | "response_too_large" | "unreachable" | "protocol";

export class BackendError extends Error {
  override readonly name = "BackendError";
  constructor(
    readonly failure: BackendFailure,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Go's textproto.CanonicalMIMEHeaderKey: `content-type` → `Content-Type`; names with odd bytes stay as they are. */
export function canonicalHeaderName(name: string): string {
  if (!TOKEN.test(name)) return name;
  let out = "";
  let upper = true;
  for (const char of name) {
    out += upper ? char.toUpperCase() : char.toLowerCase();
    upper = char === "-";
  }
  return out;
}

/** Groups flat [name, value, name, value…] pairs (Node's rawHeaders) by canonical name, keeping value order. */
export function groupRawHeaders(raw: readonly string[]): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = canonicalHeaderName(raw[i]);
    const values = headers.get(name);
    if (values) values.push(raw[i + 1]);
    else headers.set(name, [raw[i + 1]]);
  }
  return headers;
}
