// GET /metrics in the Prometheus text format, on its own (loopback by default) address like the Go miner's
// `metrics.addr`, so relays and monitoring can be exposed independently.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HostNames, isLoopbackHost } from "../runtime/host-names.js";
import { boundServer, guardedListener, hostOriginRefusal, serverOptions } from "../runtime/http-guard.js";
import { silentLogger, type Logger } from "../runtime/logger.js";
import { Registry } from "prom-client";

export class MetricsServer {
  private server: Server | undefined;

  constructor(
    private readonly options: { host: string; port: number; render(): string | Promise<string>; logger?: Logger },
  ) {}

  async start(): Promise<void> {
    if (this.server) return;
    const logger = this.options.logger ?? silentLogger;
    // On loopback any web page can reach the listener: a DNS-rebinding page must not read the miner's metrics. Beyond
    // loopback Prometheus scrapes by whatever name its configuration gives, so the Host is not checked there.
    const hostNames = isLoopbackHost(this.options.host) ? new HostNames(this.options.host) : null;
    const server = createServer(serverOptions(), guardedListener(async (req, res) => {
      const refusal = hostNames && hostOriginRefusal(req.headers, hostNames, (server.address() as AddressInfo).port);
      if (refusal) {
        logger.debug("metrics: refused a request for another host name or origin", { status: refusal });
        res.shouldKeepAlive = false;
        res.writeHead(refusal, { "Content-Type": "text/plain" }).end(
          refusal === 421 ? "this listener answers to 127.0.0.1 and localhost only\n" : "requests from web pages are refused\n",
        );
        return;
      }
      const path = (req.url ?? "/").split("?")[0];
      if (path !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) {
        res.writeHead(404, { "Content-Type": "text/plain" }).end("only GET /metrics is served here\n");
        return;
      }
      const body = await this.options.render();
      res.writeHead(200, { "Content-Type": Registry.PROMETHEUS_CONTENT_TYPE, "Content-Length": Buffer.byteLength(body) });
      res.end(req.method === "HEAD" ? undefined : body);
    }, logger, "metrics"));
    boundServer(server, logger, { maxConnections: 32 });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  get url(): string | undefined {
    const address = this.server?.address() as AddressInfo | null | undefined;
    return address ? `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}/metrics` : undefined;
  }
}
