import { z } from "zod";
import { method } from "./define.js";
import { AvailabilityMode } from "./availability.js";

/**
 * When and how the machine serves, the desktop shell's preferences, updates and rig workers: the sections of
 * config.json the API may read and replace (electron/core/app/config.ts builds its schema from these).
 */

const Hour = z.number().int().min(0).max(23);
const Weekday = z.number().int().min(0).max(6).describe("0 = Sunday");

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

/**
 * Where the desktop app looks for updates instead of the feed built into the installer: the https address of a folder
 * holding electron-builder's latest*.yml files and installers (electron-updater's generic provider). Set in config.json
 * (`updates.feedUrl`) only, never through the API: the feed decides what code the app installs.
 */
export const UpdateFeedUrl = z
  .url({ error: "must be an https:// address" })
  .max(2048)
  .regex(/^https:\/\/[^/]/i, "must be an https:// address")
  .refine((url) => {
    // Unparseable addresses are reported by .url() above.
    if (!URL.canParse(url)) return true;
    const parsed = new URL(url);
    return parsed.username === "" && parsed.password === "";
  }, "must not hold a user name or password (config.json and diagnostics would show them)");

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

const NoParams = z.object({}).strict();

export const settingsMethods = {
  "settings.get": method(NoParams, AppSettings, "Availability, desktop, update and rig settings"),
  "settings.update": method(
    z
      .object({
        availability: AvailabilitySettings.optional(),
        desktop: DesktopPreferences.optional(),
        // Strict: the update feed (config.json only) cannot be slipped in here.
        updates: UpdateSettings.strict().optional(),
        rig: RigSettings.optional(),
      })
      .strict(),
    AppSettings,
    "Replace the given sections (fields left out take their defaults); the rest stay as they are",
  ),
};

export const settingsEvents = {
  "settings.changed": AppSettings,
};
