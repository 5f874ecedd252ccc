import { z } from "zod";
import { method } from "./define.js";

/** Problems that need a person (proof failed, GPU too hot, update ready...), raised by any part of the engine. */

/** The renderer's pages, routed by hash (`#/wallet`); deep links and notifications open one of them. */
export const PageRoute = z.enum(["dashboard", "wallet", "models", "staking", "settings", "logs", "setup"]);
export type PageRoute = z.infer<typeof PageRoute>;

export const AlertKind = z.enum([
  "proof_failed",
  "claim_skipped_fees",
  "low_operator_balance",
  "gpu_over_temperature",
  "worker_down",
  "gpu_check_failed",
  "update_ready",
  "public_address_changed",
  "port_mapping_lost",
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

export const alertsMethods = {
  "alerts.recent": method(NoParams, z.array(Alert), "Alerts raised since the engine started, newest last"),
};

export const alertsEvents = {
  "alerts.raised": Alert,
};
