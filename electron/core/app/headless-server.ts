import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { TOKEN_PARAM, WS_PATH } from "../../../shared/api/index.js";
import { isLoopbackHost } from "../runtime/host-names.js";
import { AccessToken } from "./access-token.js";
import { DashboardAccess } from "./dashboard-access.js";
import { loadOrCreateDashboardTls, type DashboardTls } from "./dashboard-tls.js";
import type { ApiRouter } from "../runtime/api-router.js";
import type { EventBus } from "../runtime/events.js";
import type { Logger } from "../runtime/logger.js";
import type { Service } from "../runtime/service.js";
import { boundServer, guardedListener, isOwnOrigin, requestUrl, serverOptions } from "../runtime/http-guard.js";
import { SECURITY_HEADERS, serveStatic } from "./static-files.js";
import { WebSocketTransport } from "./websocket-transport.js";

export interface HeadlessServerOptions {
  host: string;
  port: number;
  dataDir: string;
  rendererDir: string;
  router: ApiRouter;
  events: EventBus;
  logger: Logger;
}

/**
 * The dashboard for rigs without a screen: the built renderer plus the WebSocket API on one port. Who may use it is
 * DashboardAccess's call: a Host the engine answers to, a same-origin page, and a credential on every connection
 * (the session cookie the page receives, or the access token).
 */
export class HeadlessServer implements Service {
  private server: Server | null = null;
  private transport: WebSocketTransport | null = null;
  readonly token: AccessToken;
  /** The certificate served beyond loopback; null on loopback (plain HTTP there). */
  tls: DashboardTls | null = null;
  private readonly access: DashboardAccess;
  /** The token goes into the printed URL only where the page cannot get the session without it (a LAN bind). */
  private readonly tokenInUrl: boolean;

  constructor(private readonly options: HeadlessServerOptions) {
    this.token = AccessToken.loadOrCreate(options.dataDir);
    this.access = new DashboardAccess(this.token, options.host);
    this.tokenInUrl = !isLoopbackHost(options.host);
  }

  private get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? this.options.port;
  }

  async start(): Promise<void> {
    const { router, events, logger, rendererDir } = this.options;
    this.transport = new WebSocketTransport(router, events, logger);
    // Beyond loopback the token, the passphrase and a revealed phrase would cross the LAN: HTTPS only there.
    this.tls = this.tokenInUrl ? await loadOrCreateDashboardTls(this.options.dataDir) : null;
    const listener = guardedListener((request: IncomingMessage, response: ServerResponse) => {
      if (!this.access.answersTo(request.headers.host, this.port)) {
        logger.warn("refused a dashboard request for another host name", { peer: request.socket.remoteAddress, host: request.headers.host ?? "" });
        response.writeHead(421, { ...SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8", Connection: "close" });
        return response.end("This engine does not answer to that host name: open the address it printed at start (for example http://127.0.0.1:" + this.port + "/).");
      }
      if (request.url === "/healthz") {
        response.writeHead(200, { ...SECURITY_HEADERS, "Content-Type": "application/json" });
        return response.end(JSON.stringify({ ok: true }));
      }
      if (request.method !== "GET" && request.method !== "HEAD") {
        response.writeHead(405, { ...SECURITY_HEADERS, Allow: "GET, HEAD" });
        return response.end();
      }
      const cookie = this.access.sessionCookie(request);
      serveStatic(rendererDir, request, response, cookie ? { "Set-Cookie": this.tls ? `${cookie}; Secure` : cookie } : {});
    }, logger, "dashboard");
    const server = this.tls
      ? createHttpsServer({ ...serverOptions(), key: this.tls.key, cert: this.tls.cert, minVersion: "TLSv1.2" }, listener)
      : createServer(serverOptions(), listener);
    boundServer(server, logger);
    server.on("upgrade", (request, socket, head) => {
      // A peer that resets mid-handshake must not become an unhandled 'error' event.
      socket.on("error", (error: NodeJS.ErrnoException) => logger.debug("a dashboard socket failed", { code: error.code ?? error.message }));
      try {
        const refusal = this.refuseUpgrade(request);
        if (refusal) {
          logger.warn("refused a dashboard connection", { peer: request.socket.remoteAddress, reason: refusal });
          // The upgrade socket is not read from any more, so the peer's FIN would never be seen: close it ourselves
          // once the refusal is written, or it stays open (and uncounted by the event loop) for ever.
          socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
          return;
        }
        const authorized = this.access.isAuthorized(request);
        if (!authorized) logger.warn("dashboard connection without a valid session or access token", { peer: request.socket.remoteAddress });
        this.transport!.handleUpgrade(request, socket, head, authorized);
      } catch (error) {
        logger.error("a dashboard connection failed", { error: error instanceof Error ? error.message : String(error) });
        socket.destroy();
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) =>
        reject(
          error.code === "EADDRINUSE"
            ? new Error(`Port ${this.options.port} on ${this.options.host} is already in use: pass --port with a free port`)
            : error,
        ),
      );
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    this.server = server;
  }

  /** The URL to open; carries the token when one is required. */
  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error("the dashboard server is not listening");
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    const shownHost = host === "0.0.0.0" || host === "[::]" ? "localhost" : host;
    const base = `${this.tls ? "https" : "http"}://${shownHost}:${address.port}/`;
    return this.tokenInUrl ? `${base}?${TOKEN_PARAM}=${this.token.value}` : base;
  }

  async dispose(): Promise<void> {
    await this.transport?.dispose();
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private refuseUpgrade(request: IncomingMessage): string | null {
    const url = requestUrl(request);
    if (url === null) return "400 Bad Request";
    // A DNS-rebinding page names its own domain as Host (and as Origin, so comparing the two is not enough).
    if (!this.access.answersTo(request.headers.host, this.port)) return "421 Misdirected Request";
    if (url.pathname !== WS_PATH) return "404 Not Found";
    // Browsers let any web page open a WebSocket to localhost; only our own page may talk to the engine.
    const origin = request.headers.origin;
    if (origin !== undefined && !isOwnOrigin(origin, request.headers.host, this.tls !== null)) return "403 Forbidden";
    return null;
  }
}
