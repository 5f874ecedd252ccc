// A request/response pair for calling a node (req, res) handler in-process, with no socket: the handler reads
// the body from the request stream and writes through the response as it would over HTTP. Only what a
// handler uses of IncomingMessage/ServerResponse is provided; createOpenAiHandler is tested against it.
import { EventEmitter } from "node:events";
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { Readable } from "node:stream";

export function syntheticRequest(method: string, url: string, headers: Map<string, string[]>, body: Uint8Array): IncomingMessage {
  const flat: IncomingHttpHeaders = {};
  for (const [name, values] of headers) {
    const key = name.toLowerCase();
    const previous = flat[key];
    const joined = values.join(", ");
    flat[key] = previous === undefined ? joined : `${previous as string}, ${joined}`;
  }
  flat["content-length"] = String(body.length);
  const stream = Readable.from(body.length > 0 ? [Buffer.from(body.buffer, body.byteOffset, body.length)] : [], { objectMode: false });
  return Object.assign(stream, {
    method,
    url,
    headers: flat,
    rawHeaders: Object.entries(flat).flatMap(([k, v]) => [k, String(v)]),
    httpVersion: "1.1",
    httpVersionMajor: 1,
    httpVersionMinor: 1,
    complete: true,
    socket: null,
    connection: null,
  }) as unknown as IncomingMessage;
}

export interface CapturedResponse {
  statusCode: number;
  /** Header names as the handler wrote them. */
  headers: Array<[string, string[]]>;
  body: Buffer;
}

/** Pieces of a streamed body handed from the handler's writes to one reader, in order. */
class ChunkQueue implements AsyncIterable<Uint8Array> {
  private readonly items: Uint8Array[] = [];
  private ended = false;
  private error: Error | undefined;
  private wake: (() => void) | undefined;

  push(chunk: Uint8Array): void {
    if (this.ended || this.error) return;
    this.items.push(chunk);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  fail(error: Error): void {
    if (this.ended) return;
    this.error = error;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      if (this.error) throw this.error;
      if (this.items.length > 0) {
        // Whatever was written since the reader last came, in one piece.
        const next = this.items.length === 1 ? this.items[0]! : new Uint8Array(Buffer.concat(this.items));
        this.items.length = 0;
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

/** A response the handler began as a stream: status and headers as written, the body as it is written. */
export interface CapturedStream {
  statusCode: number;
  headers: Array<[string, string[]]>;
  chunks: AsyncIterable<Uint8Array>;
}

export interface SyntheticResponseOptions {
  /** Decides, when the handler commits its headers, whether the body is handed on as it is written (a stream). */
  streamWhen?(contentType: string | undefined): boolean;
}

/** Thrown into the handler's writes once the body passes the limit; the response is then abandoned. */
export class ResponseTooLargeError extends Error {
  override readonly name = "ResponseTooLargeError";
}

/**
 * The ServerResponse side. `done` settles when the handler ends the response (with what it wrote) or when
 * the response is abandoned (`abandon()`, or the body passing `maxBytes`): then it emits 'close' unfinished,
 * which is how a handler learns that its client went away. When `streamWhen` accepts the Content-Type the handler
 * commits its headers with, `streamed` resolves instead and the body goes to its reader as it is written (the
 * reader applies its own limit).
 */
export class SyntheticResponse extends EventEmitter {
  statusCode = 200;
  statusMessage = "";
  headersSent = false;
  writableEnded = false;
  writableFinished = false;
  destroyed = false;
  readonly done: Promise<CapturedResponse>;
  /** Resolves when the response turns out to be a stream (never, for a whole reply). */
  readonly streamed: Promise<CapturedStream>;
  private stream: ChunkQueue | undefined;
  private committed = false;
  private startStream!: (stream: CapturedStream) => void;
  private readonly headerMap = new Map<string, { name: string; value: OutgoingHttpHeader }>();
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private settle!: { resolve(r: CapturedResponse): void; reject(e: Error): void };

  constructor(
    private readonly maxBytes: number,
    private readonly options: SyntheticResponseOptions = {},
  ) {
    super();
    this.done = new Promise<CapturedResponse>((resolve, reject) => (this.settle = { resolve, reject }));
    this.streamed = new Promise<CapturedStream>((resolve) => (this.startStream = resolve));
    // The owner always observes `done`; an abandoned response must not become an unhandled rejection.
    this.done.catch(() => undefined);
  }

  setHeader(name: string, value: OutgoingHttpHeader): this {
    this.headerMap.set(name.toLowerCase(), { name, value });
    return this;
  }

  getHeader(name: string): OutgoingHttpHeader | undefined {
    return this.headerMap.get(name.toLowerCase())?.value;
  }

  getHeaders(): OutgoingHttpHeaders {
    return Object.fromEntries([...this.headerMap].map(([key, { value }]) => [key, value]));
  }

  hasHeader(name: string): boolean {
    return this.headerMap.has(name.toLowerCase());
  }

  removeHeader(name: string): void {
    this.headerMap.delete(name.toLowerCase());
  }

  writeHead(statusCode: number, reasonOrHeaders?: string | OutgoingHttpHeaders, maybeHeaders?: OutgoingHttpHeaders): this {
    this.statusCode = statusCode;
    const headers = typeof reasonOrHeaders === "object" ? reasonOrHeaders : maybeHeaders;
    if (typeof reasonOrHeaders === "string") this.statusMessage = reasonOrHeaders;
    for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) this.setHeader(name, value);
    this.headersSent = true;
    this.commit();
    return this;
  }

  flushHeaders(): void {
    this.headersSent = true;
    this.commit();
  }

  /** The headers are final: from here on the body is whole or a stream. */
  private commit(): void {
    if (this.committed) return;
    this.committed = true;
    const contentType = this.getHeader("content-type");
    if (!this.options.streamWhen?.(contentType === undefined ? undefined : String(Array.isArray(contentType) ? contentType[0] : contentType))) return;
    this.stream = new ChunkQueue();
    this.startStream({ statusCode: this.statusCode, headers: this.capturedHeaders(), chunks: this.stream });
  }

  write(chunk: string | Uint8Array, encodingOrCallback?: BufferEncoding | (() => void), callback?: () => void): boolean {
    if (this.writableEnded || this.destroyed) return false;
    this.headersSent = true;
    this.commit();
    this.append(chunk, typeof encodingOrCallback === "string" ? encodingOrCallback : undefined);
    const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
    if (done) queueMicrotask(done);
    return !this.destroyed;
  }

  end(chunkOrCallback?: string | Uint8Array | (() => void), encodingOrCallback?: BufferEncoding | (() => void), callback?: () => void): this {
    if (this.writableEnded || this.destroyed) return this;
    this.commit();
    if (typeof chunkOrCallback === "string" || chunkOrCallback instanceof Uint8Array) {
      this.append(chunkOrCallback, typeof encodingOrCallback === "string" ? encodingOrCallback : undefined);
    }
    if (this.destroyed) return this;
    this.headersSent = true;
    this.writableEnded = true;
    this.writableFinished = true;
    const done = [chunkOrCallback, encodingOrCallback, callback].find((f): f is () => void => typeof f === "function");
    this.stream?.end();
    this.settle.resolve({ statusCode: this.statusCode, headers: this.capturedHeaders(), body: Buffer.concat(this.chunks, this.size) });
    queueMicrotask(() => {
      this.emit("finish");
      this.emit("close");
      done?.();
    });
    return this;
  }

  /** Gives up on the response (timeout, cancelled relay): the handler sees its client disconnect. */
  abandon(error: Error): void {
    if (this.writableFinished || this.destroyed) return;
    this.destroyed = true;
    this.stream?.fail(error);
    this.settle.reject(error);
    queueMicrotask(() => this.emit("close"));
  }

  destroy(error?: Error): this {
    this.abandon(error ?? new Error("the response was destroyed"));
    return this;
  }

  asServerResponse(): ServerResponse {
    return this as unknown as ServerResponse;
  }

  private append(chunk: string | Uint8Array, encoding?: BufferEncoding): void {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk, encoding ?? "utf8") : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.stream) {
      // The handler may reuse its buffer after write() returns: the reader gets a copy.
      if (buffer.length > 0) this.stream.push(typeof chunk === "string" ? buffer : new Uint8Array(buffer));
      return;
    }
    this.size += buffer.length;
    if (this.size > this.maxBytes) {
      this.abandon(new ResponseTooLargeError(`body size exceeds maximum allowed body: more than ${this.maxBytes} bytes`));
      return;
    }
    this.chunks.push(buffer);
  }

  private capturedHeaders(): Array<[string, string[]]> {
    return [...this.headerMap.values()].map(({ name, value }) => [
      name,
      Array.isArray(value) ? value.map(String) : [String(value)],
    ]);
  }
}
