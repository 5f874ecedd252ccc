// One place that opens a listener of the engine with its guards (docs/architecture.md §7: every listener checks Host and
// Origin, bounds sizes, time and connections, and never dies on malformed input). A listener states its policy —
// which Host names it answers to, what it does with a browser's Origin, the largest body, its time and connection
// bounds, how many connections one address may hold — and keeps only what is its own: its routes and the format of
// its refusals.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { SecureVersion } from "node:tls";
import { boundServer, guardedListener, isOwnOrigin, serverOptions, type ServerBounds } from "./http-guard.js";
import type { Logger } from "./logger.js";

/** What the guard refuses before a request reaches the listener: a foreign Origin, an oversized body, a foreign Host. */
export type GuardRefusal = 403 | 413 | 421;

/**
 * What a browser's Origin header may be: `same-origin`, the listener's own (scheme and Host) or absent (scripts and
 * other programs send none); `none`, absent (a listener no web page has any business calling); `any`, not checked
 * (the relay miner, which faces the internet and is called by gateways).
 */
export type OriginRule = "same-origin" | "none" | "any";

export interface ListenerPolicy {
  /** The listener's name in logs ("metrics", "model gateway"). */
  name: string;
  logger: Logger;
  /**
   * Which Host headers the listener answers to (a HostNames, or anything that decides the same way); others get 421
   * before anything is read. Null only where the listener is not reachable by a web page under a rebound name, or is
   * called under names it cannot know (the relay miner, metrics scraped beyond loopback).
   */
  hosts: { answersTo(hostHeader: string | undefined, port: number): boolean } | null;
  origin: OriginRule;
  /** A request that declares a larger body gets 413 before the handler runs; readBoundedBody enforces it on what arrives. */
  maxBodyBytes?: number;
  /** Header and request timeouts, the connection cap, the header size (http-guard's defaults where left out). */
  bounds?: ServerBounds;
  /** Connections one remote address may hold at once; one more is closed at accept time. */
  maxConnectionsPerAddress?: number;
  /** HTTPS with this key and certificate; plain HTTP without. */
  tls?: { key: string; cert: string; minVersion?: SecureVersion };
  /** Keep-alive probes on accepted sockets (long-lived gateway connections). */
  keepAlive?: boolean;
  /**
   * How a refusal is answered, in the listener's own format; the connection is closed after it whatever this does.
   * Default: a short text/plain reply.
   */
  refuse?: (res: ServerResponse, status: GuardRefusal, req: IncomingMessage) => void;
  /** Told of every refusal: a request or upgrade (with its status), or a connection beyond the per-address cap (null). */
  onRefused?: (status: GuardRefusal | null, req: IncomingMessage | null) => void;
}

export interface GuardedHandlers {
  /** A request that passed the guards. A throw or rejection costs a 500 reply, never the process. */
  request: (req: IncomingMessage, res: ServerResponse) => unknown;
  /**
   * An upgrade (WebSocket) that passed the Host and Origin guards; a throw closes the socket. Without it, upgrades
   * are left to Node's default.
   */
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

const REASONS: Record<GuardRefusal, string> = { 403: "Forbidden", 413: "Payload Too Large", 421: "Misdirected Request" };
const TEXTS: Record<GuardRefusal, string> = {
  403: "requests from web pages are refused\n",
  413: "request body too large\n",
  421: "this listener does not answer to that host name\n",
};

/** A listener opened with its guards. `server` is Node's, for what is the listener's own (draining, upgrade state). */
export class GuardedServer {
  readonly server: Server;

  constructor(private readonly policy: ListenerPolicy, handlers: GuardedHandlers) {
    const { logger, name, tls } = policy;
    const listener = guardedListener((req: IncomingMessage, res: ServerResponse) => {
      const refusal = this.refusal(req, true);
      if (refusal === null) return handlers.request(req, res);
      policy.onRefused?.(refusal, req);
      logger.debug(`${name}: refused a request`, { status: refusal });
      res.shouldKeepAlive = false;
      if (policy.refuse) policy.refuse(res, refusal, req);
      else res.writeHead(refusal, { "Content-Type": "text/plain; charset=utf-8", Connection: "close" }).end(TEXTS[refusal]);
    }, logger, name);
    const options = { ...serverOptions(policy.bounds), ...(policy.keepAlive ? { keepAlive: true } : {}) };
    const server = tls
      ? (createHttpsServer({ ...options, key: tls.key, cert: tls.cert, ...(tls.minVersion ? { minVersion: tls.minVersion } : {}) }, listener) as unknown as Server)
      : createHttpServer(options, listener);
    boundServer(server, logger, policy.bounds);
    // A TLS handshake that fails (scanners, plain HTTP on the port) is the peer's problem, not the engine's.
    if (tls) server.on("tlsClientError", (error: Error) => logger.debug(`${name}: refused a TLS handshake`, { error: error.message }));
    if (policy.maxConnectionsPerAddress !== undefined) this.capPerAddress(server, policy.maxConnectionsPerAddress);
    const upgrade = handlers.upgrade;
    if (upgrade) {
      server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        // A peer that resets mid-handshake must not become an unhandled 'error' event.
        socket.on("error", (error: NodeJS.ErrnoException) => logger.debug(`${name}: an upgrade socket failed`, { code: error.code ?? error.message }));
        const refusal = this.refusal(req, false);
        if (refusal !== null) {
          policy.onRefused?.(refusal, req);
          logger.debug(`${name}: refused an upgrade`, { status: refusal });
          refuseUpgrade(socket, `${refusal} ${REASONS[refusal]}`);
          return;
        }
        try {
          upgrade(req, socket, head);
        } catch (error) {
          logger.error(`${name}: an upgrade failed`, { error: error instanceof Error ? error.message : String(error) });
          socket.destroy();
        }
      });
    }
    this.server = server;
  }

  /** Listens; rejects when the address cannot be bound (in use, not this machine's). Errors after that are logged. */
  async listen(port: number, host: string): Promise<AddressInfo> {
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", (error) => this.policy.logger.warn(`${this.policy.name}: listener error`, { error: error.message }));
    return server.address() as AddressInfo;
  }

  /** Where it listens; null when it does not (yet, or any more). */
  get address(): AddressInfo | null {
    const address = this.server.address();
    return address && typeof address === "object" ? address : null;
  }

  get port(): number | null {
    return this.address?.port ?? null;
  }

  /**
   * Stops listening and cuts every open connection (open streams would keep close() waiting). `settle`, when given,
   * runs after listening stopped and before the cut: a listener that drains what it is answering waits there.
   */
  async close(settle?: (server: Server) => Promise<void>): Promise<void> {
    const server = this.server;
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await settle?.(server);
    server.closeAllConnections();
    await closed;
  }

  /** The guard a request or an upgrade fails, or null. Host first: a rebound page's Origin is its own domain too. */
  private refusal(req: IncomingMessage, withBody: boolean): GuardRefusal | null {
    const { hosts, origin, maxBodyBytes } = this.policy;
    if (hosts !== null && !hosts.answersTo(req.headers.host, this.port ?? 0)) return 421;
    const sent = req.headers.origin;
    if (sent !== undefined) {
      if (origin === "none") return 403;
      if (origin === "same-origin" && !isOwnOrigin(sent, req.headers.host, this.policy.tls !== undefined)) return 403;
    }
    if (withBody && maxBodyBytes !== undefined) {
      const declared = Number(req.headers["content-length"]);
      if (Number.isFinite(declared) && declared > maxBodyBytes) return 413;
    }
    return null;
  }

  /** One address cannot take every place under maxConnections from the others by opening many and reading slowly. */
  private capPerAddress(server: Server, cap: number): void {
    const open = new Map<string, number>();
    server.on("connection", (socket: Socket) => {
      const address = socket.remoteAddress ?? "unknown";
      const count = (open.get(address) ?? 0) + 1;
      if (count > cap) {
        this.policy.onRefused?.(null, null);
        socket.destroy();
        return;
      }
      open.set(address, count);
      socket.once("close", () => {
        const left = (open.get(address) ?? 1) - 1;
        if (left > 0) open.set(address, left);
        else open.delete(address);
      });
    });
  }
}

/** Opens nothing yet: `listen` does. */
export function createGuardedServer(policy: ListenerPolicy, handlers: GuardedHandlers): GuardedServer {
  return new GuardedServer(policy, handlers);
}

/**
 * Answers an upgrade request with `status` ("421 Misdirected Request") and closes the socket once that is written: the
 * socket is not read from any more, so the peer's FIN would never be seen and it would stay open for ever.
 */
export function refuseUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}

/** The request's body, or null as soon as it is larger than `limit` (declared or as it arrives; the rest is not read). */
export async function readBoundedBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
