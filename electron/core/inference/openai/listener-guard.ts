import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { GuardRefusal } from "../../runtime/guarded-server.js";
import { OpenAiHttpError } from "./errors.js";
import { sendError } from "./http.js";

/**
 * The OpenAI-format answer to what the shared listener guard refuses before the request is read (createGuardedServer
 * checks them): a Host the engine does not answer to (DNS rebinding), a browser Origin other than the endpoint's own
 * (any web page can send requests to loopback), a declared body over the limit.
 */
export function refuseInOpenAiFormat(res: ServerResponse, status: GuardRefusal, maxBodyBytes: number): void {
  if (status === 421) {
    return sendError(res, new OpenAiHttpError(421, "This endpoint does not answer to that host name: call it as 127.0.0.1 or localhost, or by this machine's address", "invalid_request_error", "misdirected_request"));
  }
  if (status === 403) {
    return sendError(res, new OpenAiHttpError(403, "Requests from web pages of other origins are refused", "invalid_request_error", "cross_origin_refused"));
  }
  sendError(res, new OpenAiHttpError(413, `Request body is larger than the ${maxBodyBytes} byte limit`, "invalid_request_error", "request_too_large", null, { Connection: "close" }));
}

export interface ListenerGuardOptions {
  /** When set, every request needs `Authorization: Bearer <key>` (as LM Studio and Jan offer). */
  apiKey?: string | null;
}

/**
 * What the OpenAI listener checks, past the shared Host and Origin guards, before the request reaches the engine: a
 * text/plain POST needs no CORS preflight, so a web page could send 24 of them and fill every sequence and the queue.
 * Refused: a body that is not JSON (a cross-site page cannot send application/json without a preflight we never
 * allow), and a missing or wrong API key when one is set. The relay miner calls the handler in-process and is not
 * subject to this. Returns true when the request was refused (and answered).
 */
export function createListenerGuard(options: ListenerGuardOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const key = options.apiKey ? Buffer.from(options.apiKey) : null;
  return (req, res) => {
    const refuse = (error: OpenAiHttpError) => {
      res.shouldKeepAlive = false;
      sendError(res, error);
      return true;
    };
    if (key !== null) {
      const presented = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1]?.trim();
      const candidate = Buffer.from(presented ?? "");
      if (candidate.length !== key.length || !timingSafeEqual(candidate, key)) {
        return refuse(
          new OpenAiHttpError(401, "Missing or incorrect API key: send Authorization: Bearer <the key set as openAiApiKey in config.json>", "invalid_request_error", "invalid_api_key", null, {
            "WWW-Authenticate": "Bearer",
          }),
        );
      }
    }
    if (req.method === "POST" && !/^application\/json(\s*;|$)/i.test(req.headers["content-type"] ?? "")) {
      return refuse(new OpenAiHttpError(415, "Request bodies must be JSON: send Content-Type: application/json", "invalid_request_error", "unsupported_media_type"));
    }
    return false;
  };
}
