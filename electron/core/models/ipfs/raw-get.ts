import { connect, type Socket } from "node:net";

/** Bytes of a status line and headers accepted before the response is refused. */
const MAX_HEAD_BYTES = 16 * 1024;

export interface RawResponse {
  statusCode: number;
  /** The body's length as the response declared it. */
  contentLength: number;
  /** The body as it arrives, ending after `contentLength` bytes; a connection that ends first throws. */
  body: AsyncIterable<Buffer>;
  /** Closes the connection (a body not read to its end is abandoned). */
  destroy(): void;
}

/**
 * `GET path` on a fresh connection that closes after the response, read straight off the TCP socket: the status line
 * and headers are parsed here and the body is the socket's own chunks. For LAN peers' CAR runs, where node:http's
 * parser and streams cost about as much CPU as the bytes themselves (~40 ms per 48 MiB on the test machine). Only what
 * a PocketForge gateway sends is accepted: HTTP/1.x with a Content-Length; anything else is refused as malformed.
 * `onSocket` sees the connection (to close it with its owner); `signal` destroys it.
 */
export async function rawGet(
  base: URL,
  path: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  onSocket?: (socket: Socket) => void,
): Promise<RawResponse> {
  signal.throwIfAborted();
  const socket = connect({ host: base.hostname.replace(/^\[|\]$/g, ""), port: Number(base.port || 80) });
  onSocket?.(socket);
  const abort = () => socket.destroy(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
  signal.addEventListener("abort", abort, { once: true });
  socket.once("close", () => signal.removeEventListener("abort", abort));
  const lines = Object.entries({ host: base.host, ...headers, connection: "close" }).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.write(`GET ${path} HTTP/1.1\r\n${lines.join("")}\r\n`);
  const chunks = socket[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    let head: Buffer = Buffer.alloc(0);
    let end = -1;
    while (end < 0) {
      const next = await chunks.next();
      if (next.done) throw new Error("the connection closed before the response headers");
      head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
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
    const first = head.subarray(end + 4);
    let received = 0;
    const response: RawResponse = {
      statusCode: Number(status[1]),
      contentLength,
      destroy: () => socket.destroy(),
      body: {
        async *[Symbol.asyncIterator]() {
          let chunk: Buffer | undefined = first.length > 0 ? first : undefined;
          while (received < contentLength) {
            if (!chunk) {
              const next = await chunks.next();
              if (next.done) throw new Error("the response was cut short");
              chunk = next.value;
            }
            // Bytes past the declared length belong to nothing: the connection closes after this response.
            const part = chunk.length > contentLength - received ? chunk.subarray(0, contentLength - received) : chunk;
            received += part.length;
            chunk = undefined;
            yield part;
          }
        },
      },
    };
    return response;
  } catch (error) {
    socket.destroy();
    throw error;
  }
}
