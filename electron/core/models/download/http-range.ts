import { readFile, rm, writeFile } from "node:fs/promises";
import { formatBytes } from "../../../../shared/format.js";
import { DownloadError, describeError, hostOf, stopReason, summarizeFailures } from "./errors.js";
import { backoffDelay, type RetryPolicy, type Sleep } from "./retry.js";
import type { SequentialVerifiedWriter } from "./verified-writer.js";

export interface RangeDownloadOptions {
  /** Mirrors of the same bytes, tried in order; a mirror that answers 4xx or offers the wrong size is dropped. */
  urls: string[];
  writer: SequentialVerifiedWriter;
  fetch: typeof fetch;
  signal: AbortSignal;
  retry: RetryPolicy;
  sleep: Sleep;
  expectedSize?: number;
  /** Called before bytes are written, once the total is known: the free-space check. */
  reserve(totalBytes: number, presentBytes: number): Promise<void>;
  onBytes(bytes: number): void;
  /** The bytes on disk were discarded and the download starts from byte 0 again (progress goes back to zero). */
  onRestart?(): void;
  onSource?(url: string): void;
  /** A connection that delivers nothing for this long is dropped and retried. */
  idleTimeoutMs?: number;
}

export interface RangeDownloadResult {
  url: string;
  /** Bytes received over the network in this session (resumed bytes excluded). */
  bytesTransferred: number;
}

/** A failure that another attempt (or another mirror) may not hit. */
class TransferError extends Error {
  constructor(
    message: string,
    /** True when retrying the same URL is pointless (404, wrong size, wrong file). */
    readonly permanent: boolean,
    readonly substituted = false,
  ) {
    super(message);
  }
}

/**
 * Downloads one file over HTTP(S) into a verified writer, resuming with `Range: bytes=N-` after every interruption,
 * failing over between mirrors and backing off between rounds. A server that ignores Range is handled by starting
 * over from byte 0, so the sha256 in the writer always covers exactly the bytes on disk.
 */
export async function downloadWithRanges(options: RangeDownloadOptions): Promise<RangeDownloadResult> {
  const { urls, writer, signal, retry } = options;
  const dead = new Set<string>();
  const failures: string[] = [];
  let transferred = 0;
  let fruitlessRounds = 0;
  let lastSubstitution: string | null = null;
  while (true) {
    const live = urls.filter((url) => !dead.has(url));
    if (live.length === 0) break;
    let progressed = false;
    for (const url of live) {
      const before = writer.offset;
      try {
        options.onSource?.(url);
        transferred += await fetchOnce(url, options);
        return { url, bytesTransferred: transferred };
      } catch (error) {
        const stopped = stopReason(signal);
        if (stopped) throw stopped;
        if (error instanceof DownloadError) throw error;
        if (error instanceof TransferError && error.permanent) dead.add(url);
        if (error instanceof TransferError && error.substituted) lastSubstitution = error.message;
        failures.push(`${hostOf(url)}: ${describeError(error)}`);
        const gained = writer.offset - before;
        if (gained > 0) {
          transferred += gained;
          progressed = true;
        }
      }
    }
    fruitlessRounds = progressed ? 0 : fruitlessRounds + 1;
    if (fruitlessRounds >= retry.attempts || dead.size === urls.length) break;
    await options.sleep(backoffDelay(retry, Math.max(1, fruitlessRounds)), signal);
    const stopped = stopReason(signal);
    if (stopped) throw stopped;
  }
  if (lastSubstitution && dead.size === urls.length) {
    throw new DownloadError("substituted", `${lastSubstitution} No other source had the right file.`);
  }
  const partial = writer.offset > 0 ? ` The ${formatBytes(writer.offset)} already downloaded are kept for a resume.` : "";
  throw new DownloadError(
    "unreachable",
    `Could not download the model: ${summarizeFailures(failures)}. Check the internet connection or try again later.${partial}`,
    { failures: failures.slice(-10) },
  );
}

/** One request from the writer's current offset to the end; returns the bytes it received. */
async function fetchOnce(url: string, options: RangeDownloadOptions): Promise<number> {
  const { writer, expectedSize } = options;
  const offset = writer.offset;
  if (expectedSize !== undefined && offset === expectedSize) return 0;

  const idle = new AbortController();
  const signal = AbortSignal.any([options.signal, idle.signal]);
  const headers: Record<string, string> = {};
  if (offset > 0) {
    headers.range = `bytes=${offset}-`;
    // The bytes on disk came from a response with this validator: a server whose file changed since answers 200.
    const validator = await readValidator(writer.path);
    if (validator) headers["if-range"] = validator;
  }
  const idleMs = options.idleTimeoutMs ?? 60_000;
  let timer = setTimeout(() => idle.abort(new Error(`no data for ${idleMs / 1000} s`)), idleMs);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(new Error(`no data for ${idleMs / 1000} s`)), idleMs);
  };
  try {
    const response = await options
      .fetch(url, { headers, signal, redirect: "follow" })
      .catch((error) => {
        throw new TransferError(networkMessage(error, idle.signal), false);
      });
    let total: number | null;
    if (response.status === 206) {
      const range = parseContentRange(response.headers.get("content-range"));
      if (!range || range.start !== offset) {
        await response.body?.cancel();
        throw new TransferError(`the server answered a Range request for byte ${offset} with ${response.headers.get("content-range")}`, false);
      }
      total = range.total;
    } else if (response.status === 200) {
      // The server ignored Range (or the file changed): keep nothing from before, or the hash would be wrong.
      if (offset > 0) {
        await writer.reset();
        options.onRestart?.();
      }
      const length = response.headers.get("content-length");
      total = length === null ? null : Number(length);
    } else if (response.status === 416 && offset > 0) {
      await response.body?.cancel();
      const range = parseContentRange(response.headers.get("content-range"));
      if (range?.total === offset) return 0;
      await writer.reset();
      options.onRestart?.();
      throw new TransferError("the server refused the resume point; starting over", false);
    } else {
      await response.body?.cancel();
      const permanent = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
      throw new TransferError(`HTTP ${response.status}`, permanent);
    }
    if (total !== null && expectedSize !== undefined && total !== expectedSize) {
      await response.body?.cancel();
      throw new TransferError(
        `offers ${total} bytes but the catalog lists ${expectedSize}: not the expected file.`,
        true,
        true,
      );
    }
    try {
      await options.reserve(total ?? expectedSize ?? 0, writer.offset);
    } catch (error) {
      await response.body?.cancel();
      throw error;
    }
    if (response.status === 200) await writeValidator(writer.path, response.headers);
    const received = await pump(response, options, touch, idle.signal);
    if (total !== null && writer.offset < total) {
      throw new TransferError(`the connection closed after ${formatBytes(writer.offset)} of ${formatBytes(total)}`, false);
    }
    return received;
  } finally {
    clearTimeout(timer);
  }
}

async function pump(response: Response, options: RangeDownloadOptions, touch: () => void, idle: AbortSignal): Promise<number> {
  if (!response.body) return 0;
  const reader = response.body.getReader();
  let received = 0;
  try {
    while (true) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw new TransferError(networkMessage(error, idle), false);
      }
      if (chunk.done) return received;
      touch();
      await options.writer.append(chunk.value);
      received += chunk.value.length;
      options.onBytes(chunk.value.length);
    }
  } finally {
    reader.releaseLock();
  }
}

/** Beside the partial file: the strong ETag (or Last-Modified) of the response its first byte came from. */
async function readValidator(partialPath: string): Promise<string | null> {
  return readFile(`${partialPath}.validator`, "utf8").then((v) => v.trim() || null, () => null);
}

async function writeValidator(partialPath: string, headers: Headers): Promise<void> {
  const etag = headers.get("etag");
  // If-Range needs a strong validator: a weak ETag (W/"…") could match changed bytes.
  const validator = etag && !etag.startsWith("W/") ? etag : headers.get("last-modified");
  if (validator) await writeFile(`${partialPath}.validator`, validator, { mode: 0o600 });
  else await rm(`${partialPath}.validator`, { force: true });
}

function parseContentRange(value: string | null): { start: number; total: number | null } | null {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value ?? "") ?? /^bytes \*\/(\d+)$/.exec(value ?? "");
  if (!match) return null;
  if (match.length === 2) return { start: -1, total: Number(match[1]) };
  return { start: Number(match[1]), total: match[3] === "*" ? null : Number(match[3]) };
}

function networkMessage(error: unknown, idle: AbortSignal): string {
  if (idle.aborted) return describeError(idle.reason);
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ? `${cause.code}${cause.message ? ` (${cause.message})` : ""}` : describeError(error);
}
