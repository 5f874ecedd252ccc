import { connect, type Socket } from "node:net";
import { appendView, type ReceiveRing } from "./receive-ring.js";

/** Bytes of a status line and headers accepted before the response is refused. */
const MAX_HEAD_BYTES = 16 * 1024;

export interface RawResponse {
  statusCode: number;
  /** The body's length as the response declared it. */
  contentLength: number;
  /**
   * The body as it arrives, ending after `contentLength` bytes; a connection that ends first throws. Its chunks are
   * views into the ring: they stay valid until `release` passes them (or the ring is reused for another connection).
   */
  body: AsyncIterable<Buffer>;
  /** The reader is done with the body's bytes before `position`: the ring may take new bytes there. */
  release(position: number): void;
  /** Closes the connection (a body not read to its end is abandoned); nothing is read into the ring after it. */
  destroy(): void;
}

export interface RawGetOptions {
  /** The memory the response is read into (reset here); the caller may reuse it once `destroy` was called. */
  ring: ReceiveRing;
  /** Sees the connection (to close it with its owner). */
  onSocket?(socket: Socket): void;
}

/**
 * `GET path` on a fresh connection that closes after the response, read straight off the TCP socket into a kept ring
 * of memory: the status line and headers are parsed here and the body is handed out as views into the ring. For LAN
 * peers' CAR runs, where node:http's parser and streams (~40 ms per 48 MiB on the test machine) and a fresh buffer per
 * socket read (~30 ms more) cost about as much CPU as the bytes themselves. Only what a PocketForge gateway sends is
 * accepted: HTTP/1.x with a Content-Length; anything else is refused as malformed. `signal` destroys the connection.
 * Reading pauses while the ring has no room for another read, until the reader releases bytes.
 */
export async function rawGet(base: URL, path: string, headers: Record<string, string>, signal: AbortSignal, options: RawGetOptions): Promise<RawResponse> {
  signal.throwIfAborted();
  const { ring } = options;
  ring.reset();
  const arrived: Buffer[] = [];
  let ended = false;
  let failure: Error | null = null;
  let closed = false;
  let paused = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  const socket = connect({
    host: base.hostname.replace(/^\[|\]$/g, ""),
    port: Number(base.port || 80),
    onread: {
      buffer: ring.readBuffer,
      // The read buffer is reused by the next read: its bytes are copied into the ring before this returns.
      callback: (bytes: number, buffer: Uint8Array) => {
        if (closed) return false;
        // Reads the reader has not taken yet are one view where they lie side by side in the ring.
        for (const view of ring.store(buffer.subarray(0, bytes))) appendView(arrived, view);
        notify();
        paused = !ring.roomForRead;
        return !paused;
      },
    },
  });
  options.onSocket?.(socket);
  const close = (error?: Error) => {
    closed = true;
    if (error) failure ??= error;
    socket.destroy();
    notify();
  };
  const abort = () => close(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
  socket.on("error", (error) => close(error));
  socket.on("end", () => {
    ended = true;
    notify();
  });
  socket.on("close", () => {
    closed = true;
    signal.removeEventListener("abort", abort);
    notify();
  });
  /** The reader is done with the stream's bytes before `position`: reading goes on once another read fits. */
  const releaseStream = (position: number) => {
    // Once closed, the ring may already serve another connection.
    if (closed) return;
    ring.release(position);
    if (paused && ring.roomForRead) {
      paused = false;
      socket.resume();
    }
  };
  signal.addEventListener("abort", abort, { once: true });
  const lines = Object.entries({ host: base.host, ...headers, connection: "close" }).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.write(`GET ${path} HTTP/1.1\r\n${lines.join("")}\r\n`);

  /** The next chunk read, or null once the connection ended or closed; a failure (an abort included) comes first. */
  const next = async (): Promise<Buffer | null> => {
    for (;;) {
      if (failure) throw failure;
      if (arrived.length > 0) return arrived.shift()!;
      if (ended || closed) return null;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };

  try {
    let head: Buffer = Buffer.alloc(0);
    let end = -1;
    while (end < 0) {
      const chunk = await next();
      if (!chunk) throw new Error("the connection closed before the response headers");
      // A copy: the head is parsed from it and the body's first bytes are taken from it, so it owes the ring nothing.
      head = Buffer.concat([head, chunk]);
      releaseStream(head.length);
      end = head.indexOf("\r\n\r\n");
      if (end < 0 && head.length > MAX_HEAD_BYTES) throw new Error("response headers too large");
    }
    if (end > MAX_HEAD_BYTES) throw new Error("response headers too large");
    const [statusLine, ...fields] = head.subarray(0, end).toString("latin1").split("\r\n");
    const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine ?? "");
    if (!status) throw new Error("a malformed status line");
    const named = new Map<string, string>();
    for (const field of fields) {
      const colon = field.indexOf(":");
      if (colon <= 0) throw new Error("a malformed response header");
      const name = field.slice(0, colon).trim().toLowerCase();
      if (named.has(name) && name === "content-length") throw new Error("two Content-Length headers");
      named.set(name, field.slice(colon + 1).trim());
    }
    if (named.has("transfer-encoding")) throw new Error("a chunked response (a PocketForge gateway sends a Content-Length)");
    const declared = named.get("content-length");
    if (declared === undefined || !/^\d{1,15}$/.test(declared)) throw new Error("a response without a valid Content-Length");
    const contentLength = Number(declared);
    const headBytes = end + 4;
    const first = head.subarray(headBytes);
    let received = 0;
    return {
      statusCode: Number(status[1]),
      contentLength,
      destroy: () => close(),
      release: (position) => releaseStream(headBytes + position),
      body: {
        async *[Symbol.asyncIterator]() {
          let chunk: Buffer | null = first.length > 0 ? first : null;
          while (received < contentLength) {
            chunk ??= await next();
            if (!chunk) throw new Error("the response was cut short");
            // Bytes past the declared length belong to nothing: the connection closes after this response.
            const part = chunk.length > contentLength - received ? chunk.subarray(0, contentLength - received) : chunk;
            received += part.length;
            chunk = null;
            yield part;
          }
        },
      },
    };
  } catch (error) {
    close();
    throw error;
  }
}
