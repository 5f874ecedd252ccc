import { z } from "zod";
import { method } from "./define.js";

/**
 * The desktop and rig domain of the API: when the machine serves (always, while the user is away, on a schedule),
 * the desktop shell's preferences, updates, and the alerts that need a person. The same settings live in
 * config.json (electron/core/app/config.ts builds its schema from these).
 */

/** The renderer's pages, routed by hash (`#/wallet`); deep links and notifications open one of them. */
export const PageRoute = z.enum(["dashboard", "wallet", "models", "staking", "settings", "logs", "setup"]);
export type PageRoute = z.infer<typeof PageRoute>;

const Hour = z.number().int().min(0).max(23);
const Weekday = z.number().int().min(0).max(6).describe("0 = Sunday");

export const AvailabilityMode = z.enum(["always", "idle", "schedule"]);
export type AvailabilityMode = z.infer<typeof AvailabilityMode>;

export const AvailabilitySettings = z.object({
  mode: AvailabilityMode.default("always"),
  /** Idle mode: seconds without keyboard or mouse input before the user counts as away. */
  idleAfterSeconds: z.number().int().min(30).max(86_400).default(300),
  /** Idle mode: GPU utilisation (percent) by other programs (a game, a render) that counts as the GPU in use. */
  foreignGpuBusyPercent: z.number().int().min(5).max(100).default(40),
  /** How long to keep serving until the current session ends, rather than pausing mid-session. */
  maxWaitForSessionEndSeconds: z.number().int().min(0).max(3_600).default(60),
  /** Schedule mode: serve during these hours (local time) on these days. */
  schedule: z
    .object({
      days: z.array(Weekday).max(7).default([0, 1, 2, 3, 4, 5, 6]),
      hours: z.array(Hour).max(24).default([0, 1, 2, 3, 4, 5, 6, 7, 22, 23]),
    })
    .prefault({}),
});
export type AvailabilitySettings = z.infer<typeof AvailabilitySettings>;

export const DesktopPreferences = z.object({
  /** Start hidden in the tray when the user logs in (login item on Windows/macOS, XDG autostart on Linux). */
  startOnLogin: z.boolean().default(true),
  /** Closing the window keeps serving from the tray; quitting is in the tray menu. */
  closeToTray: z.boolean().default(true),
  notifications: z.boolean().default(true),
});
export type DesktopPreferences = z.infer<typeof DesktopPreferences>;

export const UpdateChannel = z.enum(["stable", "beta"]);
export type UpdateChannel = z.infer<typeof UpdateChannel>;

export const UpdateSettings = z.object({
  channel: UpdateChannel.default("stable"),
  /** Download updates in the background and install them between sessions. */
  automatic: z.boolean().default(true),
});
export type UpdateSettings = z.infer<typeof UpdateSettings>;

export const RigSettings = z
  .object({
    /** "auto": one inference worker per GPU the compute backend sees (one on CPU machines); a number: that many. */
    workers: z.union([z.literal("auto"), z.number().int().min(1).max(16)]).default("auto"),
    /** A GPU at or above this temperature is taken out of rotation... */
    maxGpuTemperatureC: z.number().int().min(50).max(110).default(85),
    /** ...until it cools down to this. */
    resumeGpuTemperatureC: z.number().int().min(30).max(105).default(75),
    /** A worker that produces no token for this long while requests wait is restarted. */
    watchdogSeconds: z.number().int().min(5).max(3_600).default(90),
  })
  .refine((rig) => rig.resumeGpuTemperatureC < rig.maxGpuTemperatureC, {
    message: "must be below maxGpuTemperatureC, or a hot GPU would flap in and out of rotation",
    path: ["resumeGpuTemperatureC"],
  });
export type RigSettings = z.infer<typeof RigSettings>;

export const AppSettings = z.object({
  availability: AvailabilitySettings,
  desktop: DesktopPreferences,
  updates: UpdateSettings,
  rig: RigSettings,
});
export type AppSettings = z.infer<typeof AppSettings>;

/** What the relay miner is doing, as far as pausing and resuming go (see electron/core/serving). */
export const ServingState = z.enum(["stopped", "serving", "draining", "paused"]);
export type ServingState = z.infer<typeof ServingState>;

export const AvailabilityReason = z.enum([
  "always",
  "user_away",
  "in_schedule",
  "no_user_session",
  "user_active",
  "gpu_in_use",
  "outside_schedule",
  "paused_by_user",
]);
export type AvailabilityReason = z.infer<typeof AvailabilityReason>;

export const AvailabilityStatus = z.object({
  mode: AvailabilityMode,
  /** Whether the policy wants the machine serving now. */
  wanted: z.boolean(),
  reason: AvailabilityReason,
  pausedByUser: z.boolean(),
  /** When a pause waits for the end of the current session: that moment (epoch ms). */
  pauseAt: z.number().nullable(),
  /** The relay miner's state; null while no relay miner is connected to this engine. */
  serving: ServingState.nullable(),
  relaysInFlight: z.number().int(),
});
export type AvailabilityStatus = z.infer<typeof AvailabilityStatus>;

export const AlertKind = z.enum([
  "proof_failed",
  "claim_skipped_fees",
  "low_operator_balance",
  "gpu_over_temperature",
  "worker_down",
  "update_ready",
]);
export type AlertKind = z.infer<typeof AlertKind>;

/** Something that needs the user; the desktop shows it as an OS notification that opens `route`. */
export const Alert = z.object({
  kind: AlertKind,
  /** Alerts with the same key are one problem: it is not raised again while it repeats. */
  key: z.string(),
  title: z.string(),
  message: z.string(),
  route: PageRoute,
  time: z.number().describe("epoch milliseconds"),
});
export type Alert = z.infer<typeof Alert>;

const NoParams = z.object({}).strict();

export const desktopMethods = {
  "settings.get": method(NoParams, AppSettings, "Availability, desktop, update and rig settings"),
  "settings.update": method(
    z
      .object({
        availability: AvailabilitySettings.optional(),
        desktop: DesktopPreferences.optional(),
        updates: UpdateSettings.optional(),
        rig: RigSettings.optional(),
      })
      .strict(),
    AppSettings,
    "Replace the given sections (fields left out take their defaults); the rest stay as they are",
  ),
  "availability.status": method(NoParams, AvailabilityStatus, "Whether the machine should serve now, and why"),
  "availability.pause": method(NoParams, AvailabilityStatus, "Pause serving until resumed (in-flight relays finish first)"),
  "availability.resume": method(NoParams, AvailabilityStatus, "Lift a pause; serving follows the availability mode again"),
  "alerts.recent": method(NoParams, z.array(Alert), "Alerts raised since the engine started, newest last"),
};

export const desktopEvents = {
  "settings.changed": AppSettings,
  "availability.status": AvailabilityStatus,
  "alerts.raised": Alert,
};
