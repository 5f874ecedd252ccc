// The fleet's one listener, HTTPS with this machine's certificate: POST /fleet/v1/join on a front node (a node that
// knows the pairing code), signed OpenAI requests and status queries on an inference node. It never serves a browser:
// a request with an Origin header is refused before anything is read.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { boundServer, guardedListener, requestUrl, serverOptions } from "../runtime/http-guard.js";
import type { Logger } from "../runtime/logger.js";

export interface FleetRequest {
  req: IncomingMessage;
  method: string;
  /** Path and query as sent (what the signature covers). */
  path: string;
  pathname: string;
  body: Buffer;
  remoteAddress: string;
}

export type FleetRequestHandler = (request: FleetRequest, res: ServerResponse) => Promise<void> | void;

/**
 * What may be known of a request before its body is read: a refusal (status and message), or how large a body it may
 * bring. A stranger is refused on its request line and headers, before it can make the listener buffer anything.
 */
export type FleetAdmission = { refuse: { status: number; message: string } } | { maxBodyBytes: number };

export const FLEET_MAX_BODY_BYTES = 4 * 1024 * 1024;

export class FleetListener {
  private server: Server | null = null;

  constructor(
    private readonly options: {
      host: string;
      port: number;
      tls: { key: string; cert: string };
      logger: Logger;
      handle: FleetRequestHandler;
      /** Called before the body is read; without it every request may bring FLEET_MAX_BODY_BYTES. */
      admit?: (req: IncomingMessage, pathname: string) => FleetAdmission;
    },
  ) {}

  async start(): Promise<void> {
    const { logger } = this.options;
    const server = createServer(
      { key: this.options.tls.key, cert: this.options.tls.cert, ...serverOptions() },
      guardedListener(async (req, res) => {
        if (req.headers.origin !== undefined) return refuse(res, 403, "browsers may not call the fleet listener");
        const url = requestUrl(req);
        if (!url) return refuse(res, 400, "bad request line");
        const admission = this.options.admit?.(req, url.pathname) ?? { maxBodyBytes: FLEET_MAX_BODY_BYTES };
        if ("refuse" in admission) return refuse(res, admission.refuse.status, admission.refuse.message);
        const limit = Math.min(admission.maxBodyBytes, FLEET_MAX_BODY_BYTES);
        const declared = Number(req.headers["content-length"]);
        if (Number.isFinite(declared) && declared > limit) return refuse(res, 413, "body too large");
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of req as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > limit) return refuse(res, 413, "body too large");
          chunks.push(chunk);
        }
        await this.options.handle(
          { req, method: req.method ?? "GET", path: req.url ?? "/", pathname: url.pathname, body: Buffer.concat(chunks), remoteAddress: req.socket.remoteAddress ?? "" },
          res,
        );
      }, logger, "fleet listener"),
    );
    boundServer(server as unknown as import("node:http").Server, logger);
    // A TLS handshake that fails (scanners, plain HTTP on the port) is the peer's problem, not the engine's.
    server.on("tlsClientError", (error) => logger.debug("refused a TLS handshake", { error: error.message }));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.server = server;
  }

  get port(): number | null {
    const address = this.server?.address();
    return address && typeof address === "object" ? (address as AddressInfo).port : null;
  }

  async dispose(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}

export function refuse(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: { message, code: status } });
  res.shouldKeepAlive = false;
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), Connection: "close" });
  res.end(body);
}
