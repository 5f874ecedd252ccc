import { z } from "zod";

/** One request/response method of the API: runtime schemas for both directions and a one-line purpose. */
export interface MethodSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  params: P;
  result: R;
  description: string;
}

export function method<P extends z.ZodType, R extends z.ZodType>(
  params: P,
  result: R,
  description: string,
): MethodSpec<P, R> {
  return { params, result, description };
}

export type MethodMap = Record<string, MethodSpec>;
export type EventMap = Record<string, z.ZodType>;

/** Errors that cross the API boundary carry a stable code the UI can branch on, and a message a person can act on. */
export type ApiErrorCode =
  | "invalid_params"
  | "unknown_method"
  | "unauthorized"
  | "not_found"
  | "conflict"
  | "unavailable"
  | "wrong_passphrase"
  | "locked"
  | "corrupt"
  | "internal";

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "ApiError";
  }

  toJSON(): SerializedApiError {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }

  static from(value: unknown): ApiError {
    if (value instanceof ApiError) return value;
    if (isSerializedApiError(value)) return new ApiError(value.code, value.message, value.details);
    return new ApiError("internal", value instanceof Error ? value.message : String(value));
  }
}

export interface SerializedApiError {
  code: ApiErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

function isSerializedApiError(value: unknown): value is SerializedApiError {
  return typeof value === "object" && value !== null && typeof (value as any).code === "string" &&
    typeof (value as any).message === "string";
}

/** Turns zod issues into one sentence naming each bad field, e.g. `modelPath: expected string, received number`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(payload)"}: ${issue.message}`)
    .join("; ");
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError("invalid_params", `Invalid ${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
