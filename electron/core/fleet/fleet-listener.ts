// The fleet's one listener, HTTPS with this machine's certificate: POST /fleet/v1/join on a front node (a node that
// knows the pairing code), signed OpenAI requests and status queries on an inference node. It never serves a browser:
// a request with an Origin header is refused before anything is read.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createGuardedServer, readBoundedBody, type GuardedServer } from "../runtime/guarded-server.js";
import { requestUrl } from "../runtime/http-guard.js";
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
/**
 * Connections one address may hold: a front node keeps up to 64 to each node (transports.ts), so one host on the LAN
 * cannot take the listener's 256 places from the front node by opening many and holding them.
 */
export const FLEET_MAX_CONNECTIONS_PER_ADDRESS = 96;

const REFUSALS = { 403: "browsers may not call the fleet listener", 413: "body too large", 421: "unknown host name" } as const;

export class FleetListener {
  private server: GuardedServer | null = null;

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
    // Front nodes call it by whatever address or name they paired with, so the Host is not checked: requests are
    // signed, and a web page cannot call it (any Origin is refused; the certificate is this machine's own).
    const server = createGuardedServer(
      {
        name: "fleet listener",
        logger: this.options.logger,
        hosts: null,
        origin: "none",
        maxBodyBytes: FLEET_MAX_BODY_BYTES,
        maxConnectionsPerAddress: FLEET_MAX_CONNECTIONS_PER_ADDRESS,
        tls: this.options.tls,
        refuse: (res, status) => refuse(res, status, REFUSALS[status]),
      },
      {
        request: async (req, res) => {
          const url = requestUrl(req);
          if (!url) return refuse(res, 400, "bad request line");
          // Strangers are refused on their request line and headers, before they can make the listener buffer a body.
          const admission = this.options.admit?.(req, url.pathname) ?? { maxBodyBytes: FLEET_MAX_BODY_BYTES };
          if ("refuse" in admission) return refuse(res, admission.refuse.status, admission.refuse.message);
          const limit = Math.min(admission.maxBodyBytes, FLEET_MAX_BODY_BYTES);
          const body = await readBoundedBody(req, limit);
          if (body === null) return refuse(res, 413, "body too large");
          await this.options.handle(
            { req, method: req.method ?? "GET", path: req.url ?? "/", pathname: url.pathname, body, remoteAddress: req.socket.remoteAddress ?? "" },
            res,
          );
        },
      },
    );
    await server.listen(this.options.port, this.options.host);
    this.server = server;
  }

  get port(): number | null {
    return this.server?.port ?? null;
  }

  async dispose(): Promise<void> {
    const server = this.server;
    this.server = null;
    await server?.close();
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
