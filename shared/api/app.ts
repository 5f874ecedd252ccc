import { z } from "zod";
import { method } from "./define.js";

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

export const appMethods = {
  "app.info": method(z.object({}).strict(), AppInfo, "Version, platform, data folder and network of the running engine"),
  "logs.tail": method(
    z.object({ limit: z.number().int().min(1).max(5000).default(200), minLevel: LogLevel.default("info") }).strict(),
    z.array(LogEntry),
    "The most recent log lines, newest last",
  ),
};

export const appEvents = {
  "log.entry": LogEntry,
};
