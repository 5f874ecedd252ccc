import { ApiError } from "../../../shared/api/index.js";

/**
 * Why an inference request failed, carried in ApiError.details.reason. The code alone ("unavailable") is enough for
 * the UI; the HTTP layer needs the finer reason to choose a status and an OpenAI error code.
 */
export type InferenceFailure =
  | "queue_full"
  | "no_model"
  | "worker_crashed"
  | "model_replaced"
  | "shutting_down"
  | "context_length_exceeded"
  | "engine_busy";

export function failureOf(error: unknown): InferenceFailure | undefined {
  const reason = error instanceof ApiError ? error.details?.reason : undefined;
  return typeof reason === "string" ? (reason as InferenceFailure) : undefined;
}

/** Every sequence is busy and the waiting line is at its limit: the caller should come back shortly. */
export class QueueFullError extends ApiError {
  constructor(
    readonly queueLimit: number,
    readonly retryAfterSeconds: number,
  ) {
    super("unavailable", `The inference queue is full (${queueLimit} requests waiting); retry in ${retryAfterSeconds}s`, {
      reason: "queue_full",
      retryAfterSeconds,
    });
    this.name = "QueueFullError";
  }
}

export class NoModelLoadedError extends ApiError {
  constructor(detail = "No model is loaded; load a GGUF model first") {
    super("unavailable", detail, { reason: "no_model" });
    this.name = "NoModelLoadedError";
  }
}

/** The worker process died while the request was in it; the service restarts the worker on its own. */
export class WorkerCrashedError extends ApiError {
  constructor(
    readonly exitCode: number | null,
    readonly signal: string | null,
  ) {
    const how = signal ? `signal ${signal}` : `exit code ${exitCode ?? "unknown"}`;
    super("unavailable", `The inference worker stopped unexpectedly (${how}); the request was not completed`, {
      reason: "worker_crashed",
      exitCode,
      signal,
    });
    this.name = "WorkerCrashedError";
  }
}

export class ContextOverflowError extends ApiError {
  constructor(contextSize: number, promptTokens: number) {
    super(
      "invalid_params",
      `The prompt has ${promptTokens} tokens but the model's context holds ${contextSize} per request; shorten it`,
      { reason: "context_length_exceeded", contextSize, promptTokens },
    );
    this.name = "ContextOverflowError";
  }
}
