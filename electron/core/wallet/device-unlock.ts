import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { ApiError, type DeviceUnlockAvailability } from "../../../shared/api/index.js";
import { writeFileAtomic } from "../util/atomic-file.js";
import { SECRET_FILE_MODE } from "./keystore-store.js";

/**
 * The OS credential store that can wrap the wallet key so the engine unlocks by itself after a reboot ("remember on
 * this device"). Electron's safeStorage in the app; absent when headless. Injected, because core never imports
 * electron.
 */
export interface DeviceSecretStore {
  availability(): Exclude<DeviceUnlockAvailability, "not_supported">;
  encrypt(secret: Uint8Array): Uint8Array;
  decrypt(wrapped: Uint8Array): Uint8Array;
}

/** The part of Electron's `safeStorage` this needs, so main can pass `safeStorage` itself. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Uint8Array;
  decryptString(encrypted: Buffer): string;
  /** Linux only: "basic_text" means a hard-coded password protects nothing. */
  getSelectedStorageBackend?(): string;
}

export function deviceSecretStoreFromSafeStorage(safeStorage: SafeStorageLike, platform = process.platform): DeviceSecretStore {
  return {
    availability() {
      if (platform === "linux") {
        const backend = safeStorage.getSelectedStorageBackend?.() ?? "unknown";
        if (backend === "basic_text") return "plain_text_only";
        if (backend === "unknown") return "unavailable";
      }
      return safeStorage.isEncryptionAvailable() ? "available" : "unavailable";
    },
    encrypt: (secret) => safeStorage.encryptString(Buffer.from(secret).toString("hex")),
    decrypt: (wrapped) => Uint8Array.from(Buffer.from(safeStorage.decryptString(Buffer.from(wrapped)), "hex")),
  };
}

/** Throws the error a user sees when they ask to be remembered on a device that cannot protect the key. */
export function assertCanRemember(store: DeviceSecretStore | undefined): DeviceSecretStore {
  const availability = store ? store.availability() : "not_supported";
  if (availability === "available") return store!;
  const messages: Record<Exclude<DeviceUnlockAvailability, "available">, string> = {
    plain_text_only:
      "This system has no secure credential store: Electron's safeStorage only offers its plain-text backend " +
      "(basic_text), which would leave the wallet key readable by anyone who copies your files. Install and unlock " +
      "a keyring (GNOME Keyring / KWallet) and restart PocketForge, or type the passphrase at each start.",
    unavailable: "The system credential store cannot encrypt right now (is the keyring locked?). Try again after unlocking it.",
    not_supported: "Remembering the wallet needs the desktop app's system credential store; the headless engine has none.",
  };
  throw new ApiError("unavailable", messages[availability], { reason: `device_store_${availability}` });
}

export const DEVICE_UNLOCK_FORMAT = "pocketforge-device-unlock-v1";

const DeviceUnlockRecord = z.object({
  format: z.literal(DEVICE_UNLOCK_FORMAT),
  /** Salt of the keystore this key belongs to: a changed passphrase or a replaced keystore makes it stale. */
  keystoreSalt: z.string(),
  wrappedKey: z.string(),
}).strict();
export type DeviceUnlockRecord = z.infer<typeof DeviceUnlockRecord>;

export function readDeviceUnlock(path: string): DeviceUnlockRecord | null {
  if (!existsSync(path)) return null;
  try {
    return DeviceUnlockRecord.parse(JSON.parse(readFileSync(path, "utf8")));
  } catch {
    return null;
  }
}

export function writeDeviceUnlock(path: string, keystoreSalt: string, wrappedKey: Uint8Array): void {
  const record: DeviceUnlockRecord = {
    format: DEVICE_UNLOCK_FORMAT,
    keystoreSalt,
    wrappedKey: Buffer.from(wrappedKey).toString("base64"),
  };
  writeFileAtomic(path, JSON.stringify(record, null, 2) + "\n", SECRET_FILE_MODE);
}
