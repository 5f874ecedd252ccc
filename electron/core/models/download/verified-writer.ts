import { createHash, type Hash } from "node:crypto";
import { rm } from "node:fs/promises";
import { formatBytes } from "../../../../shared/format.js";
import { DownloadError, isDiskFull } from "./errors.js";
import type { OpenWriteTarget, WriteTarget } from "./write-target.js";

/** Bytes read at a time when re-hashing a partial file on resume. */
const REHASH_CHUNK = 4 * 1024 * 1024;

export interface Expectation {
  /** Lowercase hex; when absent the file's hash is computed and reported but cannot be checked. */
  sha256?: string;
  sizeBytes?: number;
}

export interface FinishedFile {
  sha256: string;
  sizeBytes: number;
}

/**
 * Appends a stream of bytes to a partial file while hashing it. On resume it first hashes what is already on disk,
 * so the sha256 covers the whole file however many sessions it took. `finish` syncs the file and refuses it (and
 * deletes it) when its size or sha256 differ from what the catalog promised.
 */
export class SequentialVerifiedWriter {
  private hash: Hash = createHash("sha256");
  private position = 0;

  private constructor(
    readonly path: string,
    private readonly target: WriteTarget,
    private readonly expected: Expectation,
  ) {}

  /** Opens `path`, keeping (and hashing) what a previous session wrote when `resume` is true. */
  static async open(path: string, openTarget: OpenWriteTarget, expected: Expectation, resume: boolean): Promise<SequentialVerifiedWriter> {
    const target = await openTarget(path);
    const writer = new SequentialVerifiedWriter(path, target, expected);
    try {
      const existing = resume ? await target.size() : 0;
      if (!resume) await target.truncate(0);
      if (expected.sizeBytes !== undefined && existing > expected.sizeBytes) await writer.reset();
      else await writer.rehash(existing);
    } catch (error) {
      await target.close().catch(() => {});
      throw error;
    }
    return writer;
  }

  /** Bytes in the file so far (where the next Range request starts). */
  get offset(): number {
    return this.position;
  }

  async append(chunk: Uint8Array): Promise<void> {
    if (this.expected.sizeBytes !== undefined && this.position + chunk.length > this.expected.sizeBytes) {
      throw new DownloadError(
        "substituted",
        `The source sent more than the ${formatBytes(this.expected.sizeBytes)} the catalog lists for this model; it is not the expected file.`,
      );
    }
    try {
      await this.target.write(chunk, this.position);
    } catch (error) {
      throw writeFailure(error, this.path);
    }
    this.hash.update(chunk);
    this.position += chunk.length;
  }

  /** Starts over from byte 0 (the source ignored the Range request or the content changed). */
  async reset(): Promise<void> {
    await this.target.truncate(0);
    this.hash = createHash("sha256");
    this.position = 0;
  }

  /** Syncs the data, checks size and sha256, and closes; a mismatch deletes the partial file and throws. */
  async finish(): Promise<FinishedFile> {
    try {
      await this.target.sync();
    } catch (error) {
      await this.target.close().catch(() => {});
      throw writeFailure(error, this.path);
    }
    await this.target.close();
    const result = { sha256: this.hash.digest("hex"), sizeBytes: this.position };
    const problem = mismatch(result, this.expected);
    if (problem) {
      await rm(this.path, { force: true });
      await rm(`${this.path}.validator`, { force: true });
      throw problem;
    }
    return result;
  }

  /** Closes without checking, keeping the partial file for a later resume. */
  async close(): Promise<void> {
    await this.target.sync().catch(() => {});
    await this.target.close().catch(() => {});
  }

  private async rehash(length: number): Promise<void> {
    for (let at = 0; at < length; at += REHASH_CHUNK) {
      const piece = await this.target.read(at, Math.min(REHASH_CHUNK, length - at));
      this.hash.update(piece);
      this.position += piece.length;
      if (piece.length === 0) break;
    }
  }
}

/** Compares a finished file with the catalog's promise; null when it matches (or nothing was promised). */
export function mismatch(actual: FinishedFile, expected: Expectation): DownloadError | null {
  if (expected.sizeBytes !== undefined && actual.sizeBytes !== expected.sizeBytes) {
    return new DownloadError(
      "substituted",
      `The downloaded file is ${formatBytes(actual.sizeBytes)} (${actual.sizeBytes} bytes) but the catalog lists ${expected.sizeBytes} bytes: ` +
        "it is not the expected model and was deleted. Try another source.",
      { actualSize: actual.sizeBytes, expectedSize: expected.sizeBytes },
    );
  }
  if (expected.sha256 !== undefined && actual.sha256 !== expected.sha256) {
    return new DownloadError(
      "substituted",
      `The downloaded file's sha256 is ${actual.sha256}, not the ${expected.sha256} the catalog pins: the file was corrupted ` +
        "or substituted, so it was deleted and not installed. Try another source.",
      { actualSha256: actual.sha256, expectedSha256: expected.sha256 },
    );
  }
  return null;
}

/** Turns a failed write into a sentence; a full disk gets its own reason so the UI can say "free some space". */
export function writeFailure(error: unknown, path: string): DownloadError {
  if (error instanceof DownloadError) return error;
  if (isDiskFull(error)) {
    return new DownloadError(
      "no_space",
      `The disk filled up while writing ${path}. Free some space, then resume: the part already downloaded is kept.`,
    );
  }
  return new DownloadError("io", `Could not write ${path}: ${error instanceof Error ? error.message : String(error)}`);
}
