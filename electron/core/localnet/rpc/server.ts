// The localnet's CometBFT RPC endpoint on 127.0.0.1: JSON-RPC over HTTP POST (single or batch), URI-style
// GET /<method>?param=value, and JSON-RPC plus event subscriptions over the /websocket upgrade.
import type { IncomingMessage, ServerResponse } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";
import { HostNames } from "../../runtime/host-names.js";
import { createGuardedServer, type GuardedServer } from "../../runtime/guarded-server.js";
import { requestUrl } from "../../runtime/http-guard.js";
import { silentLogger, type Logger } from "../../runtime/logger.js";
import type { StoredTx } from "../block-store.js";
import type { CommittedBlock, LocalChain } from "../local-chain.js";
import { TxQueryError } from "../tx-query.js";
import {
  RpcError,
  failure,
  internalError,
  invalidParams,
  parseError,
  success,
  type JsonRpcId,
  type JsonRpcRequest,
} from "./json-rpc.js";
import { RpcMethods } from "./methods.js";
import { eventsFor, parseSubscription, type Subscription } from "./subscriptions.js";

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_SUBSCRIPTIONS_PER_CLIENT = 100;
const REFUSALS = {
  421: "this node answers to 127.0.0.1 and localhost only",
  403: "requests from web pages are refused",
  413: `request body larger than ${MAX_BODY_BYTES} bytes`,
} as const;

export interface RpcServerOptions {
  /** Only loopback is allowed: this endpoint pays out of a faucet and has no authentication. */
  host?: "127.0.0.1";
  /** 0 picks a free port. */
  port?: number;
  /** Accept /websocket upgrades (default true); tests turn it off to exercise polling. */
  websocket?: boolean;
  faucet?: (address: string, amount: bigint) => Promise<bigint>;
  logger?: Logger;
}

interface Client {
  socket: WebSocket;
  subscriptions: Map<string, Subscription>;
}

export class RpcServer {
  private server: GuardedServer | undefined;
  private wss: WebSocketServer | undefined;
  private readonly clients = new Set<Client>();
  private readonly txWaiters = new Map<string, Array<(tx: StoredTx) => void>>();
  private methods: RpcMethods | undefined;
  private unsubscribeCommit: (() => void) | undefined;
  private address = "";
  private websocketSessions = 0;

  constructor(
    private chain: LocalChain,
    private readonly options: RpcServerOptions = {},
  ) {}

  /** http://127.0.0.1:<port> */
  get url(): string {
    return `http://${this.address}`;
  }

  /** How many WebSocket connections were accepted so far (reconnects included). */
  get websocketConnectionsAccepted(): number {
    return this.websocketSessions;
  }

  async start(): Promise<string> {
    const host = this.options.host ?? "127.0.0.1";
    const logger = this.options.logger ?? silentLogger;
    // Any web page can send requests to loopback: a Host the node does not answer to (DNS rebinding) gets 421 and a
    // foreign browser Origin 403, before anything is read, as on every loopback listener of the engine.
    const wss = this.options.websocket !== false ? new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES }) : undefined;
    this.wss = wss;
    const server = createGuardedServer(
      {
        name: "localnet RPC",
        logger,
        hosts: new HostNames(host),
        origin: "same-origin",
        maxBodyBytes: MAX_BODY_BYTES,
        refuse: (response, status) => {
          const text = JSON.stringify(failure(null, new RpcError(-32600, "Invalid Request", REFUSALS[status])));
          response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
          response.end(text);
        },
      },
      {
        request: (request, response) => this.handleHttp(request, response),
        upgrade: wss
          ? (request, socket, head) => {
              if (requestUrl(request)?.pathname !== "/websocket") {
                socket.destroy();
                return;
              }
              wss.handleUpgrade(request, socket, head, (ws) => this.acceptWebsocket(ws));
            }
          : undefined,
      },
    );
    this.server = server;
    const bound = await server.listen(this.options.port ?? 0, host);
    this.address = `${host}:${bound.port}`;
    this.bindChain();
    return this.url;
  }

  private bindChain(): void {
    this.methods = new RpcMethods({
      chain: this.chain,
      listenAddress: `tcp://${this.address}`,
      waitForTx: (hash, timeoutMs) => this.waitForTx(hash, timeoutMs),
      faucet: this.options.faucet,
    });
    this.unsubscribeCommit = this.chain.onCommit((committed) => this.publish(committed));
  }

  /**
   * Serves another chain on the same address (a localnet reset): HTTP clients keep working, WebSocket clients
   * are disconnected so they subscribe again instead of waiting for heights the new chain will reach later.
   */
  replaceChain(chain: LocalChain): void {
    this.unsubscribeCommit?.();
    this.chain = chain;
    this.txWaiters.clear();
    this.bindChain();
    this.dropWebsocketClients();
  }

  async stop(): Promise<void> {
    this.unsubscribeCommit?.();
    this.unsubscribeCommit = undefined;
    for (const client of this.clients) client.socket.terminate();
    this.clients.clear();
    this.wss?.close();
    const server = this.server;
    this.server = undefined;
    await server?.close();
  }

  /** Test hook: cuts every WebSocket as a network failure would. */
  dropWebsocketClients(): void {
    for (const client of this.clients) client.socket.terminate();
  }

  private async handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const respond = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
      response.end(text);
    };
    try {
      if (request.method === "GET") {
        const url = new URL(request.url ?? "/", "http://localhost");
        const method = url.pathname.replace(/^\/+/, "");
        if (method === "") {
          respond(200, success(-1, { methods: ["status", "abci_info", "abci_query", "block", "blockchain", "block_results", "broadcast_tx_sync", "broadcast_tx_commit", "tx", "tx_search", "validators", "commit", "health", "num_unconfirmed_txs", "subscribe (websocket)"] }));
          return;
        }
        const params = Object.fromEntries(url.searchParams.entries());
        respond(200, await this.dispatch({ jsonrpc: "2.0", id: -1, method, params }));
        return;
      }
      if (request.method !== "POST") {
        respond(405, failure(null, new RpcError(-32600, "Invalid Request", "use POST or GET")));
        return;
      }
      const body = await readBody(request);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch (error) {
        respond(200, failure(null, parseError(error instanceof Error ? error.message : String(error))));
        return;
      }
      if (Array.isArray(parsed)) {
        respond(200, await Promise.all(parsed.map((item) => this.dispatch(item as JsonRpcRequest))));
      } else {
        respond(200, await this.dispatch(parsed as JsonRpcRequest));
      }
    } catch (error) {
      if (!response.headersSent) respond(500, failure(null, internalError(error instanceof Error ? error.message : String(error))));
    }
  }

  private async dispatch(request: JsonRpcRequest): Promise<unknown> {
    const id: JsonRpcId = request?.id ?? null;
    if (typeof request !== "object" || request === null || typeof request.method !== "string") {
      return failure(id, new RpcError(-32600, "Invalid Request", "a JSON-RPC request needs a method"));
    }
    const params = (request.params ?? {}) as Record<string, unknown>;
    if (typeof params !== "object" || Array.isArray(params)) return failure(id, invalidParams("params must be an object"));
    try {
      return success(id, await this.methods!.call(request.method, params));
    } catch (error) {
      if (error instanceof RpcError) return failure(id, error);
      return failure(id, internalError(error instanceof Error ? error.message : String(error)));
    }
  }

  private acceptWebsocket(socket: WebSocket): void {
    this.websocketSessions += 1;
    const client: Client = { socket, subscriptions: new Map() };
    this.clients.add(client);
    socket.on("close", () => this.clients.delete(client));
    socket.on("error", () => this.clients.delete(client));
    socket.on("message", (data) => void this.handleWebsocketMessage(client, data.toString()));
  }

  private async handleWebsocketMessage(client: Client, text: string): Promise<void> {
    let request: JsonRpcRequest;
    try {
      request = JSON.parse(text);
    } catch (error) {
      send(client.socket, failure(null, parseError(error instanceof Error ? error.message : String(error))));
      return;
    }
    const id: JsonRpcId = request?.id ?? null;
    const params = (request?.params ?? {}) as Record<string, unknown>;
    const query = typeof params.query === "string" ? params.query : undefined;
    switch (request?.method) {
      case "subscribe": {
        if (query === undefined) return send(client.socket, failure(id, invalidParams("query is required")));
        if (client.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_CLIENT) {
          return send(client.socket, failure(id, internalError("too many subscriptions")));
        }
        try {
          client.subscriptions.set(query, parseSubscription(id, query));
          return send(client.socket, success(id, {}));
        } catch (error) {
          const message = error instanceof TxQueryError ? error.message : String(error);
          return send(client.socket, failure(id, invalidParams(message)));
        }
      }
      case "unsubscribe":
        if (query !== undefined) client.subscriptions.delete(query);
        return send(client.socket, success(id, {}));
      case "unsubscribe_all":
        client.subscriptions.clear();
        return send(client.socket, success(id, {}));
      default:
        return send(client.socket, await this.dispatch(request));
    }
  }

  private publish(committed: CommittedBlock): void {
    for (const tx of committed.txs) {
      const key = Buffer.from(tx.hash).toString("hex");
      const waiters = this.txWaiters.get(key);
      if (waiters === undefined) continue;
      this.txWaiters.delete(key);
      for (const resolve of waiters) resolve(tx);
    }
    for (const client of this.clients) {
      for (const subscription of client.subscriptions.values()) {
        for (const message of eventsFor(subscription, committed)) send(client.socket, message);
      }
    }
  }

  private waitForTx(hash: Uint8Array, timeoutMs: number): Promise<StoredTx | undefined> {
    const key = Buffer.from(hash).toString("hex");
    const existing = this.chain.blocks.tx(hash);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const list = this.txWaiters.get(key)?.filter((waiter) => waiter !== done) ?? [];
        if (list.length > 0) this.txWaiters.set(key, list);
        else this.txWaiters.delete(key);
        resolve(undefined);
      }, timeoutMs);
      const done = (tx: StoredTx) => {
        clearTimeout(timer);
        resolve(tx);
      };
      this.txWaiters.set(key, [...(this.txWaiters.get(key) ?? []), done]);
    });
  }
}

function send(socket: WebSocket, message: unknown): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body larger than ${MAX_BODY_BYTES} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}
