import type { IncomingMessage, ServerResponse } from "node:http";
import { createGuardedServer, type GuardedServer } from "../../runtime/guarded-server.js";
import { HostNames } from "../../runtime/host-names.js";
import type { Logger } from "../../runtime/logger.js";
import type { Service } from "../../runtime/service.js";
import { createOpenAiHandler, DEFAULT_MAX_BODY_BYTES, type OpenAiBackend, type RequestHandler } from "./handler.js";
import { createListenerGuard, refuseInOpenAiFormat } from "./listener-guard.js";

export interface OpenAiServerOptions {
  /** Address to bind; loopback by default so only this machine can reach the model. */
  host?: string;
  /** 0 picks a free port (tests). */
  port?: number;
  maxBodyBytes?: number;
  /** When set, requests need `Authorization: Bearer <apiKey>`. */
  apiKey?: string | null;
  /**
   * Where an admitted request goes: by default this engine's handler (`local`); a front node of a fleet passes it to
   * the fleet's router instead, which may still choose `local`.
   */
  route?: (req: IncomingMessage, res: ServerResponse, local: RequestHandler) => void;
}

export const DEFAULT_OPENAI_HOST = "127.0.0.1";
export const DEFAULT_OPENAI_PORT = 8641;

/** The OpenAI-compatible endpoint on its own HTTP port, for local apps and an external relay miner. */
export class OpenAiServer implements Service {
  private server: GuardedServer | null = null;
  private readonly host: string;
  private readonly port: number;

  constructor(private readonly deps: { backend: OpenAiBackend; logger: Logger } & OpenAiServerOptions) {
    this.host = deps.host ?? DEFAULT_OPENAI_HOST;
    this.port = deps.port ?? DEFAULT_OPENAI_PORT;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const maxBodyBytes = this.deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const handler = createOpenAiHandler(this.deps.backend, { maxBodyBytes, logger: this.deps.logger });
    const refused = createListenerGuard({ apiKey: this.deps.apiKey });
    const route = this.deps.route;
    const dispatch: RequestHandler = route ? (req, res) => route(req, res, handler) : handler;
    const server = createGuardedServer(
      {
        name: "OpenAI endpoint",
        logger: this.deps.logger,
        hosts: new HostNames(this.host),
        origin: "same-origin",
        maxBodyBytes,
        refuse: (res, status) => refuseInOpenAiFormat(res, status, maxBodyBytes),
      },
      { request: (req, res) => refused(req, res) || dispatch(req, res) },
    );
    await server.listen(this.port, this.host);
    this.server = server;
    this.deps.logger.info("OpenAI-compatible endpoint listening", { url: this.baseUrl });
  }

  async dispose(): Promise<void> {
    const server = this.server;
    this.server = null;
    // Cutting open streams also cancels their generations.
    await server?.close();
  }

  /** The bound port (the real one when 0 was asked for); null when not listening. */
  get boundPort(): number | null {
    return this.server?.port ?? null;
  }

  /** e.g. http://127.0.0.1:8641/v1 — what an OpenAI client takes as baseURL; null when not listening. */
  get baseUrl(): string | null {
    const port = this.boundPort;
    if (port === null) return null;
    return `http://${urlHost(this.host)}:${port}/v1`;
  }
}

/** A wildcard bind is reachable on loopback; IPv6 literals need brackets in a URL. */
function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}
