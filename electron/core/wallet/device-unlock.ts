import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { ApiError, type DeviceUnlockAvailability } from "../../../shared/api/index.js";
import type { Logger } from "../runtime/logger.js";
import { writeFileAtomic } from "../runtime/atomic-file.js";
import { keysFromMaster, wipeKeys, type KeystoreKeys } from "./kdf.js";
import type { AnyKeystoreFile } from "./keystore-file.js";
import { SECRET_FILE_MODE, removeSecretFile } from "./keystore-store.js";
import { keysMatchFile } from "./keystore-vault.js";

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
type DeviceUnlockRecord = z.infer<typeof DeviceUnlockRecord>;

/**
 * "Remember on this device": the keystore's master key wrapped by the OS keychain, in a file beside the keystore
 * (never inside it, so a copied keystore does not carry it to another machine).
 */
export class DeviceUnlock {
  private rememberedNow = false;

  constructor(
    private readonly path: string,
    private readonly store: DeviceSecretStore | undefined,
    private readonly log: Logger,
  ) {}

  get remembered(): boolean {
    return this.rememberedNow;
  }

  availability(): DeviceUnlockAvailability {
    return this.store?.availability() ?? "not_supported";
  }

  /** Throws the user-facing reason when this device cannot protect a remembered key. */
  assertCanRemember(): void {
    assertCanRemember(this.store);
  }

  load(): void {
    this.rememberedNow = this.read() !== null;
  }

  remember(keystoreSalt: string, master: Uint8Array): void {
    const store = assertCanRemember(this.store);
    const record: DeviceUnlockRecord = {
      format: DEVICE_UNLOCK_FORMAT,
      keystoreSalt,
      wrappedKey: Buffer.from(store.encrypt(master)).toString("base64"),
    };
    writeFileAtomic(this.path, JSON.stringify(record, null, 2) + "\n", SECRET_FILE_MODE);
    this.rememberedNow = true;
  }

  /** After a passphrase change the remembered key is stale: wrap the new one, or forget it if the store is gone. */
  rewrap(keystoreSalt: string, master: Uint8Array): void {
    try {
      this.remember(keystoreSalt, master);
    } catch (error) {
      this.forget();
      this.log.warn("could not remember the new passphrase on this device; unlock by hand after a restart", { error });
    }
  }

  forget(): void {
    removeSecretFile(this.path);
    this.rememberedNow = false;
  }

  /** The keys remembered for `file`, or null (reason logged). A record that can never work again is forgotten. */
  recall(file: AnyKeystoreFile): KeystoreKeys | null {
    const record = this.read();
    if (!record) return null;
    if (!this.store || this.store.availability() !== "available") {
      this.log.warn("the wallet is remembered on this device but the system keychain is not available; unlock it by hand");
      return null;
    }
    if (record.keystoreSalt !== file.kdf.salt) {
      this.log.warn("the remembered wallet key belongs to another keystore; forgetting it");
      this.forget();
      return null;
    }
    let keys: KeystoreKeys;
    try {
      keys = keysFromMaster(this.store.decrypt(Buffer.from(record.wrappedKey, "base64")));
    } catch (error) {
      this.log.warn("the system keychain could not unwrap the remembered wallet key", { error });
      return null;
    }
    if (!keysMatchFile(file, keys)) {
      wipeKeys(keys);
      this.log.warn("the remembered wallet key no longer opens the keystore; forgetting it");
      this.forget();
      return null;
    }
    return keys;
  }

  private read(): DeviceUnlockRecord | null {
    if (!existsSync(this.path)) return null;
    try {
      return DeviceUnlockRecord.parse(JSON.parse(readFileSync(this.path, "utf8")));
    } catch {
      return null;
    }
  }
}
