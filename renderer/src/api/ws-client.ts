import {
  ApiError,
  TOKEN_PARAM,
  UNAUTHORIZED_CLOSE_CODE,
  WS_PATH,
  type ClientFrame,
  type EventName,
  type PocketForgeApi,
  type ServerFrame,
} from "../../../shared/api/index.js";

export type ConnectionState = "connecting" | "open" | "closed" | "unauthorized";

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: ApiError) => void;
}

/**
 * The headless transport's client: the same PocketForgeApi as the Electron bridge, over one WebSocket that
 * reconnects with backoff. Calls made while disconnected wait for the connection instead of failing at once.
 */
export class WebSocketApiClient implements PocketForgeApi {
  private socket: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(payload: any) => void>>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private opened: Promise<void> | null = null;
  private retryMs = 250;
  state: ConnectionState = "connecting";

  constructor(private readonly url: string) {
    this.connect();
  }

  invoke<M extends import("../../../shared/api/index.js").MethodName>(
    method: M,
    params: import("../../../shared/api/index.js").MethodParams<M>,
  ): Promise<import("../../../shared/api/index.js").MethodResult<M>> {
    return this.whenOpen().then(
      () =>
        new Promise((resolve, reject) => {
          const id = this.nextId++;
          this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
          const frame: ClientFrame = { type: "call", id, method, params };
          this.socket!.send(JSON.stringify(frame));
        }),
    );
  }

  on<E extends EventName>(event: E, listener: (payload: any) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set!.delete(listener);
  }

  onConnectionState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.state);
    return () => this.stateListeners.delete(listener);
  }

  private whenOpen(): Promise<void> {
    if (this.state === "unauthorized") {
      return Promise.reject(unauthorizedError());
    }
    return this.opened ?? Promise.resolve();
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  private connect(): void {
    let markOpen!: () => void;
    let markRefused!: (error: ApiError) => void;
    this.opened = new Promise((resolve, reject) => {
      markOpen = resolve;
      markRefused = reject;
    });
    this.opened.catch(() => {}); // observed by whenOpen(); avoid an unhandled rejection when nobody waits
    this.setState("connecting");
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = 250;
      this.setState("open");
      markOpen();
    };
    socket.onmessage = (message) => this.onFrame(JSON.parse(String(message.data)) as ServerFrame);
    socket.onclose = (event) => {
      for (const [id, pending] of this.pending) {
        pending.reject(new ApiError("unavailable", "Lost the connection to the engine; the call may not have completed."));
        this.pending.delete(id);
      }
      if (event.code === UNAUTHORIZED_CLOSE_CODE) {
        this.setState("unauthorized");
        markRefused(unauthorizedError());
        return;
      }
      this.setState("closed");
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 5000);
    };
  }

  private onFrame(frame: ServerFrame): void {
    if (frame.type === "event") {
      for (const listener of this.listeners.get(frame.event) ?? []) listener(frame.payload);
      return;
    }
    if (frame.type === "hello") return;
    const pending = this.pending.get(frame.id);
    if (!pending) return;
    this.pending.delete(frame.id);
    if (frame.type === "result") pending.resolve(frame.result);
    else pending.reject(ApiError.from(frame.error));
  }
}

/**
 * The WebSocket URL for this page. The engine gave the page an HttpOnly session cookie with it (for the printed
 * URL's token, beyond loopback), which the socket carries: the token itself stays out of page scripts and storage,
 * and out of the address bar, history and screenshots.
 */
export function websocketUrlFor(location: Location): string {
  if (new URLSearchParams(location.search).has(TOKEN_PARAM)) history.replaceState(null, "", location.pathname + location.hash);
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${WS_PATH}`;
}

function unauthorizedError(): ApiError {
  return new ApiError(
    "unauthorized",
    "This dashboard needs the access token: open the URL the engine printed at start (it ends in ?token=…).",
  );
}
