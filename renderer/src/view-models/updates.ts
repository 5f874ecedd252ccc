import { UNMANAGED_UPDATES, type UpdateStatus } from "../../../shared/api/index.js";
import { formatAgo } from "./format.js";

export interface UpdateView {
  /** One or two words for the badge. */
  label: string;
  tone: "ok" | "warn" | "error" | "neutral" | "info";
  /** What is happening, as a sentence. */
  summary: string;
  /** What the person can do, when anything. */
  next: string | null;
  /** 0..1 while downloading; null otherwise. */
  progress: number | null;
  /** Whether "Check now" makes sense (an updater exists and is not already checking or downloading). */
  canCheck: boolean;
  /** Version, channel, last answer and feed, for the line under the headline; null where there is no updater. */
  facts: string | null;
}

/** The Settings page's updater panel from the engine's update status. `now` is a parameter so tests are deterministic. */
export function updateView(status: UpdateStatus, now: number): UpdateView {
  if (status.state === "unmanaged") {
    return { label: "Not managed here", tone: "neutral", summary: UNMANAGED_UPDATES[status.reason], next: null, progress: null, canCheck: false, facts: null };
  }
  const checked = status.lastCheckedAt === null ? "not checked yet" : `last checked ${formatAgo(status.lastCheckedAt, now)}`;
  const feed = status.feedUrl ? `feed ${status.feedUrl} (updates.feedUrl in config.json)` : "the installer's update feed";
  const facts = `PocketForge ${status.currentVersion} · ${status.channel === "beta" ? "Beta" : "Stable"} channel · ${checked} · ${feed}`;
  const installs = "It installs between sessions, when no relay is in flight, and the app restarts by itself (or when you quit).";
  const waiting = status.waitingToInstall && status.state !== "downloaded" ? ` PocketForge ${status.waitingToInstall} is downloaded and still installs between sessions.` : "";
  const automatic = status.automatic ? "" : " Automatic checks are off: only Check now looks.";
  const base = { facts, progress: null, canCheck: true, next: null };
  switch (status.state) {
    case "idle":
      return { ...base, label: "Not checked yet", tone: "neutral", summary: `No update check has run since the app started.${automatic}${waiting}` };
    case "checking":
      return { ...base, label: "Checking", tone: "info", summary: "Looking for a newer version…", canCheck: false };
    case "up_to_date":
      return { ...base, label: "Up to date", tone: "ok", summary: `This is the latest ${status.channel} version.${automatic}${waiting}` };
    case "available":
      return { ...base, label: `${status.version} available`, tone: "info", summary: `PocketForge ${status.version} is out; the download starts by itself.`, canCheck: false };
    case "downloading":
      return {
        ...base,
        label: "Downloading",
        tone: "info",
        summary: `Downloading PocketForge ${status.version}: ${status.percent} %.`,
        progress: status.percent / 100,
        canCheck: false,
      };
    case "downloaded":
      return { ...base, label: `${status.version} ready`, tone: "ok", summary: `PocketForge ${status.version} is downloaded. ${installs}` };
    case "error":
      return { ...base, label: "Update failed", tone: "error", summary: `${sentence(status.message)}${waiting}`, next: status.nextStep };
  }
}

/** Ends a message with a full stop unless it already ends a sentence. */
function sentence(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}
