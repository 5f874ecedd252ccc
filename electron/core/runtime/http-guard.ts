// What every listener of the engine shares so that no request can stop it: parsing that answers null instead of
// throwing, request handlers whose failures become a 4xx/5xx reply, a bounded HTTP server (header and request
// timeouts, a connection cap, malformed requests answered 400 by Node's parser). Listeners are opened through
// guarded-server.ts, which applies these with the Host, Origin, body and per-address guards of a listener's policy.
import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";
import type { Logger } from "./logger.js";

/** The request's URL, or null when the request line carries something `URL` cannot parse. */
export function requestUrl(request: Pick<IncomingMessage, "url">): URL | null {
  try {
    return new URL(request.url ?? "/", "http://localhost");
  } catch {
    return null;
  }
}

/**
 * The request's URL when its target is in origin form (`/path?query`, what a client sends to a server it talks to
 * directly), else null: an absolute-form target (`GET http://other/ipfs/…`, meant for a proxy) names a host of its own
 * that HTTP says takes the place of the Host header, so a listener that checks Host must not answer it by Host. The
 * path is read as a path: `//name/…` is not taken for a host either.
 */
export function originFormUrl(request: Pick<IncomingMessage, "url">): URL | null {
  const target = request.url ?? "";
  if (!target.startsWith("/")) return null;
  try {
    return new URL(`http://localhost${target}`);
  } catch {
    return null;
  }
}

/** decodeURIComponent that answers null for a malformed escape (`%E0%A4%A`) instead of throwing. */
export function decodeComponent(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * Whether an Origin header names the listener's own origin: its scheme (a page served over http:// is another
 * origin than the https:// one) and the Host the request was sent to. "null", garbage and other schemes are not.
 */
export function isOwnOrigin(origin: string, host: string | undefined, secure: boolean): boolean {
  try {
    const url = new URL(origin);
    return url.protocol === (secure ? "https:" : "http:") && url.host === host;
  } catch {
    return false;
  }
}

/**
 * Runs `handler`; a synchronous throw or a rejected promise is logged and answered with 500 (or the socket is
 * closed when the reply had started), so one bad request costs one reply, never the process.
 */
export function guardedListener(handler: (req: IncomingMessage, res: ServerResponse) => unknown, logger: Logger, name: string): RequestListener {
  const fail = (res: ServerResponse, error: unknown) => {
    logger.error(`${name}: a request failed unexpectedly`, { error: error instanceof Error ? error.message : String(error) });
    if (!res.headersSent) {
      res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8", Connection: "close" });
      res.end("internal error");
    } else {
      res.destroy();
    }
  };
  return (req, res) => {
    try {
      const result = handler(req, res);
      if (result instanceof Promise) result.catch((error: unknown) => fail(res, error));
    } catch (error) {
      fail(res, error);
    }
  };
}

export interface ServerBounds {
  /** Time to receive the whole header block (slowloris). */
  headersTimeoutMs?: number;
  /** Time to receive the whole request, body included. */
  requestTimeoutMs?: number;
  /** Idle keep-alive connections are closed after this long. */
  keepAliveTimeoutMs?: number;
  /** Connections beyond this are refused at accept time. */
  maxConnections?: number;
  /** Largest header block, in bytes. */
  maxHeaderBytes?: number;
}

export const DEFAULT_SERVER_BOUNDS: Required<ServerBounds> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 256,
  maxHeaderBytes: 16 * 1024,
};

/**
 * Applies time and connection bounds to a server and answers requests Node's parser refuses (bad request lines,
 * bad headers, oversized header blocks) with 400 instead of leaving the socket to error, logged at debug: the
 * internet sends such junk all day.
 */
export function boundServer(server: Server, logger: Logger, bounds: ServerBounds = {}): void {
  const b = { ...DEFAULT_SERVER_BOUNDS, ...bounds };
  server.headersTimeout = b.headersTimeoutMs;
  server.requestTimeout = b.requestTimeoutMs;
  server.keepAliveTimeout = b.keepAliveTimeoutMs;
  server.maxConnections = b.maxConnections;
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    logger.debug("refused a malformed request", { code: error.code ?? "unknown" });
    if (socket.writable && !(socket as { _httpMessage?: unknown })._httpMessage) {
      // Destroyed once the refusal is written: a peer that never closes its side (half-open) would otherwise keep
      // the socket, and its place under maxConnections, for ever.
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", () => socket.destroy());
    } else {
      socket.destroy();
    }
  });
}

/**
 * Options for http.createServer that bound the header block and how often Node enforces the header and request
 * timeouts (its default check runs every 30 s, which would let a slow client hold a socket three times longer).
 */
export function serverOptions(bounds: ServerBounds = {}): { maxHeaderSize: number; connectionsCheckingInterval: number } {
  return { maxHeaderSize: bounds.maxHeaderBytes ?? DEFAULT_SERVER_BOUNDS.maxHeaderBytes, connectionsCheckingInterval: 1_000 };
}
