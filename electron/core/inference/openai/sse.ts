import type { ServerResponse } from "node:http";

/**
 * Server-sent events as OpenAI streams them: `data: <json>\n\n` per chunk and `data: [DONE]\n\n` at the end.
 * Headers go out with the first event, so a request refused before any output still gets a proper error status.
 */
export class SseStream {
  constructor(private readonly res: ServerResponse) {}

  get started(): boolean {
    return this.res.headersSent;
  }

  send(data: unknown): void {
    if (this.res.writableEnded) return;
    if (!this.res.headersSent) {
      this.res.writeHead(200, {
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-cache",
        Connection: "keep-alive",
        "X-Accel-Buffering": "no",
      });
    }
    this.res.write(`data: ${JSON.stringify(data)}\n\n`);
  }

  done(): void {
    if (this.res.writableEnded) return;
    this.res.end("data: [DONE]\n\n");
  }

  /** Ends a stream that failed part-way: OpenAI clients raise an error on a chunk that carries `error`. */
  fail(body: unknown): void {
    this.send(body);
    this.res.end();
  }
}
