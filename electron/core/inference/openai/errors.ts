import { ApiError } from "../../../../shared/api/index.js";
import { failureOf } from "../errors.js";

export type OpenAiErrorType = "invalid_request_error" | "not_found_error" | "server_error";

/** The body OpenAI sends with every error status. */
export interface OpenAiErrorBody {
  error: { message: string; type: OpenAiErrorType; param: string | null; code: string | null };
}

/** An HTTP answer in OpenAI's error shape; anything thrown while handling a request ends up as one. */
export class OpenAiHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: OpenAiErrorType,
    readonly code: string | null = null,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "OpenAiHttpError";
  }

  toBody(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const badRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new OpenAiHttpError(400, message, "invalid_request_error", code, param);

/** Maps a failure of the inference service to the status and code an OpenAI client expects. */
export function toOpenAiError(
  error: unknown,
  { retryAfterSeconds = 1, inputParam = "messages" }: { retryAfterSeconds?: number; inputParam?: string } = {},
): OpenAiHttpError {
  if (error instanceof OpenAiHttpError) return error;
  const apiError = ApiError.from(error);
  const retryAfter = (seconds: unknown) => ({ "Retry-After": String(typeof seconds === "number" ? Math.max(1, Math.ceil(seconds)) : retryAfterSeconds) });
  switch (failureOf(apiError)) {
    case "queue_full":
      return new OpenAiHttpError(503, apiError.message, "server_error", "queue_full", null, retryAfter(apiError.details?.retryAfterSeconds));
    case "no_model":
      return new OpenAiHttpError(503, apiError.message, "server_error", "model_not_loaded", null, retryAfter(undefined));
    case "worker_crashed":
    case "model_replaced":
    case "shutting_down":
    case "engine_busy":
      return new OpenAiHttpError(503, apiError.message, "server_error", failureOf(apiError)!, null, retryAfter(undefined));
    case "context_length_exceeded":
      return new OpenAiHttpError(400, apiError.message, "invalid_request_error", "context_length_exceeded", inputParam);
  }
  switch (apiError.code) {
    case "invalid_params":
      return badRequest(apiError.message);
    case "not_found":
      return new OpenAiHttpError(404, apiError.message, "not_found_error");
    case "unavailable":
      return new OpenAiHttpError(503, apiError.message, "server_error", null, null, retryAfter(undefined));
    case "conflict":
      return new OpenAiHttpError(409, apiError.message, "invalid_request_error");
    default:
      return new OpenAiHttpError(500, apiError.message, "server_error");
  }
}
