// How the front node reaches each kind of node: a paired PocketForge (HTTPS with its pinned certificate, every request
// signed with the pairing key), an OpenAI-compatible server (its URL, an optional API key), or this machine's own
// engine (its OpenAI handler, in-process). Each answers with the head of a response and its body as a stream, so the
// router can skip a node that fails before its first byte and pass a stream through once it has begun.
import { X509Certificate } from "node:crypto";
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { PassThrough, Readable } from "node:stream";
import { signRequest } from "./pairing.js";
import type { NodeReport } from "./wire.js";
import { NodeReportSchema } from "./wire.js";

export interface ForwardRequest {
  method: string;
  /** Path and query under the OpenAI API root, e.g. /v1/chat/completions. */
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Readable;
}

export interface NodeTransport {
  /** The node's models, capacity and load, or a thrown error when it cannot say. */
  report(signal: AbortSignal): Promise<NodeReport>;
  /** Resolves with the response's head; rejects when the node fails before it. */
  send(request: ForwardRequest, signal: AbortSignal): Promise<Answer>;
  close(): void;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Headers a hop must not forward (RFC 9110 §7.6.1), plus what the front node itself decides (credentials, host). */
const HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer", "host", "content-length", "authorization", "cookie", "origin", "referer"]);

export function forwardableHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (HOP.has(lower) || lower.startsWith("x-fleet-") || lower.startsWith("pocket-") || value === undefined) continue;
    out[lower] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function httpExchange(
  url: URL,
  request: ForwardRequest,
  options: { agent: HttpAgent; headers: OutgoingHttpHeaders; signal: AbortSignal; tls?: { ca: string; fingerprint: string } },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === "https:";
    const base = url.pathname.replace(/\/+$/, "");
    const outgoing = (secure ? httpsRequest : httpRequest)({
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      method: request.method,
      path: base + request.path,
      headers: { ...options.headers, "content-length": request.body.length },
      agent: options.agent,
      signal: options.signal,
      ...(options.tls
        ? {
            ca: [options.tls.ca],
            // The certificate exchanged at pairing, whatever name the node is reached by.
            checkServerIdentity: (_host: string, cert: { fingerprint256: string }) =>
              cert.fingerprint256 === options.tls!.fingerprint ? undefined : new Error("the node's certificate is not the one paired with"),
          }
        : {}),
    });
    outgoing.once("error", reject);
    outgoing.once("response", (response: IncomingMessage) => {
      resolve({ status: response.statusCode ?? 502, headers: response.headers as Record<string, string | string[]>, body: response });
    });
    outgoing.end(request.body);
  });
}

async function readAll(answer: Answer, limit = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of answer.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      answer.body.destroy();
      throw new Error("the node's answer is too large");
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function getJson(transport: NodeTransport, path: string, signal: AbortSignal): Promise<unknown> {
  const answer = await transport.send({ method: "GET", path, headers: { accept: "application/json" }, body: Buffer.alloc(0) }, signal);
  const body = await readAll(answer);
  if (answer.status !== 200) throw new Error(`${path} answered HTTP ${answer.status}`);
  return JSON.parse(body.toString("utf8"));
}

/** A paired PocketForge inference node: HTTPS to the certificate pinned at pairing, every request signed. */
export class PocketForgeTransport implements NodeTransport {
  private readonly agent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });
  private readonly fingerprint: string;

  constructor(private readonly node: { id: string; url: string; certificate: string; secret: string }) {
    this.fingerprint = new X509Certificate(node.certificate).fingerprint256;
  }

  async report(signal: AbortSignal): Promise<NodeReport> {
    return NodeReportSchema.parse(await getJson(this, "/fleet/v1/status", signal));
  }

  send(request: ForwardRequest, signal: AbortSignal): Promise<Answer> {
    const headers = { ...request.headers, ...signRequest(this.node.secret, this.node.id, request.method, request.path, request.body) };
    return httpExchange(new URL(this.node.url), request, { agent: this.agent, headers, signal, tls: { ca: this.node.certificate, fingerprint: this.fingerprint } });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** vLLM, llama-server, Ollama, LM Studio…: reached at their OpenAI base URL (…/v1 or the server root). */
export class OpenAiTransport implements NodeTransport {
  private readonly agent: HttpAgent;
  private readonly base: URL;

  constructor(private readonly node: { url: string; apiKey: string | null; maxConcurrency: number | null }) {
    const url = new URL(node.url);
    // Requests carry /v1/…; a base URL given as …/v1 is the server root.
    url.pathname = url.pathname.replace(/\/+$/, "").replace(/\/v1$/, "");
    this.base = url;
    const agentOptions = { keepAlive: true, maxSockets: 64 };
    this.agent = url.protocol === "https:" ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  }

  async report(signal: AbortSignal): Promise<NodeReport> {
    const list = (await getJson(this, "/v1/models", signal)) as { data?: Array<{ id?: unknown }> };
    const models = (Array.isArray(list?.data) ? list.data : []).map((m) => m?.id).filter((id): id is string => typeof id === "string").slice(0, 64);
    let capacity = this.node.maxConcurrency;
    if (capacity === null) capacity = await this.slots(signal).catch(() => null);
    return { name: this.base.host, kind: "openai", state: "ready", models, capacity: capacity ?? DEFAULT_OPENAI_CAPACITY, active: 0, queued: 0, gpus: [], tokensPerSecond: null };
  }

  /** llama-server says how many parallel slots it has in GET /props; other servers do not say. */
  private async slots(signal: AbortSignal): Promise<number | null> {
    const props = (await getJson(this, "/props", signal)) as { total_slots?: unknown };
    return typeof props?.total_slots === "number" && Number.isInteger(props.total_slots) && props.total_slots > 0 ? Math.min(props.total_slots, 256) : null;
  }

  send(request: ForwardRequest, signal: AbortSignal): Promise<Answer> {
    const headers: OutgoingHttpHeaders = { ...request.headers };
    if (this.node.apiKey) headers.authorization = `Bearer ${this.node.apiKey}`;
    return httpExchange(this.base, request, { agent: this.agent, headers, signal });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Parallel requests assumed of an OpenAI-compatible server that does not say (set maxConcurrency to change it). */
export const DEFAULT_OPENAI_CAPACITY = 4;

/** This machine's own engine, called in-process through its OpenAI handler. */
export class LocalTransport implements NodeTransport {
  constructor(
    private readonly handler: () => RequestHandler,
    private readonly describe: () => NodeReport,
  ) {}

  async report(): Promise<NodeReport> {
    return this.describe();
  }

  send(request: ForwardRequest, signal: AbortSignal): Promise<Answer> {
    const req = replayRequest(request.method, request.path, request.headers, request.body);
    const res = new CapturedResponse();
    const onAbort = () => res.destroy(new Error("cancelled"));
    if (signal.aborted) return Promise.reject(new Error("cancelled"));
    signal.addEventListener("abort", onAbort, { once: true });
    res.once("close", () => signal.removeEventListener("abort", onAbort));
    this.handler()(req, res as unknown as ServerResponse);
    return res.head.then((head) => ({ ...head, body: res }));
  }

  close(): void {}
}

/** An IncomingMessage stand-in that yields a body already read (the router reads it once, to try several nodes). */
export function replayRequest(method: string, url: string, headers: Record<string, string>, body: Buffer): IncomingMessage {
  const stream = Readable.from(body.length ? [body] : []);
  return Object.assign(stream, {
    method,
    url,
    headers: { ...headers, "content-length": String(body.length), "content-type": headers["content-type"] ?? "application/json" },
    rawHeaders: [],
    httpVersion: "1.1",
  }) as unknown as IncomingMessage;
}

/**
 * Enough of a ServerResponse for the OpenAI handler: what it writes becomes a readable stream, and `head` resolves
 * with the status and headers when the first byte (or the end) is written.
 */
class CapturedResponse extends PassThrough {
  statusCode = 200;
  statusMessage = "";
  shouldKeepAlive = true;
  private readonly fields = new Map<string, string | string[]>();
  private sent = false;
  private resolveHead!: (head: { status: number; headers: Record<string, string | string[]> }) => void;
  readonly head = new Promise<{ status: number; headers: Record<string, string | string[]> }>((resolve, reject) => {
    this.resolveHead = resolve;
    this.once("close", () => reject(new Error("the engine closed the response before answering")));
  });

  constructor() {
    super();
    this.head.catch(() => {});
  }

  get headersSent(): boolean {
    return this.sent;
  }

  setHeader(name: string, value: string | number | readonly string[]): this {
    this.fields.set(name.toLowerCase(), Array.isArray(value) ? [...value] : String(value));
    return this;
  }
  getHeader(name: string) {
    return this.fields.get(name.toLowerCase());
  }
  hasHeader(name: string) {
    return this.fields.has(name.toLowerCase());
  }
  removeHeader(name: string) {
    this.fields.delete(name.toLowerCase());
  }
  writeHead(status: number, ...rest: unknown[]): this {
    this.statusCode = status;
    const headers = rest.find((r) => typeof r === "object" && r !== null) as Record<string, string | number | string[]> | undefined;
    for (const [name, value] of Object.entries(headers ?? {})) this.setHeader(name, value as string);
    this.flushHead();
    return this;
  }
  flushHeaders(): void {
    this.flushHead();
  }
  private flushHead(): void {
    if (this.sent) return;
    this.sent = true;
    this.resolveHead({ status: this.statusCode, headers: Object.fromEntries(this.fields) });
  }
  override write(chunk: any, ...rest: any[]): boolean {
    this.flushHead();
    return super.write(chunk, ...rest);
  }
  override end(...args: any[]): this {
    this.flushHead();
    return super.end(...args);
  }
}
