import type { AvailabilityStatus, InferenceStatus } from "../../shared/api/index.js";

/** Matches resources/icons/tray-<state>.png. */
export type TrayIconState = "idle" | "serving" | "warning" | "error";

export interface TraySnapshot {
  availability: AvailabilityStatus;
  inference: InferenceStatus;
  /** Alerts raised since the user last looked at the window. */
  unseenAlerts: number;
}

export type TrayAction = "open" | "toggle-serving" | "quit";

export interface TrayMenuItem {
  label?: string;
  action?: TrayAction;
  enabled?: boolean;
  type?: "separator";
}

export function trayIconState({ availability, inference, unseenAlerts }: TraySnapshot): TrayIconState {
  if (inference.state === "error") return "error";
  // A rig with a worker out still serves (message set while ready); a restart or an unseen alert needs a look.
  if (inference.state === "restarting" || (inference.state === "ready" && inference.message) || unseenAlerts > 0) return "warning";
  if (availability.serving === "serving" || availability.serving === "draining") return "serving";
  return "idle";
}

const REASONS: Record<AvailabilityStatus["reason"], string> = {
  always: "serving whenever possible",
  user_away: "you are away",
  in_schedule: "inside the schedule",
  no_user_session: "no one is using this PC",
  user_active: "you are using this PC",
  gpu_in_use: "another program is using the GPU",
  outside_schedule: "outside the schedule",
  paused_by_user: "paused by you",
};

/** One line for the tooltip and the menu's status row. */
export function trayStatusLine({ availability, inference }: TraySnapshot): string {
  if (inference.state === "error") return `Inference error: ${inference.message ?? "no model"}`;
  switch (availability.serving) {
    case null:
      return "Relay mining is not connected";
    case "stopped":
      return "Not serving (relay miner stopped)";
    case "serving":
      if (availability.pauseAt !== null) return `Serving until this session ends (${REASONS[availability.reason]})`;
      return "Serving";
    case "draining":
      return `Pausing after ${availability.relaysInFlight} relays in flight`;
    case "paused":
      return `Paused — ${REASONS[availability.reason]}`;
  }
}

export function trayMenu(snapshot: TraySnapshot): TrayMenuItem[] {
  const { availability } = snapshot;
  const canToggle = availability.serving !== null && availability.serving !== "stopped";
  return [
    { label: trayStatusLine(snapshot), enabled: false },
    { type: "separator" },
    { label: "Open PocketForge", action: "open" },
    {
      label: availability.pausedByUser ? "Resume serving" : "Pause serving",
      action: "toggle-serving",
      enabled: canToggle || availability.pausedByUser,
    },
    { type: "separator" },
    { label: "Quit PocketForge", action: "quit" },
  ];
}
