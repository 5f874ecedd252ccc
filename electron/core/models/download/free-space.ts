import { statfs } from "node:fs/promises";
import { formatBytes } from "../../../../shared/format.js";
import { DownloadError } from "./errors.js";

/** Bytes a non-root user may still write in the filesystem holding `dir`. */
export type FreeSpaceProbe = (dir: string) => Promise<number>;

export const statfsProbe: FreeSpaceProbe = async (dir) => {
  const stats = await statfs(dir);
  return Number(stats.bavail) * Number(stats.bsize);
};

/** Left free beyond the download itself so the index, logs and ledger can still be written afterwards. */
export const FREE_SPACE_MARGIN_BYTES = 64 * 1024 * 1024;

/** Refuses to start writing `neededBytes` into `dir` when they would not fit, saying how much to free. */
export async function ensureFreeSpace(dir: string, neededBytes: number, probe: FreeSpaceProbe = statfsProbe): Promise<void> {
  if (neededBytes <= 0) return;
  const available = await probe(dir);
  const wanted = neededBytes + FREE_SPACE_MARGIN_BYTES;
  if (available >= wanted) return;
  throw new DownloadError(
    "no_space",
    `Not enough disk space: this download needs ${formatBytes(wanted)} but only ${formatBytes(available)} is free in ${dir}. ` +
      `Free up ${formatBytes(wanted - available)} (or pick a smaller model), then resume.`,
    { neededBytes: wanted, availableBytes: available, dir },
  );
}
