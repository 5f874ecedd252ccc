// The front node's dispatcher: every relay and every local OpenAI request goes to the node with the most free capacity
// that serves the model asked for. A node that fails or times out before its first byte is skipped and the request
// goes to the next; once a node's answer has begun it is passed through as it arrives (a stream stays a stream).
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBoundedBody } from "../runtime/guarded-server.js";
import type { Logger } from "../runtime/logger.js";
import { forwardableHeaders, type Answer, type NodeTransport } from "./transports.js";
import type { NodeReport } from "./wire.js";

export type RequestOrigin = "relay" | "local";

export interface RouterNode {
  id: string;
  name: string;
  kind: NodeReport["kind"];
  url: string | null;
  transport: NodeTransport;
}

export interface NodeStats {
  id: string;
  name: string;
  kind: NodeReport["kind"];
  url: string | null;
  healthy: boolean;
  report: NodeReport | null;
  active: number;
  requests: number;
  relays: number;
  errors: number;
  /** Requests this node failed before answering that another node then took. */
  failovers: number;
  tokens: number;
  tokensPerSecond: number;
  lastError: string | null;
  lastSeenAt: number | null;
}

interface NodeState extends NodeStats {
  node: RouterNode;
  recent: Array<{ at: number; tokens: number }>;
}

export interface FleetRouterOptions {
  logger: Logger;
  /** How long a node may take to start answering (its response head) before the next node is tried. */
  firstByteTimeoutMs?: number;
  /** How long a status query may take. */
  reportTimeoutMs?: number;
  /** The model used when a request names one no node serves; null: such a request is refused. */
  defaultModel(): string | null;
  maxBodyBytes?: number;
  onChange?: () => void;
  /** A node did not answer (a status query or a request before its first byte). */
  onDown?: (id: string) => void;
}

const TOKEN_WINDOW_MS = 10_000;

class RouteError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class FleetRouter {
  private readonly nodes = new Map<string, NodeState>();
  private waiters: Array<() => void> = [];
  private readonly firstByteTimeoutMs: number;
  private readonly maxBodyBytes: number;

  constructor(private readonly options: FleetRouterOptions) {
    this.firstByteTimeoutMs = options.firstByteTimeoutMs ?? 30_000;
    this.maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;
  }

  /** Replaces the node list; nodes kept by id keep their counters. */
  setNodes(nodes: RouterNode[]): void {
    const keep = new Set(nodes.map((n) => n.id));
    for (const [id, state] of this.nodes) {
      if (!keep.has(id)) {
        state.node.transport.close();
        this.nodes.delete(id);
      }
    }
    for (const node of nodes) {
      const existing = this.nodes.get(node.id);
      if (existing) {
        if (existing.node.transport !== node.transport) existing.node.transport.close();
        existing.node = node;
        existing.name = node.name;
        existing.url = node.url;
        continue;
      }
      this.nodes.set(node.id, {
        node,
        id: node.id,
        name: node.name,
        kind: node.kind,
        url: node.url,
        healthy: false,
        report: null,
        active: 0,
        requests: 0,
        relays: 0,
        errors: 0,
        failovers: 0,
        tokens: 0,
        tokensPerSecond: 0,
        lastError: null,
        lastSeenAt: null,
        recent: [],
      });
    }
    this.wake();
  }

  stats(): NodeStats[] {
    const now = Date.now();
    return [...this.nodes.values()].map(({ node: _node, recent, ...stats }) => ({ ...stats, tokensPerSecond: tokensPerSecond(recent, now) }));
  }

  /** Asks every node for its models, capacity and load; a node that answers is healthy again (used again at once). */
  async refresh(): Promise<void> {
    await Promise.all(
      [...this.nodes.values()].map(async (state) => {
        const signal = AbortSignal.timeout(this.options.reportTimeoutMs ?? 5_000);
        try {
          const report = await state.node.transport.report(signal);
          if (this.nodes.get(state.id) !== state) return;
          const cameBack = !state.healthy;
          state.report = report;
          state.healthy = true;
          state.lastSeenAt = Date.now();
          if (cameBack) this.options.logger.info("fleet node is serving", { node: state.name, models: report.models, capacity: report.capacity });
        } catch (error) {
          if (state.healthy) this.options.logger.warn("fleet node stopped answering", { node: state.name, error: message(error) });
          state.healthy = false;
          state.lastError = message(error);
          this.options.onDown?.(state.id);
        }
      }),
    );
    this.wake();
    this.options.onChange?.();
  }

  close(): void {
    for (const state of this.nodes.values()) state.node.transport.close();
    this.nodes.clear();
    this.wake();
  }

  /** Handles one OpenAI request (a relay's or a local client's): answers it from the best node, or with an error. */
  async handle(req: IncomingMessage, res: ServerResponse, origin: RequestOrigin, options: { byom?: boolean } = {}): Promise<void> {
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const bare = path.split("?")[0]!.replace(/\/+$/, "");
    try {
      if (method === "GET" && bare === "/v1/models") return this.listModels(res);
      if (method === "GET" && bare === "/health") return this.health(res);
      const body = await readBody(req, this.maxBodyBytes);
      await this.route(req, res, { method, path, body, origin, byom: options.byom ?? false });
    } catch (error) {
      const failure = error instanceof RouteError ? error : new RouteError(502, "fleet_error", message(error));
      if (!res.headersSent) sendError(res, failure);
      else res.destroy();
    }
  }

  private async route(
    req: IncomingMessage,
    res: ServerResponse,
    call: { method: string; path: string; body: Buffer; origin: RequestOrigin; byom: boolean },
  ): Promise<void> {
    let json: Record<string, unknown> | null = null;
    try {
      const parsed: unknown = call.body.length ? JSON.parse(call.body.toString("utf8")) : null;
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
    } catch {
      // Not JSON: the node answers 400 itself.
    }
    let body = call.body;
    const asked = typeof json?.model === "string" ? json.model : null;
    let model = asked;
    // A bring-your-own-model relay naming a model no node serves goes to the default model, or, with none set, to
    // whichever node has room, answered by the model that node serves (as this engine alone would answer it).
    let anyNode = false;
    if (asked !== null && !this.served().has(asked)) {
      const fallback = this.options.defaultModel();
      if (fallback !== null && this.served().has(fallback)) {
        model = fallback;
        body = Buffer.from(JSON.stringify({ ...json, model: fallback }));
      } else if (call.byom && this.served().size > 0) {
        model = null;
        anyNode = true;
      } else {
        throw new RouteError(404, "model_not_found", `The model \`${asked}\` is not served by any node of this fleet; served: ${[...this.served()].join(", ") || "none"}`);
      }
    }
    const headers = forwardableHeaders(req.headers);
    headers["content-type"] = "application/json";
    const disconnected = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) disconnected.abort(new Error("the client went away"));
    });
    const tried = new Set<string>();
    const deadline = Date.now() + this.firstByteTimeoutMs;
    for (;;) {
      const state = await this.acquire(model, tried, deadline, disconnected.signal);
      if (!state) {
        if (disconnected.signal.aborted) return;
        throw new RouteError(503, "no_node_available", model ? `No node of this fleet can serve \`${model}\` now` : "No node of this fleet can serve now");
      }
      tried.add(state.id);
      const served = anyNode ? state.report?.models[0] : undefined;
      const sent = served !== undefined ? Buffer.from(JSON.stringify({ ...json, model: served })) : body;
      // The first-byte timeout bounds the wait for the answer's head only: the signal stays attached to the exchange
      // (a transport aborts the whole answer with it), so it must never fire once the head has come, or every answer
      // that streams for longer than the timeout would be cut off part-way.
      const firstByte = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        firstByte.abort(new Error("timed out before answering"));
      }, this.firstByteTimeoutMs);
      const attempt = AbortSignal.any([disconnected.signal, firstByte.signal]);
      let answer: Answer;
      try {
        answer = await state.node.transport.send({ method: call.method, path: call.path, headers, body: sent }, attempt);
      } catch (error) {
        this.release(state);
        if (disconnected.signal.aborted) return;
        this.failed(state, timedOut ? "timed out before answering" : message(error));
        continue;
      } finally {
        clearTimeout(timer);
      }
      if (answer.status >= 500 || answer.status === 429) {
        answer.body.resume();
        answer.body.on("error", () => {});
        this.release(state);
        this.failed(state, `answered HTTP ${answer.status}`);
        continue;
      }
      if (tried.size > 1) for (const id of tried) if (id !== state.id) this.nodes.get(id) && this.nodes.get(id)!.failovers++;
      await this.pass(state, answer, res, call.origin);
      return;
    }
  }

  /** Streams a node's answer to the client as it arrives, counting its tokens. */
  private pass(state: NodeState, answer: Answer, res: ServerResponse, origin: RequestOrigin): Promise<void> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (!HOP_RESPONSE.has(name.toLowerCase()) && value !== undefined) headers[name] = value;
    }
    res.writeHead(answer.status, headers);
    res.flushHeaders?.();
    const counter = new TokenCounter(String(answer.headers["content-type"] ?? ""));
    return new Promise<void>((resolve) => {
      let done = false;
      const finish = (ok: boolean, why?: string) => {
        if (done) return;
        done = true;
        this.release(state);
        if (ok) {
          state.requests++;
          if (origin === "relay") state.relays++;
          const tokens = counter.total();
          state.tokens += tokens;
          state.recent.push({ at: Date.now(), tokens });
        } else {
          state.errors++;
          state.lastError = why ?? "the answer broke off";
          res.destroy();
        }
        this.options.onChange?.();
        resolve();
      };
      answer.body.on("data", (chunk: Buffer) => {
        counter.add(chunk);
        if (!res.write(chunk)) answer.body.pause();
      });
      res.on("drain", () => answer.body.resume());
      answer.body.once("end", () => res.end(() => finish(true)));
      answer.body.once("error", (error) => finish(false, message(error)));
      answer.body.once("close", () => {
        if (!answer.body.readableEnded) finish(false, "the node closed its answer part-way");
      });
      res.once("close", () => {
        if (!res.writableFinished) {
          answer.body.destroy();
          finish(true);
        }
      });
    });
  }

  private served(): Set<string> {
    const models = new Set<string>();
    for (const state of this.nodes.values()) if (state.healthy && state.report?.state === "ready") for (const m of state.report.models) models.add(m);
    return models;
  }

  private candidates(model: string | null, tried: Set<string>): NodeState[] {
    return [...this.nodes.values()].filter(
      (s) => s.healthy && s.report?.state === "ready" && !tried.has(s.id) && s.report.capacity > 0 && (model === null || s.report.models.includes(model)),
    );
  }

  /** The candidate with the most free capacity; waits for one to free up while every candidate is full. */
  private async acquire(model: string | null, tried: Set<string>, deadline: number, signal: AbortSignal): Promise<NodeState | null> {
    for (;;) {
      if (signal.aborted) return null;
      const candidates = this.candidates(model, tried);
      if (candidates.length === 0) return null;
      let best: NodeState | null = null;
      for (const s of candidates) {
        const free = s.report!.capacity - s.active;
        if (free > 0 && (best === null || free > best.report!.capacity - best.active)) best = s;
      }
      if (best) {
        best.active++;
        return best;
      }
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, left);
        function wake() {
          clearTimeout(timer);
          signal.removeEventListener("abort", wake);
          resolve();
        }
        signal.addEventListener("abort", wake, { once: true });
        this.waiters.push(wake);
      });
    }
  }

  private release(state: NodeState): void {
    state.active = Math.max(0, state.active - 1);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private failed(state: NodeState, why: string): void {
    this.options.logger.warn("fleet node failed a request before answering; trying another", { node: state.name, why });
    state.errors++;
    state.lastError = why;
    // Not used again until it answers a status query (refresh).
    state.healthy = false;
    this.options.onDown?.(state.id);
    this.options.onChange?.();
  }

  private listModels(res: ServerResponse): void {
    const data = [...this.served()].map((id) => ({ id, object: "model", created: 0, owned_by: "pocketforge-fleet" }));
    sendJson(res, 200, { object: "list", data });
  }

  private health(res: ServerResponse): void {
    const ready = this.served().size > 0;
    sendJson(res, ready ? 200 : 503, { status: ready ? "ok" : "no_node_ready", nodes: this.stats().filter((s) => s.healthy).length });
  }
}

const HOP_RESPONSE = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "upgrade", "trailer"]);

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const body = await readBoundedBody(req, limit);
  if (body === null) throw new RouteError(413, "request_too_large", `Request body is larger than the ${limit} byte limit`);
  return body;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) });
  res.end(payload);
}

function sendError(res: ServerResponse, error: RouteError): void {
  sendJson(res, error.status, { error: { message: error.message, type: error.status >= 500 ? "server_error" : "invalid_request_error", param: null, code: error.code } });
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function tokensPerSecond(recent: Array<{ at: number; tokens: number }>, now: number): number {
  while (recent.length && now - recent[0]!.at > TOKEN_WINDOW_MS) recent.shift();
  return recent.reduce((sum, r) => sum + r.tokens, 0) / (TOKEN_WINDOW_MS / 1000);
}

/** Completion tokens of an answer: the usage object when there is one, else one per streamed text delta. */
class TokenCounter {
  private tail = "";
  private deltas = 0;
  private usage: number | null = null;
  private readonly sse: boolean;

  constructor(contentType: string) {
    this.sse = contentType.includes("event-stream");
  }

  add(chunk: Buffer): void {
    const text = this.tail + chunk.toString("utf8");
    if (this.sse) this.deltas += (text.slice(this.tail.length > 0 ? 0 : 0).match(/"(content|text)":"[^"]/g) ?? []).length - (this.tail.match(/"(content|text)":"[^"]/g) ?? []).length;
    for (const m of text.matchAll(/"completion_tokens":(\d+)/g)) this.usage = Number(m[1]);
    this.tail = text.slice(-64);
  }

  total(): number {
    return this.usage ?? this.deltas;
  }
}
