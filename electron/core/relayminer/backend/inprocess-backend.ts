// The app's own inference engine as a relay backend: its OpenAI handler is called in-process with a synthetic
// request/response pair, so a relay costs no loopback socket, no HTTP parse and no extra copy of the body.
import type { IncomingMessage, ServerResponse } from "node:http";
import { BackendError, canonicalHeaderName, type Backend, type BackendReply, type ForwardOptions } from "./backend.js";
import { ResponseTooLargeError, SyntheticResponse, syntheticRequest } from "./synthetic-http.js";
import type { UpstreamRequest } from "./upstream-request.js";

export type NodeRequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export class InProcessBackend implements Backend {
  constructor(
    private readonly handler: NodeRequestHandler,
    readonly description = "in-process inference engine",
  ) {}

  async forward(request: UpstreamRequest, options: ForwardOptions): Promise<BackendReply> {
    if (options.signal.aborted) throw new BackendError("aborted", "the request was cancelled before it was sent");
    const req = syntheticRequest(request.method, request.path, request.headers, request.body);
    const res = new SyntheticResponse(options.maxResponseBytes);
    const onAbort = () => res.abandon(new BackendError("aborted", "the request was cancelled"));
    options.signal.addEventListener("abort", onAbort, { once: true });
    try {
      this.handler(req, res.asServerResponse());
      const captured = await res.done;
      const headers = new Map<string, string[]>();
      for (const [name, values] of captured.headers) {
        const canonical = canonicalHeaderName(name);
        headers.set(canonical, [...(headers.get(canonical) ?? []), ...values]);
      }
      return { statusCode: captured.statusCode, headers, body: captured.body };
    } catch (error) {
      if (error instanceof BackendError) throw error;
      if (error instanceof ResponseTooLargeError) throw new BackendError("response_too_large", error.message);
      throw new BackendError("protocol", error instanceof Error ? error.message : String(error));
    } finally {
      options.signal.removeEventListener("abort", onAbort);
    }
  }

  close(): void {}
}
