import { closeSync, fsyncSync, mkdirSync, openSync, renameSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Moves a finished, synced partial file to its final name in one rename and makes the rename itself durable, so a
 * crash leaves either the partial file or the complete model, never a half-written model under the final name.
 */
export function commitFile(partialPath: string, finalPath: string): void {
  mkdirSync(dirname(finalPath), { recursive: true });
  renameSync(partialPath, finalPath);
  syncDirectory(dirname(finalPath));
  if (dirname(partialPath) !== dirname(finalPath)) syncDirectory(dirname(partialPath));
}

function syncDirectory(dir: string): void {
  // Windows cannot open folders for fsync; NTFS journals the rename itself.
  if (process.platform === "win32") return;
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
