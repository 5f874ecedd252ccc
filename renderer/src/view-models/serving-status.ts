import type { AvailabilityReason, AvailabilityStatus, MinerStatus, WalletSnapshot } from "../../../shared/api/index.js";

export interface ServingStatusView {
  kind: "serving" | "paused" | "error" | "stopped" | "starting" | "unknown";
  label: string;
  tone: "ok" | "warn" | "error" | "neutral" | "info";
  /** Why it is in this state, as a sentence. */
  reason: string;
  /** What the person can do, when anything. */
  next: string | null;
}

const PAUSE_REASONS: Record<AvailabilityReason, string> = {
  always: "Serving is set to always.",
  user_away: "You are away, so the machine serves.",
  in_schedule: "Inside the serving schedule.",
  no_user_session: "Nobody is logged in, so the machine serves.",
  user_active: "Idle-only mode: paused while you use the computer.",
  gpu_in_use: "Idle-only mode: paused while another program uses the GPU.",
  outside_schedule: "Outside the serving schedule.",
  paused_by_user: "You paused serving.",
};

/** One verdict for the top of the dashboard from the miner, the availability policy and the wallet. */
export function servingStatus(miner: MinerStatus | null, availability: AvailabilityStatus | null, wallet: WalletSnapshot | null): ServingStatusView {
  if (!miner) return { kind: "unknown", label: "Connecting", tone: "neutral", reason: "Reading the relay miner's state…", next: null };
  if (miner.state === "error") {
    return { kind: "error", label: "Error", tone: "error", reason: miner.message ?? "The relay miner stopped with an error.", next: "Check the Logs page, fix the cause, then start serving again." };
  }
  if (wallet && wallet.state !== "unlocked" && (miner.state === "running" || miner.state === "starting")) {
    return { kind: "error", label: "Cannot sign", tone: "error", reason: "The wallet is locked, so relays and claims cannot be signed.", next: "Unlock the wallet on the Wallet page." };
  }
  if (availability && (availability.pausedByUser || availability.serving === "paused" || availability.serving === "draining")) {
    const draining = availability.serving === "draining";
    return {
      kind: "paused",
      label: draining ? "Pausing" : "Paused",
      tone: "warn",
      reason: draining ? `${PAUSE_REASONS[availability.reason]} Finishing ${availability.relaysInFlight} relay(s) in flight.` : PAUSE_REASONS[availability.reason],
      next: availability.pausedByUser ? "Resume to serve again." : "Serving resumes by itself when the policy allows (Settings → When to serve).",
    };
  }
  if (miner.state === "running") {
    return { kind: "serving", label: "Serving", tone: "ok", reason: `Answering relays for ${miner.services.map((s) => s.serviceId).join(", ") || "no service yet"}.`, next: null };
  }
  if (miner.state === "starting") return { kind: "starting", label: "Starting", tone: "info", reason: miner.message ?? "Connecting to the chain and loading sessions…", next: null };
  if (miner.state === "stopping") return { kind: "stopped", label: "Stopping", tone: "neutral", reason: "Finishing relays in flight.", next: null };
  return { kind: "stopped", label: "Stopped", tone: "neutral", reason: miner.message ?? "The relay miner is not running.", next: "Start serving, or finish the setup wizard first." };
}
