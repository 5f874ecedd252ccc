import { ApiError, type ApiErrorCode } from "../../../shared/api/index.js";

export interface DescribedError {
  code: ApiErrorCode | "unknown";
  message: string;
  /** The next step that suits this kind of failure; the engine's message often names a more specific one. */
  next: string;
}

const NEXT_STEP: Record<ApiErrorCode | "unknown", string> = {
  invalid_params: "Correct the highlighted value and try again.",
  unknown_method: "This dashboard and the engine are different versions: reload the page, or update PocketForge.",
  unauthorized: "Open the dashboard URL the engine printed at start (it ends in ?token=…).",
  not_found: "Reload the page: it may show something that no longer exists.",
  conflict: "Wait for the running operation to finish, then try again.",
  unavailable: "Check that the engine is running and reachable, then try again. The Logs page has details.",
  wrong_passphrase: "Check the passphrase (it is case-sensitive) and try again.",
  locked: "Unlock the wallet on the Wallet page, then try again.",
  corrupt: "Restore the file from a backup, or re-import your recovery phrase. The Logs page has details.",
  internal: "Try again; if it keeps failing, export a diagnostics bundle from the Logs page and report it.",
  unknown: "Try again; if it keeps failing, the Logs page has details.",
};

/** Any thrown value → a message and what to do next, keyed on the engine's stable error codes. */
export function describeError(error: unknown): DescribedError {
  if (error instanceof ApiError) return { code: error.code, message: error.message, next: NEXT_STEP[error.code] };
  if (typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string" && (error as { code: string }).code in NEXT_STEP) {
    const code = (error as { code: ApiErrorCode }).code;
    return { code, message: String((error as { message?: unknown }).message ?? code), next: NEXT_STEP[code] };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: "unknown", message, next: NEXT_STEP.unknown };
}

export function errorCode(error: unknown): ApiErrorCode | "unknown" {
  return describeError(error).code;
}
