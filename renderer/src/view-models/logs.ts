import type { LogEntry, LogLevel } from "../../../shared/api/index.js";

export const LOG_LEVELS: LogLevel[] = ["debug", "info", "warn", "error"];

export interface LogFilter {
  minLevel: LogLevel;
  /** "" for every scope. */
  scope: string;
  /** Case-insensitive text matched against the scope, message and fields. */
  text: string;
}

export function filterLogs(logs: LogEntry[], filter: LogFilter, limit = 500): LogEntry[] {
  const rank = LOG_LEVELS.indexOf(filter.minLevel);
  const needle = filter.text.trim().toLowerCase();
  return logs
    .filter((e) => LOG_LEVELS.indexOf(e.level) >= rank)
    .filter((e) => !filter.scope || e.scope === filter.scope)
    .filter((e) => !needle || `${e.scope} ${e.message} ${e.fields ? JSON.stringify(e.fields) : ""}`.toLowerCase().includes(needle))
    .slice(-limit);
}

export function logScopes(logs: LogEntry[]): string[] {
  return [...new Set(logs.map((e) => e.scope))].sort();
}
