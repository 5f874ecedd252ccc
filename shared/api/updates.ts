import { z } from "zod";
import { method } from "./define.js";
import { UpdateChannel } from "./settings.js";

/**
 * The desktop app's updater as the Settings page shows it. Headless engines (and development runs of the desktop app)
 * have no updater: they report "unmanaged" and say who updates them instead.
 */

/** Shared by every state of a desktop app that updates itself. */
const Managed = z.object({
  /** The version running now. */
  currentVersion: z.string(),
  channel: UpdateChannel,
  /** Whether checks run by themselves (every few hours); "Check now" works either way. */
  automatic: z.boolean(),
  /** The feed in use when config.json's updates.feedUrl overrides it; null: the feed built into the installer. */
  feedUrl: z.string().nullable(),
  /** When the feed last answered (epoch ms); null before the first answer. */
  lastCheckedAt: z.number().nullable(),
  /** A version downloaded and waiting for a moment between sessions to install; null when none waits. */
  waitingToInstall: z.string().nullable(),
});

export const UpdateStatus = z.discriminatedUnion("state", [
  z.object({
    state: z.literal("unmanaged"),
    /** headless: the engine runs without the desktop app; development: a desktop run that is not an installed build. */
    reason: z.enum(["headless", "development"]),
  }),
  Managed.extend({ state: z.literal("idle") }),
  Managed.extend({ state: z.literal("checking") }),
  Managed.extend({ state: z.literal("up_to_date") }),
  Managed.extend({ state: z.literal("available"), version: z.string() }),
  Managed.extend({ state: z.literal("downloading"), version: z.string(), percent: z.number().min(0).max(100) }),
  /** Downloaded: installs between sessions, when no relay is in flight (or when the app quits). */
  Managed.extend({ state: z.literal("downloaded"), version: z.string() }),
  Managed.extend({
    state: z.literal("error"),
    /** What went wrong, in one line (the whole error is in the log, scope "update"). */
    message: z.string(),
    /** What the person can do about it. */
    nextStep: z.string(),
    at: z.number(),
  }),
]);
export type UpdateStatus = z.infer<typeof UpdateStatus>;
export type UpdateState = UpdateStatus["state"];

/** Who updates an engine that has no updater of its own: the engine's refusal of updates.check and the Settings page say this. */
export const UNMANAGED_UPDATES: Record<"headless" | "development", string> = {
  headless:
    "This engine runs headless and does not update itself: update it the way it was installed (git pull and npm ci, " +
    "or your package manager), or use the desktop app, which updates itself between sessions.",
  development: "This is a development run of the desktop app (npm start): it has no update feed. Installed builds update themselves.",
};

const NoParams = z.object({}).strict();

export const updatesMethods = {
  "updates.status": method(NoParams, UpdateStatus, "What the desktop app's updater is doing: idle, checking, up to date, downloading, ready, or failed"),
  "updates.check": method(
    NoParams,
    UpdateStatus,
    "Look for an update now (what it finds downloads and installs between sessions); refused where the engine does not update itself",
  ),
};

export const updatesEvents = {
  "updates.status": UpdateStatus,
};
