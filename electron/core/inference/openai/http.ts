import type { IncomingMessage, ServerResponse } from "node:http";
import { readBoundedBody } from "../../runtime/guarded-server.js";
import { badRequest, OpenAiHttpError } from "./errors.js";

/** Reads a JSON body, refusing more than `limit` bytes before buffering them. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const tooLarge = () =>
    new OpenAiHttpError(413, `Request body is larger than the ${limit} byte limit`, "invalid_request_error", "request_too_large", null, {
      // The rest of the upload is not read; closing the connection stops the client sending it.
      Connection: "close",
    });
  const body = await readBoundedBody(req, limit);
  if (body === null) throw tooLarge();
  const text = body.toString("utf8");
  if (text.trim() === "") throw badRequest("The request body is empty; send a JSON object");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`We could not parse the JSON body of your request (${(error as Error).message})`);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

export function sendError(res: ServerResponse, error: OpenAiHttpError): void {
  sendJson(res, error.status, error.toBody(), error.headers);
}

/** An AbortSignal that fires when the client goes away before the response has been sent in full. */
export function disconnectSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) controller.abort(new Error("client disconnected"));
  });
  return controller.signal;
}
