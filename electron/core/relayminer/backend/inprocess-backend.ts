// The app's own inference engine as a relay backend: its OpenAI handler is called in-process with a synthetic
// request/response pair, so a relay costs no loopback socket, no HTTP parse and no extra copy of the body. A reply
// the handler starts as a stream (SSE, NDJSON) is handed on as it is written (docs/protocol.md §12.2).
import type { IncomingMessage, ServerResponse } from "node:http";
import { streamMediaType } from "../../pokt/stream/media-type.js";
import { BackendError, canonicalHeaderName, type Backend, type BackendAnswer, type ForwardOptions } from "./backend.js";
import { ResponseTooLargeError, SyntheticResponse, syntheticRequest } from "./synthetic-http.js";
import type { UpstreamRequest } from "./upstream-request.js";

export type NodeRequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

function canonicalHeaders(captured: Array<[string, string[]]>): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (const [name, values] of captured) {
    const canonical = canonicalHeaderName(name);
    headers.set(canonical, [...(headers.get(canonical) ?? []), ...values]);
  }
  return headers;
}

export class InProcessBackend implements Backend {
  constructor(
    private readonly handler: NodeRequestHandler,
    readonly description = "in-process inference engine",
  ) {}

  async forward(request: UpstreamRequest, options: ForwardOptions): Promise<BackendAnswer> {
    if (options.signal.aborted) throw new BackendError("aborted", "the request was cancelled before it was sent");
    const req = syntheticRequest(request.method, request.path, request.headers, request.body);
    const res = new SyntheticResponse(options.maxResponseBytes, { streamWhen: (contentType) => streamMediaType(contentType) !== undefined });
    const onAbort = () => res.abandon(new BackendError("aborted", "the request was cancelled"));
    options.signal.addEventListener("abort", onAbort, { once: true });
    let streaming = false;
    try {
      this.handler(req, res.asServerResponse());
      const first = await Promise.race([res.done.then((whole) => ({ whole })), res.streamed.then((stream) => ({ stream }))]);
      if ("stream" in first) {
        const headers = canonicalHeaders(first.stream.headers);
        streaming = true;
        return {
          statusCode: first.stream.statusCode,
          headers,
          mediaType: streamMediaType(headers.get("Content-Type")?.[0])!,
          chunks: untilDone(first.stream.chunks, res, () => options.signal.removeEventListener("abort", onAbort)),
        };
      }
      const captured = first.whole;
      return { statusCode: captured.statusCode, headers: canonicalHeaders(captured.headers), body: captured.body };
    } catch (error) {
      if (error instanceof BackendError) throw error;
      if (error instanceof ResponseTooLargeError) throw new BackendError("response_too_large", error.message);
      throw new BackendError("protocol", error instanceof Error ? error.message : String(error));
    } finally {
      // A stream keeps listening for the abort (timeout, gateway gone) until its reader is done with it.
      if (!streaming) options.signal.removeEventListener("abort", onAbort);
    }
  }

  close(): void {}
}

/**
 * The same chunks, with `done` called once the reader stops. A reader that leaves before the end (a line too long,
 * the body limit) abandons the response, so the handler sees its client go and stops generating.
 */
async function* untilDone(chunks: AsyncIterable<Uint8Array>, res: SyntheticResponse, done: () => void): AsyncIterable<Uint8Array> {
  let complete = false;
  try {
    yield* chunks;
    complete = true;
  } finally {
    if (!complete) res.abandon(new BackendError("aborted", "the relay stopped reading the stream"));
    done();
  }
}
