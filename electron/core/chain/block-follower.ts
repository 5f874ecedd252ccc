// Follows new blocks: a CometBFT WebSocket `NewBlockHeader` subscription while it is healthy, HTTP polling of
// /status while it is not, and a fresh WebSocket (with backoff) once polling shows the subscription went quiet.
// Every height is delivered exactly once and in order, each with its header hash (from /blockchain, which is
// small); /block_results is never touched.
import { toHex } from "@cosmjs/encoding";
import { Comet38Client, WebsocketClient } from "@cosmjs/tendermint-rpc";
import type { Listener, Stream } from "xstream";

export interface FollowedBlock {
  height: number;
  /** Uppercase hex header hash. */
  hash: string;
  /** RFC 3339 block time. */
  time: string;
}

export type FollowerMode = "starting" | "websocket" | "polling" | "stopped";

interface FollowerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface BlockFollowerOptions {
  rpcUrl: string;
  wsUrl: string;
  /** Expected block interval: paces polling and decides when a silent subscription counts as dead. */
  blockTimeMs: number;
  logger?: FollowerLogger;
  /** No WebSocket header for this long (while blocks keep coming) → switch to polling and reconnect. */
  stallTimeoutMs?: number;
  /** How often the watchdog looks (and, in polling mode, polls). */
  pollIntervalMs?: number;
  maxReconnectDelayMs?: number;
  /** Opt out of the WebSocket entirely (nodes that expose no /websocket). */
  websocket?: boolean;
}

type BlockListener = (block: FollowedBlock) => void;

interface ReconnectingSocketInternals {
  reconnectTimeout?: NodeJS.Timeout | null;
  socket?: { reconnect?: () => void };
}

/**
 * Disconnects a cosmjs WebsocketClient for good. Its ReconnectingSocket keeps scheduling reconnects even after
 * disconnect() (its Disconnected handler arms a timer), which would dial a gone node forever and keep the
 * process alive; this follower does its own reconnecting, so that loop is switched off first.
 */
export function shutDownWebsocket(client: WebsocketClient): void {
  const reconnecting = (client as unknown as { socket?: ReconnectingSocketInternals }).socket;
  if (reconnecting?.socket) reconnecting.socket.reconnect = () => undefined;
  try {
    client.disconnect();
  } catch {
    // already disconnected
  }
  if (reconnecting?.reconnectTimeout) clearTimeout(reconnecting.reconnectTimeout);
  if (reconnecting) reconnecting.reconnectTimeout = null;
}

const quietLogger: FollowerLogger = { info() {}, warn() {} };
/** Heights per /blockchain request (CometBFT's own cap). */
const BLOCKCHAIN_PAGE = 20;

export class BlockFollower {
  private readonly listeners = new Set<BlockListener>();
  private readonly logger: FollowerLogger;
  private readonly stallTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly maxReconnectDelayMs: number;
  private http: Comet38Client | undefined;
  private ws: { client: WebsocketClient; stream: Stream<unknown>; listener: Partial<Listener<unknown>> } | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private lastEmitted: FollowedBlock | undefined;
  private lastWebsocketEventAt = 0;
  private reconnectAttempts = 0;
  private processing: Promise<void> = Promise.resolve();
  private polling = false;
  private currentMode: FollowerMode = "starting";
  private websocketConnects = 0;

  constructor(private readonly options: BlockFollowerOptions) {
    this.logger = options.logger ?? quietLogger;
    this.stallTimeoutMs = options.stallTimeoutMs ?? Math.max(1000, options.blockTimeMs * 2 + 500);
    this.pollIntervalMs = options.pollIntervalMs ?? Math.min(15_000, Math.max(100, Math.floor(options.blockTimeMs / 2)));
    this.maxReconnectDelayMs = options.maxReconnectDelayMs ?? 30_000;
  }

  onBlock(listener: BlockListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get latest(): FollowedBlock | undefined {
    return this.lastEmitted;
  }

  get mode(): FollowerMode {
    return this.currentMode;
  }

  /** How many WebSocket subscriptions were opened (1 + reconnects). */
  get websocketConnections(): number {
    return this.websocketConnects;
  }

  /** Resolves once the current block has been delivered; throws when the node cannot be reached. */
  async start(): Promise<void> {
    if (this.http !== undefined) return;
    this.http = await Comet38Client.connect(this.options.rpcUrl);
    const status = await this.http.status();
    await this.catchUpTo(status.syncInfo.latestBlockHeight);
    this.currentMode = "polling";
    if (this.options.websocket !== false) this.connectWebsocket();
    this.watchdog = setInterval(() => void this.checkHealth(), this.pollIntervalMs);
    this.watchdog.unref?.();
  }

  async stop(): Promise<void> {
    this.currentMode = "stopped";
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.watchdog = undefined;
    this.reconnectTimer = undefined;
    this.closeWebsocket();
    await this.processing.catch(() => undefined);
    this.http?.disconnect();
    this.http = undefined;
  }

  private connectWebsocket(): void {
    if (this.currentMode === "stopped") return;
    try {
      const client = new WebsocketClient(this.options.wsUrl, (error) => this.websocketFailed(error));
      const stream = Comet38Client.create(client).subscribeNewBlockHeader() as Stream<unknown>;
      const listener: Partial<Listener<unknown>> = {
        next: (header) => {
          this.lastWebsocketEventAt = Date.now();
          this.reconnectAttempts = 0;
          if (this.currentMode !== "stopped") this.currentMode = "websocket";
          const height = (header as { height: number }).height;
          this.enqueue(() => this.catchUpTo(height));
        },
        error: (error) => this.websocketFailed(error),
        complete: () => this.websocketFailed(new Error("subscription closed")),
      };
      stream.addListener(listener);
      this.ws = { client, stream, listener };
      this.websocketConnects += 1;
      // Count the subscription as fresh: the watchdog gives it a full stall period to deliver.
      this.lastWebsocketEventAt = Date.now();
    } catch (error) {
      this.websocketFailed(error);
    }
  }

  private closeWebsocket(): void {
    const ws = this.ws;
    this.ws = undefined;
    if (ws === undefined) return;
    try {
      ws.stream.removeListener(ws.listener as Listener<unknown>);
    } catch {
      // the socket may already be gone; nothing to unsubscribe from
    }
    shutDownWebsocket(ws.client);
  }

  private websocketFailed(error: unknown): void {
    if (this.currentMode === "stopped" || this.ws === undefined) return;
    this.logger.warn("block subscription lost; polling until it is back", {
      error: error instanceof Error ? error.message : String(error),
    });
    this.closeWebsocket();
    this.currentMode = "polling";
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer !== undefined || this.currentMode === "stopped" || this.options.websocket === false) return;
    const delay = Math.min(this.maxReconnectDelayMs, 250 * 2 ** Math.min(this.reconnectAttempts, 10));
    this.reconnectAttempts += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connectWebsocket();
    }, delay);
    this.reconnectTimer.unref?.();
  }

  /** Polls when the subscription is absent or silent for too long; a silent-but-open one gets replaced. */
  private async checkHealth(): Promise<void> {
    if (this.currentMode === "stopped" || this.polling || this.http === undefined) return;
    const silentFor = Date.now() - this.lastWebsocketEventAt;
    if (this.ws !== undefined && silentFor < this.stallTimeoutMs) return;
    this.polling = true;
    try {
      const height = (await this.http.status()).syncInfo.latestBlockHeight;
      if (height > (this.lastEmitted?.height ?? 0)) {
        if (this.ws !== undefined) {
          // Blocks are being produced but the subscription said nothing: it is dead without knowing it.
          this.websocketFailed(new Error(`no NewBlockHeader for ${silentFor} ms`));
        }
        this.currentMode = "polling";
        await this.enqueue(() => this.catchUpTo(height));
      }
    } catch (error) {
      this.logger.warn("cannot reach the node to poll for blocks", {
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      this.polling = false;
    }
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.processing = this.processing.then(task).catch((error) => {
      this.logger.warn("could not fetch new block headers", { error: error instanceof Error ? error.message : String(error) });
    });
    return this.processing;
  }

  /** Delivers every height after the last delivered one up to `height`, with hashes, in order. */
  private async catchUpTo(height: number): Promise<void> {
    const http = this.http;
    if (http === undefined) return;
    let next = this.lastEmitted === undefined ? height : this.lastEmitted.height + 1;
    while (next <= height && this.currentMode !== "stopped") {
      const high = Math.min(height, next + BLOCKCHAIN_PAGE - 1);
      const { blockMetas } = await http.blockchain(next, high);
      const blocks = blockMetas
        .map((meta) => ({
          height: meta.header.height,
          hash: toHex(meta.blockId.hash).toUpperCase(),
          time: meta.header.time.toISOString(),
        }))
        .filter((block) => block.height >= next && block.height <= high)
        .sort((a, b) => a.height - b.height);
      if (blocks.length === 0) return;
      for (const block of blocks) {
        if (this.lastEmitted !== undefined && block.height <= this.lastEmitted.height) continue;
        this.lastEmitted = block;
        for (const listener of this.listeners) {
          try {
            listener(block);
          } catch (error) {
            this.logger.warn("a block listener failed", { error: error instanceof Error ? error.message : String(error) });
          }
        }
      }
      next = blocks[blocks.length - 1].height + 1;
    }
  }
}
