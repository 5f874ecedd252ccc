import { stat } from "node:fs/promises";
import { ApiError } from "../../../shared/api/index.js";
import { formatBytes } from "../../../shared/format.js";
import { DownloadError, throwIfStopped } from "./download/errors.js";
import { SequentialVerifiedWriter, type Expectation, type FinishedFile } from "./download/verified-writer.js";
import type { OpenWriteTarget } from "./download/write-target.js";
import { readFileChunks } from "./file-hash.js";
import { hasGgufMagic } from "./gguf.js";
import { unreadableFileError } from "./model-paths.js";

export interface LocalImportOptions {
  sourcePath: string;
  /** Where the copy is written before it is committed to its final name. */
  partialPath: string;
  openTarget: OpenWriteTarget;
  expected: Expectation;
  reserve(totalBytes: number, presentBytes: number): Promise<void>;
  signal?: AbortSignal;
  onBytes?(bytes: number): void;
}

/**
 * Copies a GGUF file from anywhere on disk into the models folder, hashing it on the way. A copy (not a link) so the
 * installed model cannot change or vanish behind the index's back when the original is edited or deleted.
 */
export async function copyVerified(options: LocalImportOptions): Promise<FinishedFile> {
  const { sourcePath } = options;
  // The path came from the user: a missing or unreadable file is theirs to fix, not an internal error.
  const info = await stat(sourcePath).catch((error: unknown) => {
    throw unreadableFileError(sourcePath, error);
  });
  if (!info.isFile()) throw new ApiError("invalid_params", `${sourcePath} is a folder, not a file: give the path of a .gguf file.`, { field: "path" });
  if (!(await hasGgufMagic(sourcePath))) {
    throw new DownloadError("not_gguf", `${sourcePath} is not a GGUF model (it does not start with "GGUF"); llama.cpp loads .gguf files only.`);
  }
  if (options.expected.sizeBytes !== undefined && info.size !== options.expected.sizeBytes) {
    throw new DownloadError(
      "substituted",
      `${sourcePath} is ${formatBytes(info.size)} (${info.size} bytes) but the catalog lists ${options.expected.sizeBytes} bytes for this model: it is a different file.`,
    );
  }
  await options.reserve(info.size, 0);
  const writer = await SequentialVerifiedWriter.open(options.partialPath, options.openTarget, options.expected, false);
  try {
    for await (const chunk of readFileChunks(sourcePath)) {
      if (options.signal) throwIfStopped(options.signal);
      await writer.append(chunk);
      options.onBytes?.(chunk.length);
    }
  } catch (error) {
    await writer.close();
    throw error;
  }
  return writer.finish();
}
