import { ApiError, type ApiErrorCode } from "../../../../shared/api/index.js";

/** Why a download stopped; the UI picks its wording and the action it offers from this. */
export type DownloadFailureReason =
  | "no_space"
  | "corrupt"
  | "substituted"
  | "unreachable"
  | "unconfirmed"
  | "not_gguf"
  | "io"
  | "paused"
  | "cancelled";

const API_CODE: Record<DownloadFailureReason, ApiErrorCode> = {
  no_space: "unavailable",
  corrupt: "corrupt",
  substituted: "corrupt",
  unreachable: "unavailable",
  unconfirmed: "unavailable",
  not_gguf: "corrupt",
  io: "internal",
  paused: "conflict",
  cancelled: "conflict",
};

/** A download failure with a sentence a person can act on; `reason` travels in the ApiError details. */
export class DownloadError extends ApiError {
  constructor(
    readonly reason: DownloadFailureReason,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(API_CODE[reason], message, { reason, ...details });
    this.name = "DownloadError";
  }
}

/** Pause and cancel abort the running transfer with one of these as the signal's reason. */
export function stopReason(signal: AbortSignal): DownloadError | null {
  if (!signal.aborted) return null;
  const reason = signal.reason;
  if (reason instanceof DownloadError) return reason;
  return new DownloadError("cancelled", "The download was stopped");
}

export function throwIfStopped(signal: AbortSignal): void {
  const reason = stopReason(signal);
  if (reason) throw reason;
}

/** Node reports a full disk as ENOSPC (and quota exhaustion as EDQUOT): both mean "free some space". */
export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === "ENOSPC" || code === "EDQUOT";
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A gateway or server named by its host, for messages that list which sources failed. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Distinct failure reasons in one sentence, at most four of them spelled out. */
export function summarizeFailures(failures: string[]): string {
  const unique = [...new Set(failures)];
  return unique.length <= 4 ? unique.join("; ") : `${unique.slice(0, 4).join("; ")} and ${unique.length - 4} more`;
}
