// An OpenAI-compatible server reached over HTTP(S) (llama-server, vLLM, Ollama…), with pooled keep-alive
// connections: a relay should not pay for a TCP handshake.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { streamMediaType } from "../../pokt/stream/media-type.js";
import { BackendError, groupRawHeaders, type Backend, type BackendAnswer, type ForwardOptions } from "./backend.js";
import type { UpstreamRequest } from "./upstream-request.js";

export class HttpBackend implements Backend {
  readonly description: string;
  private readonly agent: HttpAgent;
  private readonly secure: boolean;

  constructor(readonly baseUrl: URL) {
    this.secure = baseUrl.protocol === "https:";
    const agentOptions = { keepAlive: true, maxSockets: 256, maxFreeSockets: 64 };
    this.agent = this.secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.description = `${baseUrl.origin}${baseUrl.pathname}`;
  }

  forward(request: UpstreamRequest, options: ForwardOptions): Promise<BackendAnswer> {
    return new Promise<BackendAnswer>((resolve, reject) => {
      if (options.signal.aborted) {
        reject(new BackendError("aborted", "the request was cancelled before it was sent"));
        return;
      }
      const headers: OutgoingHttpHeaders = {};
      for (const [name, values] of request.headers) headers[name] = values.length === 1 ? values[0] : values;
      headers["Content-Length"] = request.body.length;
      const send = this.secure ? httpsRequest : httpRequest;
      const outgoing = send({
        protocol: this.baseUrl.protocol,
        hostname: this.baseUrl.hostname,
        port: this.baseUrl.port,
        method: request.method,
        path: request.path,
        headers,
        agent: this.agent,
        signal: options.signal,
      });
      let settled = false;
      const fail = (error: BackendError) => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      outgoing.on("error", (error) => {
        fail(options.signal.aborted ? new BackendError("aborted", "the request was cancelled") : new BackendError("unreachable", error.message));
      });
      outgoing.on("response", (response: IncomingMessage) => {
        const headers = groupRawHeaders(response.rawHeaders);
        // Go's Header.Get: the first value decides (docs/protocol.md §12.2).
        const mediaType = streamMediaType(headers.get("Content-Type")?.[0]);
        if (mediaType !== undefined) {
          settled = true;
          // Read errors (and the abort of options.signal) surface through the iterator; this keeps an error that
          // comes before the reader starts from being thrown as unhandled.
          response.on("error", () => undefined);
          resolve({ statusCode: response.statusCode ?? 502, headers, mediaType, chunks: response });
          return;
        }
        const declared = Number(response.headers["content-length"]);
        if (Number.isFinite(declared) && declared > options.maxResponseBytes) {
          response.destroy();
          fail(tooLarge(declared, options.maxResponseBytes));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxResponseBytes) {
            response.destroy();
            fail(tooLarge(size, options.maxResponseBytes));
            return;
          }
          chunks.push(chunk);
        });
        response.on("error", (error) => fail(new BackendError(options.signal.aborted ? "aborted" : "unreachable", error.message)));
        response.on("end", () => {
          if (settled) return;
          settled = true;
          resolve({
            statusCode: response.statusCode ?? 502,
            headers,
            body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size),
          });
        });
      });
      outgoing.end(request.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function tooLarge(size: number, limit: number): BackendError {
  return new BackendError("response_too_large", `body size exceeds maximum allowed body: ${size} bytes read > ${limit} bytes limit`);
}
