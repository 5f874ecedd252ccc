import { readFileSync } from "node:fs";
import { join } from "node:path";
import WebSocket from "ws";
import { TOKEN_PARAM, WS_PATH, type MethodName, type MethodParams, type MethodResult, type ServerFrame } from "../../shared/api/index.js";

/**
 * A direct line to the engine under test, for facts the test compares the page with (the ledger's figures) and for
 * arranging state the page cannot (the fixture gateway's address). Like any script it authenticates with the access
 * token the engine keeps in its data folder.
 */
export class EngineApi {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      if (frame.type !== "result" && frame.type !== "error") return;
      const waiter = this.pending.get(frame.id);
      if (!waiter) return;
      this.pending.delete(frame.id);
      if (frame.type === "result") waiter.resolve(frame.result);
      else waiter.reject(new Error(`${frame.error.code}: ${frame.error.message}`));
    });
  }

  /** The engine under test by default; another engine (a second headless process) by its data folder. */
  static async connect(baseUrl: string, dataDir = process.env.E2E_DATA_DIR!): Promise<EngineApi> {
    const url = new URL(WS_PATH, baseUrl.replace(/^http/, "ws"));
    url.searchParams.set(TOKEN_PARAM, readFileSync(join(dataDir, "access-token"), "utf8").trim());
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    return new EngineApi(socket);
  }

  call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.send(JSON.stringify({ type: "call", id, method, params }));
    });
  }

  close(): void {
    this.socket.close();
  }
}
