import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { syncDirectory, writeFileAtomic } from "../runtime/atomic-file.js";
import { parseKeystore, serializeKeystore, type AnyKeystoreFile, type KeystoreFile } from "./keystore-file.js";

/** Owner-only: the keystore is encrypted, but nobody else on the machine needs to read or copy it. */
export const SECRET_FILE_MODE = 0o600;
const SECRET_DIR_MODE = 0o700;

/** Creates the wallet folder owner-only and removes temp files a crash mid-write left behind. */
export function prepareWalletDir(dir: string, fileNames: readonly string[]): void {
  mkdirSync(dir, { recursive: true, mode: SECRET_DIR_MODE });
  if (process.platform !== "win32") chmodSync(dir, SECRET_DIR_MODE);
  const leftovers = new Set(fileNames.map((name) => `.${name}.`));
  for (const entry of readdirSync(dir)) {
    // writeFileAtomic names its temp files ".<name>.<random>.tmp"; one still here belongs to a write that died.
    if (entry.endsWith(".tmp") && [...leftovers].some((prefix) => entry.startsWith(prefix))) {
      rmSync(join(dir, entry), { force: true });
    }
  }
}

/** The keystore at `path`, or null when there is none; throws ApiError("corrupt") when it cannot be trusted. */
export function readKeystoreFile(path: string): AnyKeystoreFile | null {
  if (!existsSync(path)) return null;
  return parseKeystore(readFileSync(path));
}

/** Replaces the keystore atomically: a crash at any point leaves the previous file whole. */
export function writeKeystoreFile(path: string, file: KeystoreFile): void {
  writeFileAtomic(path, serializeKeystore(file), SECRET_FILE_MODE);
}

export function removeSecretFile(path: string): void {
  rmSync(path, { force: true });
}

/**
 * Replaces a v1 keystore with its v2 successor so that a crash at any moment loses nothing: the v1 bytes are first
 * copied aside to `backupPath` (atomically, owner-only), then the v2 file replaces the keystore atomically and is
 * read back, and only then is the copy removed. A copy left by a crash is dealt with by `settleUpgradeBackup`.
 */
export function upgradeKeystoreFile(path: string, backupPath: string, file: KeystoreFile): void {
  writeFileAtomic(backupPath, readFileSync(path), SECRET_FILE_MODE);
  const text = serializeKeystore(file);
  writeFileAtomic(path, text, SECRET_FILE_MODE);
  if (readFileSync(path, "utf8") !== text) throw new Error("the upgraded keystore did not read back as written; the v1 copy is kept");
  rmSync(backupPath, { force: true });
}

/**
 * At start, after a crash during an upgrade: a keystore that still reads (the v1 one, or the v2 one that replaced
 * it) makes the copy redundant; no keystore at all means the copy is the keystore; an unreadable keystore keeps the
 * copy for the user. Returns what happened, for the log.
 */
export function settleUpgradeBackup(path: string, backupPath: string): "none" | "removed" | "restored" | "kept" {
  if (!existsSync(backupPath)) return "none";
  if (!existsSync(path)) {
    renameSync(backupPath, path);
    syncDirectory(dirname(path));
    return "restored";
  }
  try {
    parseKeystore(readFileSync(path));
  } catch {
    return "kept";
  }
  rmSync(backupPath, { force: true });
  return "removed";
}
