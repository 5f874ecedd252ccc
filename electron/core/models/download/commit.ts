import { mkdirSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import { syncDirectory } from "../../runtime/atomic-file.js";

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
