// The relay miner's HTTP listener (docs/protocol.md §3.1): any path and any method carry a protobuf RelayRequest in
// the body; every whole answer is HTTP 200 with a RelayResponse (an error reply included), as the Go miner does. A
// streamed answer carries the backend's status and headers and its signed batches as they come (docs/protocol.md §12.3).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createGuardedServer, type GuardedServer } from "../runtime/guarded-server.js";
import type { Logger } from "../runtime/logger.js";
import { RelayFailure } from "./errors.js";
import type { RelayMinerMetrics } from "./metrics.js";
import type { RelayHandler, RelayOutcome, StreamedRelayOutcome } from "./relay-handler.js";
import type { RelayStreamSink } from "./stream-relay.js";
import { errorRelayResponse } from "./response.js";
import { clientKey } from "./session-lookup-limiter.js";

export interface RelayServerOptions {
  host: string;
  port: number;
  /** Largest request body read; a larger one is refused with error 13 and the connection closed. */
  maxBodyBytes: number;
  handler: RelayHandler;
  metrics: RelayMinerMetrics;
  logger: Logger;
  /** After every change of the number of relays in flight. */
  onInFlightChange?(inFlight: number): void;
  /** Relays one client address may have in flight; more are refused at once (default 128). */
  maxInFlightPerClient?: number;
  /** Open connections beyond this are refused (default 1024: gateways multiplex many relays). */
  maxConnections?: number;
}

export const DEFAULT_MAX_IN_FLIGHT_PER_CLIENT = 128;
export const DEFAULT_MAX_RELAY_CONNECTIONS = 1024;

class BodyTooLarge extends Error {}

export class RelayServer {
  private server: GuardedServer | undefined;
  private inFlightCount = 0;
  private readonly inFlightByClient = new Map<string, number>();
  /** The port first bound (the real one when 0 was asked for), reused after a pause. */
  private boundPort: number | undefined;
  private drained: (() => void) | undefined;

  constructor(private readonly options: RelayServerOptions) {}

  async start(): Promise<void> {
    if (this.server) return;
    // The relay miner faces the internet and gateways call it by any name: no Host or Origin guard (every relay is
    // signed and checked); the body bound is its own, answered as a relay error (error 13).
    const server = createGuardedServer(
      {
        name: "relay miner",
        logger: this.options.logger,
        hosts: null,
        origin: "any",
        keepAlive: true,
        bounds: { maxConnections: this.options.maxConnections ?? DEFAULT_MAX_RELAY_CONNECTIONS },
      },
      { request: (req, res) => this.onRequest(req, res) },
    );
    this.boundPort = (await server.listen(this.boundPort ?? this.options.port, this.options.host)).port;
    this.server = server;
  }

  /**
   * Stops listening. With `drain`, relays already being handled are answered first (idle keep-alive
   * connections are closed at once); without it they are cut off.
   */
  async stop(options: { drain?: boolean } = {}): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await server.close(async (node) => {
      if (!options.drain || this.inFlightCount === 0) return;
      node.closeIdleConnections();
      await new Promise<void>((resolve) => (this.drained = resolve));
    });
  }

  /** Relays received and not yet answered. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  private changeInFlight(delta: number): void {
    this.inFlightCount += delta;
    this.options.onInFlightChange?.(this.inFlightCount);
    if (this.inFlightCount === 0 && this.drained) {
      const drained = this.drained;
      this.drained = undefined;
      drained();
    }
  }

  get address(): AddressInfo | undefined {
    return this.server?.address ?? undefined;
  }

  /** e.g. http://127.0.0.1:8642 */
  get url(): string | undefined {
    const address = this.address;
    if (!address) return undefined;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    // An IPv4 address, or an IPv6 host's /64 (it could otherwise take a fresh address per request).
    const client = clientKey(req.socket.remoteAddress);
    const clientInFlight = (this.inFlightByClient.get(client) ?? 0) + 1;
    if (clientInFlight > (this.options.maxInFlightPerClient ?? DEFAULT_MAX_IN_FLIGHT_PER_CLIENT)) {
      // One address cannot take every backend slot; it gets the same error reply as any other refusal.
      req.resume();
      this.refuseUnread(res, new RelayFailure("rateLimited", `too many relays in flight from ${client}: wait for replies before sending more`));
      return;
    }
    this.inFlightByClient.set(client, clientInFlight);
    this.changeInFlight(1);
    let counted = true;
    const done = () => {
      if (!counted) return;
      counted = false;
      const left = (this.inFlightByClient.get(client) ?? 1) - 1;
      if (left > 0) this.inFlightByClient.set(client, left);
      else this.inFlightByClient.delete(client);
      this.changeInFlight(-1);
    };
    res.once("close", done);
    const gone = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) gone.abort();
    });
    this.readBody(req)
      .then(
        (body) => this.options.handler.handle(body, gone.signal, client),
        (error: unknown) => {
          if (!(error instanceof BodyTooLarge)) throw error;
          res.shouldKeepAlive = false;
          return this.refusal(new RelayFailure("requestLimitExceeded", error.message));
        },
      )
      .then((outcome) => this.reply(res, outcome))
      .catch((error: unknown) => {
        if (gone.signal.aborted || req.destroyed) {
          // Gateways hang up all the time (timeouts, retries elsewhere): not an error of ours.
          this.options.logger.debug("a client hung up before its relay was answered", { peer: client });
        } else {
          this.options.logger.error("relay handling failed", { error: error instanceof Error ? error.message : String(error) });
        }
        if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
        else res.destroy();
      })
      .finally(done);
  }

  /** An error RelayResponse for a relay refused before it was read; counted under no service (its id is unverified). */
  private refusal(failure: RelayFailure): RelayOutcome {
    this.options.metrics.requestsErrorsTotal.inc(["unknown_service_id"]);
    this.options.metrics.observeRelay({ serviceId: "unknown_service_id", served: false, latencyMs: 0, error: failure.registered });
    return { body: errorRelayResponse(undefined, failure) };
  }

  private refuseUnread(res: ServerResponse, failure: RelayFailure): void {
    void this.reply(res, this.refusal(failure));
  }

  private async reply(res: ServerResponse, outcome: RelayOutcome): Promise<void> {
    if ("stream" in outcome) {
      await this.replyStreamed(res, outcome);
      return;
    }
    if (!res.destroyed) {
      res.writeHead(200, { "Content-Length": outcome.body.length });
      res.end(outcome.body);
    }
    if (outcome.afterReply) {
      try {
        outcome.afterReply();
      } catch (error) {
        this.options.logger.error("recording a served relay failed", { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  /** Status and headers at once, then each batch as it is signed; the relay's books once the stream is over. */
  private async replyStreamed(res: ServerResponse, outcome: StreamedRelayOutcome): Promise<void> {
    const { stream } = outcome;
    if (!res.destroyed) {
      for (const [name, values] of stream.headers) {
        try {
          res.setHeader(name, values.length === 1 ? values[0]! : values);
        } catch {
          // A header Node refuses to write (a name or value with bytes HTTP forbids) is left out.
        }
      }
      try {
        res.writeHead(stream.statusCode);
        res.flushHeaders();
      } catch (error) {
        // A status Node cannot write: the connection is dropped, and the stream (which must still be drained, to stop
        // its backend) finds no gateway.
        this.options.logger.warn("a streamed reply could not start", { error: error instanceof Error ? error.message : String(error) });
        res.destroy();
      }
    }
    await stream.pipe(streamSink(res));
    if (!res.destroyed) res.end();
    try {
      outcome.afterReply();
    } catch (error) {
      this.options.logger.error("recording a served relay failed", { error: error instanceof Error ? error.message : String(error) });
    }
  }

  private readBody(req: IncomingMessage): Promise<Uint8Array> {
    const limit = this.options.maxBodyBytes;
    return new Promise<Uint8Array>((resolve, reject) => {
      const declared = Number(req.headers["content-length"]);
      if (Number.isFinite(declared) && declared > limit) {
        req.resume();
        reject(new BodyTooLarge(`body size exceeds maximum allowed body: ${declared} bytes > ${limit} bytes limit`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let refused = false;
      req.on("data", (chunk: Buffer) => {
        if (refused) return;
        size += chunk.length;
        if (size > limit) {
          refused = true;
          chunks.length = 0;
          reject(new BodyTooLarge(`body size exceeds maximum allowed body: more than ${limit} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      req.on("end", () => {
        if (!refused) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
      });
      req.on("error", (error) => {
        if (!refused) reject(error);
      });
    });
  }
}

/** Writes to the gateway's connection, waiting for it to drain; fails once the connection is gone. */
function streamSink(res: ServerResponse): RelayStreamSink {
  return {
    write: (bytes) =>
      new Promise<void>((resolve, reject) => {
        if (res.destroyed || res.writableEnded) {
          reject(new Error("the gateway closed the connection"));
          return;
        }
        if (res.write(bytes)) {
          resolve();
          return;
        }
        const done = (error?: Error) => {
          res.off("drain", drained);
          res.off("close", closed);
          if (error) reject(error);
          else resolve();
        };
        const drained = () => done();
        const closed = () => done(new Error("the gateway closed the connection"));
        res.once("drain", drained);
        res.once("close", closed);
      }),
  };
}
