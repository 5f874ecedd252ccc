// GET /metrics in the Prometheus text format, on its own (loopback by default) address like the Go miner's
// `metrics.addr`, so relays and monitoring can be exposed independently.
import { createGuardedServer, type GuardedServer } from "../runtime/guarded-server.js";
import { HostNames, isLoopbackHost } from "../runtime/host-names.js";
import { silentLogger, type Logger } from "../runtime/logger.js";
import { Registry } from "prom-client";

const REFUSALS = {
  421: "this listener answers to 127.0.0.1 and localhost only\n",
  403: "requests from web pages are refused\n",
  413: "a scrape sends no body\n",
} as const;

export class MetricsServer {
  private server: GuardedServer | undefined;

  constructor(
    private readonly options: { host: string; port: number; render(): string | Promise<string>; logger?: Logger },
  ) {}

  async start(): Promise<void> {
    if (this.server) return;
    // On loopback any web page can reach the listener: a DNS-rebinding page must not read the miner's metrics. Beyond
    // loopback Prometheus scrapes by whatever name its configuration gives, so neither Host nor Origin is checked there.
    const loopback = isLoopbackHost(this.options.host);
    const server = createGuardedServer(
      {
        name: "metrics",
        logger: this.options.logger ?? silentLogger,
        hosts: loopback ? new HostNames(this.options.host) : null,
        origin: loopback ? "same-origin" : "any",
        // A scrape sends no body.
        maxBodyBytes: 64 * 1024,
        bounds: { maxConnections: 32 },
        refuse: (res, status) => res.writeHead(status, { "Content-Type": "text/plain" }).end(REFUSALS[status]),
      },
      {
        request: async (req, res) => {
          const path = (req.url ?? "/").split("?")[0];
          if (path !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) {
            res.writeHead(404, { "Content-Type": "text/plain" }).end("only GET /metrics is served here\n");
            return;
          }
          const body = await this.options.render();
          res.writeHead(200, { "Content-Type": Registry.PROMETHEUS_CONTENT_TYPE, "Content-Length": Buffer.byteLength(body) });
          res.end(req.method === "HEAD" ? undefined : body);
        },
      },
    );
    await server.listen(this.options.port, this.options.host);
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.close();
  }

  get url(): string | undefined {
    const address = this.server?.address;
    return address ? `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}/metrics` : undefined;
  }
}
