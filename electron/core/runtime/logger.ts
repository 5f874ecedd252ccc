import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { LRUCache } from "lru-cache";
import { pino, type Logger as PinoLogger } from "pino";
import { createStream, type RotatingFileStream } from "rotating-file-stream";
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
  /**
   * How many entries with the same level, scope and message are written per window; the rest are counted and
   * summarised in one entry when the window ends (DEFAULT_REPEAT_LIMIT).
   */
  repeatLimit?: RepeatLimit;
}

export interface RepeatLimit {
  perWindow: number;
  windowMs: number;
}

/**
 * 20 identical lines a minute: a flood of malformed requests (each refused with a warning) must not rotate the
 * records that matter, such as wrong passphrases, out of the files, the ring or the Logs page.
 */
export const DEFAULT_REPEAT_LIMIT: RepeatLimit = { perWindow: 20, windowMs: 60_000 };

/** Entries of one level, scope and message within the current window. */
interface Repeats {
  first: LogEntry;
  since: number;
  written: number;
  suppressed: number;
  timer?: NodeJS.Timeout;
}

/** Field names whose values never reach a log line, whatever the caller passes. */
const SECRET_FIELD = /mnemonic|passphrase|password|private|secret|seed|token/i;

const FILE_NAME = "pocketforge.log";

/**
 * Structured JSON-lines logging to a size-rotated file (pocketforge.log, .1, .2 …) plus an in-memory ring the
 * Logs page reads. Secret-looking fields are redacted here, once, rather than trusted to every caller, so the
 * ring, log.entry events and the file all carry the redacted entry.
 *
 * The file is written by pino through rotating-file-stream with asynchronous I/O, so a line never blocks the
 * main process on the disk. A line is handed to the disk as soon as the one before it is written; flush()/close() wait for that, and a process
 * exit writes what is still queued synchronously (at worst a line twice, never a line lost). A file is rotated
 * once it reaches maxFileBytes, so a rotated file holds at most maxFileBytes plus the line that crossed it.
 */
export class LogSink {
  private readonly recent: LogEntry[] = [];
  private readonly recentLimit = 5000;
  private readonly level: LogLevel;
  private readonly file: string | null;
  private readonly pino: PinoLogger | null = null;
  private stream: RotatingFileStream | null = null;
  /** Lines given to the stream and not yet confirmed written, in order (what an exit would otherwise lose). */
  private readonly pending = new Set<{ line: string }>();
  private idle: Array<() => void> = [];
  private closed = false;
  private readonly repeatLimit: RepeatLimit;
  /** Bounded: a message forgotten early only starts a fresh window. */
  private readonly repeats = new LRUCache<string, Repeats>({ max: 2_000, dispose: (repeats) => this.summarise(repeats) });

  constructor(private readonly options: LogSinkOptions) {
    this.level = options.level ?? "info";
    this.repeatLimit = options.repeatLimit ?? DEFAULT_REPEAT_LIMIT;
    this.file = options.dir ? join(options.dir, FILE_NAME) : null;
    if (options.dir) {
      mkdirSync(options.dir, { recursive: true });
      this.pino = pino(
        {
          level: "debug",
          base: null,
          messageKey: "message",
          // The entry carries its own `time` (epoch ms), the one the ring and log.entry events show.
          timestamp: false,
          formatters: { level: (label) => ({ level: label }) },
        },
        // pino writes each line here; a plain object rather than a transport, so nothing is resolved from disk
        // in a worker thread (the main process is one esbuild bundle inside an asar).
        { write: (line: string) => this.toFile(line) },
      );
      if (!process.listeners("exit").includes(writeQueuedOnExit)) process.on("exit", writeQueuedOnExit);
      openSinks.add(this);
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

  /** Resolves once every line logged so far is written to the file. */
  flush(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Writes the summaries of entries suppressed so far (the window's end does it otherwise). */
  summariseRepeats(): void {
    this.repeats.clear();
  }

  /** Flushes and closes the file; later entries still reach the ring, events and the console. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.summariseRepeats();
    this.closed = true;
    openSinks.delete(this);
    await this.flush();
    const stream = this.stream;
    this.stream = null;
    if (stream) await new Promise<void>((resolve) => stream.end(() => resolve()));
  }

  private write(entry: LogEntry): void {
    if (LEVEL_RANK[entry.level] < LEVEL_RANK[this.level]) return;
    if (this.isRepeatBeyondLimit(entry)) return;
    this.record(entry);
  }

  /**
   * Counts `entry` against its level, scope and message; true once the window's share is written (it is then only
   * counted, and summarised when the window ends).
   */
  private isRepeatBeyondLimit(entry: LogEntry): boolean {
    const key = `${entry.level}\u0000${entry.scope}\u0000${entry.message}`;
    const repeats = this.repeats.get(key);
    if (repeats === undefined || entry.time - repeats.since >= this.repeatLimit.windowMs) {
      // A new window (ending the old one writes its summary).
      if (repeats !== undefined) this.repeats.delete(key);
      this.repeats.set(key, { first: entry, since: entry.time, written: 1, suppressed: 0 });
      return false;
    }
    if (repeats.written < this.repeatLimit.perWindow) {
      repeats.written++;
      return false;
    }
    repeats.suppressed++;
    if (repeats.timer === undefined) {
      repeats.timer = setTimeout(() => {
        if (this.repeats.peek(key) === repeats) this.repeats.delete(key);
      }, Math.max(0, repeats.since + this.repeatLimit.windowMs - entry.time));
      repeats.timer.unref();
    }
    return true;
  }

  /** One entry saying how many of a window's repeats were left out (nothing when none were). */
  private summarise(repeats: Repeats): void {
    if (repeats.timer) clearTimeout(repeats.timer);
    if (repeats.suppressed === 0) return;
    const { first } = repeats;
    this.record({
      time: Date.now(),
      level: first.level,
      scope: first.scope,
      message: `${repeats.suppressed} more suppressed: ${first.message}`,
      fields: { suppressed: repeats.suppressed, since: repeats.since, ...(first.fields ? { first: first.fields } : {}) },
    });
  }

  private record(entry: LogEntry): void {
    this.recent.push(entry);
    if (this.recent.length > this.recentLimit) this.recent.splice(0, this.recent.length - this.recentLimit);
    this.pino?.[entry.level]({ time: entry.time, scope: entry.scope, ...(entry.fields ? { fields: entry.fields } : {}) }, entry.message);
    if (this.options.console) process.stderr.write(`${new Date(entry.time).toISOString()} ${entry.level.padEnd(5)} [${entry.scope}] ${entry.message}${entry.fields ? " " + JSON.stringify(entry.fields) : ""}\n`);
    this.options.onEntry?.(entry);
  }

  private toFile(line: string): void {
    if (this.closed) return;
    const stream = (this.stream ??= this.openStream());
    const queued = { line };
    this.pending.add(queued);
    stream.write(line, () => {
      this.pending.delete(queued);
      if (this.pending.size === 0) for (const resolve of this.idle.splice(0)) resolve();
    });
  }

  private openStream(): RotatingFileStream {
    const stream = createStream(FILE_NAME, {
      path: this.options.dir!,
      size: `${this.options.maxFileBytes ?? 5 * 1024 * 1024}B`,
      // Classical rotation: pocketforge.log → .1 → .2 …, the oldest dropped, maxFiles files in all.
      rotate: Math.max(1, (this.options.maxFiles ?? 5) - 1),
      mode: 0o600,
    });
    stream.on("error", () => {
      // A full disk must not take the engine down; the in-memory ring still holds the entries, and the next
      // line opens a fresh stream.
      if (this.stream === stream) this.stream = null;
      this.pending.clear();
      for (const resolve of this.idle.splice(0)) resolve();
    });
    return stream;
  }

  /** On exit nothing asynchronous runs any more: what the stream has not confirmed is appended directly. */
  writeQueuedSync(): void {
    if (this.pending.size === 0) return;
    try {
      appendFileSync(this.file!, [...this.pending].map((queued) => queued.line).join(""), { mode: 0o600 });
    } catch {
      // Nothing more can be done at exit.
    }
    this.pending.clear();
  }
}

/** Sinks with a file, whose queued lines an exit must still write (one listener for all of them). */
const openSinks = new Set<LogSink>();

function writeQueuedOnExit(): void {
  for (const sink of openSinks) sink.writeQueuedSync();
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
