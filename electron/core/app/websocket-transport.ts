import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { API_VERSION, ApiError, UNAUTHORIZED_CLOSE_CODE, type ClientFrame, type ServerFrame } from "../../../shared/api/index.js";
import type { ApiRouter } from "../runtime/api-router.js";
import type { EventBus } from "../runtime/events.js";
import type { Logger } from "../runtime/logger.js";

/** Largest call frame a client may send; the biggest legitimate payload is a chat history. */
const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * Most bytes waiting to be sent to one client. A client that stops reading (a hung tab, a script that never reads)
 * would otherwise make every broadcast, log.entry events included, pile up in the engine's memory for ever.
 */
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** Close code for a client that stopped reading: "try again later" (the dashboard reconnects and resynchronises). */
export const SLOW_CLIENT_CLOSE_CODE = 1013;

/**
 * The headless transport: the same API the Electron preload exposes, as JSON frames over one WebSocket per
 * dashboard tab. Authorisation happens before the upgrade (see headless-server.ts); this class only speaks frames.
 */
export class WebSocketTransport {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly unsubscribe: () => void;
  /** Who each client is, for log lines. */
  private readonly peers = new WeakMap<WebSocket, string>();

  constructor(
    private readonly router: ApiRouter,
    events: EventBus,
    private readonly logger: Logger,
    private readonly maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES,
  ) {
    this.unsubscribe = events.onAny((event, payload) => this.broadcast({ type: "event", event, payload }));
  }

  /**
   * An unauthorised client is upgraded and then closed with code 4401, because a refused HTTP upgrade is invisible
   * to browser code and the dashboard must be able to say "wrong or missing access token".
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, authorized: boolean): void {
    this.server.handleUpgrade(request, socket, head, (ws) => {
      if (!authorized) {
        ws.on("error", () => undefined);
        return ws.close(UNAUTHORIZED_CLOSE_CODE, "access token required");
      }
      this.accept(ws, request.socket.remoteAddress ?? "?");
    });
  }

  get clientCount(): number {
    return this.server.clients.size;
  }

  async dispose(): Promise<void> {
    this.unsubscribe();
    for (const client of this.server.clients) client.close(1001, "engine shutting down");
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(ws: WebSocket, peer: string): void {
    this.peers.set(ws, peer);
    // Frames the ws library refuses (bad opcode, RSV bits, invalid UTF-8, too large) arrive as an 'error' event:
    // ws has already closed the connection with the right code; without a listener the error would end the process.
    ws.on("error", (error) => this.logger.debug("a dashboard client sent a malformed frame", { peer, error: error.message }));
    this.send(ws, peer, { type: "hello", apiVersion: API_VERSION });
    ws.on("message", (data, isBinary) => {
      if (isBinary) return ws.close(1003, "binary frames are not part of the API");
      void this.onFrame(ws, peer, data.toString());
    });
  }

  private async onFrame(ws: WebSocket, peer: string, text: string): Promise<void> {
    let frame: ClientFrame;
    try {
      frame = JSON.parse(text);
    } catch {
      return ws.close(1007, "frames must be JSON");
    }
    if (frame?.type !== "call" || !Number.isSafeInteger(frame.id)) return ws.close(1008, "expected a call frame");
    try {
      const result = await this.router.call(frame.method, frame.params, { transport: "websocket", peer });
      this.send(ws, peer, { type: "result", id: frame.id, result });
    } catch (error) {
      this.send(ws, peer, { type: "error", id: frame.id, error: ApiError.from(error).toJSON() });
    }
  }

  private broadcast(frame: ServerFrame): void {
    const text = JSON.stringify(frame);
    const bytes = Buffer.byteLength(text);
    for (const client of this.server.clients) this.sendText(client, this.peers.get(client) ?? "?", text, bytes);
  }

  private send(ws: WebSocket, peer: string, frame: ServerFrame): void {
    const text = JSON.stringify(frame);
    this.sendText(ws, peer, text, Buffer.byteLength(text));
  }

  /**
   * Queues `text` unless the client already has more than the cap waiting: then it is closed instead (1013, and a
   * log line), and nothing more is queued for it. A client that does not read cannot receive the close frame either;
   * ws destroys the socket when the closing handshake times out, so what it holds stays bounded by the cap.
   */
  private sendText(ws: WebSocket, peer: string, text: string, bytes: number): void {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount + bytes > this.maxBufferedBytes) {
      this.logger.warn("closed a dashboard connection that stopped reading", { peer, bufferedBytes: ws.bufferedAmount, limitBytes: this.maxBufferedBytes });
      ws.close(SLOW_CLIENT_CLOSE_CODE, "not reading fast enough: reconnect");
      return;
    }
    ws.send(text);
  }
}
