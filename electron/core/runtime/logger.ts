import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { LogEntry, LogLevel } from "../../../shared/api/index.js";

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose entries carry `scope` (e.g. "inference", "wallet"). */
  child(scope: string): Logger;
}

export interface LogSinkOptions {
  /** Folder of the log files; null keeps logs in memory only (tests). */
  dir: string | null;
  level?: LogLevel;
  maxFileBytes?: number;
  maxFiles?: number;
  /** Echo to stderr (headless mode). */
  console?: boolean;
  /** Called for each entry at or above `level` (the app forwards these as log.entry events). */
  onEntry?: (entry: LogEntry) => void;
}

/** Field names whose values never reach a log line, whatever the caller passes. */
const SECRET_FIELD = /mnemonic|passphrase|password|private|secret|seed|token/i;

/**
 * Structured JSON-lines logging to a size-rotated file (pocketforge.log, .1, .2 …) plus an in-memory ring the
 * Logs page reads. Secret-looking fields are redacted here, once, rather than trusted to every caller.
 */
export class LogSink {
  private readonly recent: LogEntry[] = [];
  private readonly recentLimit = 5000;
  private readonly level: LogLevel;
  private readonly maxFileBytes: number;
  private readonly maxFiles: number;
  private readonly file: string | null;
  private fileBytes = 0;

  constructor(private readonly options: LogSinkOptions) {
    this.level = options.level ?? "info";
    this.maxFileBytes = options.maxFileBytes ?? 5 * 1024 * 1024;
    this.maxFiles = options.maxFiles ?? 5;
    this.file = options.dir ? join(options.dir, "pocketforge.log") : null;
    if (options.dir) {
      mkdirSync(options.dir, { recursive: true });
      this.fileBytes = existsSync(this.file!) ? statSync(this.file!).size : 0;
    }
  }

  logger(scope = "app"): Logger {
    const write = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) =>
      this.write({ time: Date.now(), level, scope, message, ...(fields ? { fields: redact(fields) } : {}) });
    return {
      debug: write("debug"),
      info: write("info"),
      warn: write("warn"),
      error: write("error"),
      child: (child) => this.logger(`${scope}.${child}`),
    };
  }

  tail(limit: number, minLevel: LogLevel = "debug"): LogEntry[] {
    const wanted = this.recent.filter((e) => LEVEL_RANK[e.level] >= LEVEL_RANK[minLevel]);
    return wanted.slice(-limit);
  }

  get path(): string | null {
    return this.file;
  }

  private write(entry: LogEntry): void {
    if (LEVEL_RANK[entry.level] < LEVEL_RANK[this.level]) return;
    this.recent.push(entry);
    if (this.recent.length > this.recentLimit) this.recent.splice(0, this.recent.length - this.recentLimit);
    const line = JSON.stringify(entry) + "\n";
    if (this.file) this.append(line);
    if (this.options.console) process.stderr.write(`${new Date(entry.time).toISOString()} ${entry.level.padEnd(5)} [${entry.scope}] ${entry.message}${entry.fields ? " " + JSON.stringify(entry.fields) : ""}\n`);
    this.options.onEntry?.(entry);
  }

  private append(line: string): void {
    try {
      if (this.fileBytes + line.length > this.maxFileBytes) this.rotate();
      appendFileSync(this.file!, line, { mode: 0o600 });
      this.fileBytes += Buffer.byteLength(line);
    } catch {
      // A full disk must not take the engine down; the in-memory ring still holds the entry.
    }
  }

  private rotate(): void {
    const file = this.file!;
    rmSync(`${file}.${this.maxFiles - 1}`, { force: true });
    for (let i = this.maxFiles - 2; i >= 1; i--) {
      if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`);
    }
    if (existsSync(file)) renameSync(file, `${file}.1`);
    this.fileBytes = 0;
  }
}

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_FIELD.test(key)) out[key] = "[redacted]";
    else if (value instanceof Error) out[key] = value.message;
    else if (value && typeof value === "object" && !Array.isArray(value)) out[key] = redact(value as Record<string, unknown>);
    else out[key] = value;
  }
  return out;
}

/** A logger that drops everything: for unit tests of services that require one. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};
