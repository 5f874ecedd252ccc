import { z } from "zod";
import { method } from "./define.js";

/** Whether the machine should serve now (always, while the user is away, on a schedule), and what the relay miner does about it. */

export const AvailabilityMode = z.enum(["always", "idle", "schedule"]);
export type AvailabilityMode = z.infer<typeof AvailabilityMode>;

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

const NoParams = z.object({}).strict();

export const availabilityMethods = {
  "availability.status": method(NoParams, AvailabilityStatus, "Whether the machine should serve now, and why"),
  "availability.pause": method(NoParams, AvailabilityStatus, "Pause serving until resumed (in-flight relays finish first)"),
  "availability.resume": method(NoParams, AvailabilityStatus, "Lift a pause; serving follows the availability mode again"),
};

export const availabilityEvents = {
  "availability.status": AvailabilityStatus,
};
