import type { DownloadProgress } from "../../../shared/api/index.js";
import { formatBytes } from "../../../shared/format.js";
import { formatEta, formatRate } from "./format.js";

export interface DownloadView {
  /** 0..1, or null while the size is unknown. */
  fraction: number | null;
  stateLabel: string;
  tone: "info" | "warn" | "error" | "ok";
  /** "412 MiB of 4.6 GiB" */
  amount: string;
  /** "18.2 MiB/s · 3 min 50 s left", or why it is not moving. */
  speed: string;
  canPause: boolean;
  canResume: boolean;
  canCancel: boolean;
  /** For a failed download: the engine's reason and what to do about it. */
  problem: string | null;
}

const LABELS: Record<DownloadProgress["state"], string> = {
  checking: "Checking free space and sources",
  downloading: "Downloading",
  verifying: "Verifying the file's hash",
  paused: "Paused",
  completed: "Installed",
  failed: "Failed",
  cancelled: "Cancelled",
};

export function downloadView(progress: DownloadProgress): DownloadView {
  const { state, bytesDone, bytesTotal } = progress;
  const fraction = bytesTotal ? bytesDone / bytesTotal : state === "completed" ? 1 : null;
  const amount = bytesTotal ? `${formatBytes(bytesDone)} of ${formatBytes(bytesTotal)}` : formatBytes(bytesDone);
  const via = progress.via ? ` from ${progress.via}` : "";
  let speed: string;
  if (state === "downloading") {
    speed = `${formatRate(progress.bytesPerSecond)} · ${progress.etaSeconds == null ? "time left unknown" : `${formatEta(progress.etaSeconds)} left`}`;
  } else if (state === "paused") {
    speed = "Resume to continue where it stopped; verified parts are kept.";
  } else if (state === "verifying") {
    speed = "Comparing the file with the catalog's hash…";
  } else {
    speed = "";
  }
  const problem = state === "failed" && progress.error
    ? `${progress.error.message} Press Retry to continue where it stopped${progress.source ? ", or pick another source" : ""}.`
    : null;
  return {
    fraction,
    stateLabel: `${LABELS[state]}${state === "downloading" || state === "checking" ? via : ""}`,
    tone: state === "failed" ? "error" : state === "paused" ? "warn" : state === "completed" ? "ok" : "info",
    amount,
    speed,
    canPause: state === "downloading" || state === "checking",
    canResume: state === "paused" || state === "failed",
    canCancel: state !== "completed" && state !== "cancelled",
    problem,
  };
}
