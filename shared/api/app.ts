import { z } from "zod";
import { method } from "./define.js";
import { Passphrase } from "./wallet.js";

export const AppInfo = z.object({
  name: z.literal("PocketForge"),
  version: z.string(),
  apiVersion: z.number().int(),
  transport: z.enum(["ipc", "websocket"]),
  platform: z.string(),
  arch: z.string(),
  dataDir: z.string(),
  network: z.string(),
  startedAt: z.number().describe("epoch milliseconds"),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const LogLevel = z.enum(["debug", "info", "warn", "error"]);
export type LogLevel = z.infer<typeof LogLevel>;

export const LogEntry = z.object({
  time: z.number().describe("epoch milliseconds"),
  level: LogLevel,
  scope: z.string(),
  message: z.string(),
  fields: z.record(z.string(), z.unknown()).optional(),
});
export type LogEntry = z.infer<typeof LogEntry>;

export const AppFolder = z.enum(["data", "logs", "models"]);
export type AppFolder = z.infer<typeof AppFolder>;

/** A support bundle: JSON text the user saves and attaches to a report. Holds no key, phrase, passphrase or token. */
export const DiagnosticsBundle = z.object({
  fileName: z.string(),
  content: z.string(),
});
export type DiagnosticsBundle = z.infer<typeof DiagnosticsBundle>;

const ListenAddress = z.object({
  host: z.string().trim().min(1).max(255),
  port: z.number().int().min(0, "0 picks a free port").max(65535),
});

/**
 * A listen address as a change asks for it: an address of this machine to bind (an IP literal, or `localhost`).
 * Saved settings keep the looser ListenAddress, so a config written by hand with a host name still loads.
 */
const NewListenAddress = ListenAddress.extend({
  host: z.union([z.literal("localhost"), z.ipv4(), z.ipv6()], {
    error: "give an IP address of this machine to listen on (127.0.0.1 for this machine only, 0.0.0.0 or a LAN address for the network), or localhost",
  }),
});

/** Where the engine's servers listen, as saved in config.json. */
export const PortSettings = z.object({
  /** The headless dashboard and its WebSocket API. */
  dashboard: ListenAddress,
  /** The OpenAI-compatible endpoint. */
  openAi: ListenAddress,
  /** The relay miner, which gateways call (0.0.0.0 listens on every interface, for port forwarding). */
  relay: ListenAddress,
  /** Prometheus /metrics of the relay miner. */
  metrics: ListenAddress.extend({ enabled: z.boolean() }),
});
export type PortSettings = z.infer<typeof PortSettings>;

export const PortsView = z.object({
  saved: PortSettings,
  /** Saved values this engine does not use yet (the dashboard and OpenAI ports change at the next start, or flags override them). */
  pendingRestart: z.array(z.enum(["dashboard", "openAi"])),
  /** What this engine listens on for those two now (from command-line flags, or before the last change). */
  running: z.object({ dashboard: ListenAddress, openAi: ListenAddress }),
});
export type PortsView = z.infer<typeof PortsView>;

/** One step of the engine's start (probing GPUs, starting workers, loading the last model, …). */
export const StartupStep = z.object({
  id: z.string(),
  label: z.string(),
  state: z.enum(["pending", "running", "done", "failed"]),
  /** Why it failed, or a detail worth showing (the model's name). */
  detail: z.string().nullable(),
});
export type StartupStep = z.infer<typeof StartupStep>;

/** Where the engine's start stands: the desktop window opens at once and shows this until the engine is ready. */
export const EngineStartup = z.object({
  state: z.enum(["starting", "ready", "failed"]),
  steps: z.array(StartupStep),
  /** What stopped the start, and what to do, when state is failed. */
  error: z.string().nullable(),
});
export type EngineStartup = z.infer<typeof EngineStartup>;

export const appMethods = {
  "app.startup": method(z.object({}).strict(), EngineStartup, "How far the engine's start has got; every other method answers once it is ready"),
  "app.info": method(z.object({}).strict(), AppInfo, "Version, platform, data folder and network of the running engine"),
  "logs.tail": method(
    z.object({ limit: z.number().int().min(1).max(5000).default(200), minLevel: LogLevel.default("info") }).strict(),
    z.array(LogEntry),
    "The most recent log lines, newest last",
  ),
  "app.openFolder": method(
    z.object({ folder: AppFolder }).strict(),
    z.object({ opened: z.boolean(), path: z.string() }),
    "Open one of the engine's folders in the file manager (desktop); headless engines only return its path",
  ),
  "app.ports": method(z.object({}).strict(), PortsView, "Where the dashboard, OpenAI endpoint, relay miner and metrics listen"),
  "app.setPorts": method(
    PortSettings.extend({
      dashboard: NewListenAddress,
      openAi: NewListenAddress,
      relay: NewListenAddress,
      metrics: NewListenAddress.extend({ enabled: z.boolean() }),
    })
      .partial()
      .extend({
        /** Asked when the change opens a listener beyond loopback (while a wallet exists). */
        passphrase: Passphrase.optional(),
      })
      .strict(),
    PortsView,
    "Change listen addresses; a running relay miner restarts on its new address, the others take effect at the next start",
  ),
  "app.diagnostics": method(
    z.object({}).strict(),
    DiagnosticsBundle,
    "A diagnostics bundle without secrets: versions, settings, hardware, models, wallet addresses and recent logs",
  ),
};

export const appEvents = {
  "log.entry": LogEntry,
  "app.startup": EngineStartup,
};
