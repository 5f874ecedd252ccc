import type { IncomingMessage, ServerResponse } from "node:http";
import { TOKEN_PARAM, WS_PATH } from "../../../shared/api/index.js";
import { isLoopbackHost } from "../runtime/host-names.js";
import { AccessToken } from "./access-token.js";
import { DashboardAccess } from "./dashboard-access.js";
import { loadOrCreateDashboardTls, type DashboardTls } from "./dashboard-tls.js";
import type { ApiRouter } from "../runtime/api-router.js";
import type { EventBus } from "../runtime/events.js";
import type { Logger } from "../runtime/logger.js";
import type { Service } from "../runtime/service.js";
import { createGuardedServer, refuseUpgrade, type GuardedServer } from "../runtime/guarded-server.js";
import { requestUrl } from "../runtime/http-guard.js";
import { SECURITY_HEADERS, serveStatic } from "./static-files.js";
import { WebSocketTransport } from "./websocket-transport.js";

/** One message per kind of refusal: the logger folds repeats of a message, so a flood cannot rotate other records away. */
const REFUSED_MESSAGES = {
  421: "refused a dashboard request for another host name",
  403: "refused a dashboard request from another origin",
  413: "refused a dashboard request with a body too large",
} as const;

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
  private server: GuardedServer | null = null;
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
    return this.server?.port ?? this.options.port;
  }

  async start(): Promise<void> {
    const { router, events, logger, rendererDir } = this.options;
    this.transport = new WebSocketTransport(router, events, logger);
    // Beyond loopback the token, the passphrase and a revealed phrase would cross the LAN: HTTPS only there.
    this.tls = this.tokenInUrl ? await loadOrCreateDashboardTls(this.options.dataDir) : null;
    // A DNS-rebinding page names its own domain as Host (and as Origin, so comparing the two is not enough); browsers
    // let any web page open a WebSocket to localhost, and only our own page may talk to the engine.
    const server = createGuardedServer(
      {
        name: "dashboard",
        logger,
        hosts: this.access,
        origin: "same-origin",
        // Only GET and HEAD are served: a request body has no business being large.
        maxBodyBytes: 64 * 1024,
        tls: this.tls ? { key: this.tls.key, cert: this.tls.cert, minVersion: "TLSv1.2" } : undefined,
        refuse: (response, status) => {
          response.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8", Connection: "close" });
          response.end(
            status === 421
              ? "This engine does not answer to that host name: open the address it printed at start (for example http://127.0.0.1:" + this.port + "/)."
              : status === 403
                ? "Requests from web pages of other origins are refused."
                : "Request body too large.",
          );
        },
        onRefused: (status, request) => {
          if (!request || status === null) return;
          logger.warn(REFUSED_MESSAGES[status], { peer: request.socket.remoteAddress, host: request.headers.host ?? "" });
        },
      },
      {
        request: (request: IncomingMessage, response: ServerResponse) => {
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
        },
        upgrade: (request, socket, head) => {
          const url = requestUrl(request);
          const refusal = url === null ? "400 Bad Request" : url.pathname !== WS_PATH ? "404 Not Found" : null;
          if (refusal) {
            logger.warn("refused a dashboard connection", { peer: request.socket.remoteAddress, reason: refusal });
            return refuseUpgrade(socket, refusal);
          }
          const authorized = this.access.isAuthorized(request);
          if (!authorized) logger.warn("dashboard connection without a valid session or access token", { peer: request.socket.remoteAddress });
          this.transport!.handleUpgrade(request, socket, head, authorized);
        },
      },
    );
    try {
      await server.listen(this.options.port, this.options.host);
    } catch (error) {
      throw (error as NodeJS.ErrnoException).code === "EADDRINUSE"
        ? new Error(`Port ${this.options.port} on ${this.options.host} is already in use: pass --port with a free port`)
        : error;
    }
    this.server = server;
  }

  /** The URL to open; carries the token when one is required. */
  get url(): string {
    const address = this.server?.address;
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
    await server?.close();
  }
}
