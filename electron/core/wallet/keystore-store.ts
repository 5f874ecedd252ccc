import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../runtime/atomic-file.js";
import { parseKeystore, serializeKeystore, type KeystoreFile } from "./keystore-file.js";

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
export function readKeystoreFile(path: string): KeystoreFile | null {
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
