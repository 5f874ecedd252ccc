import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { ApiError } from "../../../shared/api/index.js";
import {
  KEYSTORE_FORMAT,
  headerBytes,
  headerOf,
  keystoreCorrupt,
  type KdfEntry,
  type KeystoreFile,
  type KeystoreHeader,
  type RolesEntry,
} from "./keystore-file.js";
import { checkMatches, deriveKeystoreKeys, type KeystoreKeys, type ScryptParams } from "./kdf.js";

/** A decrypted account: what the keystore holds, in memory, for the short time a file is opened or sealed. */
export type AccountSecret = { kind: "mnemonic"; mnemonic: string } | { kind: "private_key"; privateKey: Uint8Array };

export interface VaultAccount {
  address: string;
  label: string;
  hdPath: string | null;
  publicKeyHex: string;
  createdAt: number;
  secret: AccountSecret;
}

export interface Vault {
  roles: RolesEntry;
  accounts: VaultAccount[];
}

/** The KDF half of a keystore: which salt and cost turn the passphrase into `keys`. */
export interface KdfSetting {
  params: ScryptParams;
  salt: Uint8Array;
}

export function kdfSettingOf(file: KeystoreFile): KdfSetting {
  return { params: { n: file.kdf.n, r: file.kdf.r, p: file.kdf.p }, salt: Buffer.from(file.kdf.salt, "hex") };
}

/** Derives the keys of an existing file from a passphrase; throws ApiError("wrong_passphrase") when it is not the one. */
export async function keysForFile(file: KeystoreFile, passphrase: string): Promise<KeystoreKeys> {
  const setting = kdfSettingOf(file);
  const keys = await deriveKeystoreKeys(passphrase, setting.salt, setting.params);
  if (!keysMatchFile(file, keys)) throw new ApiError("wrong_passphrase", "That passphrase does not unlock this wallet");
  return keys;
}

export function keysMatchFile(file: KeystoreFile, keys: KeystoreKeys): boolean {
  return checkMatches(keys, Buffer.from(file.kdf.passphraseCheck, "hex"));
}

export function sealVault(vault: Vault, setting: KdfSetting, keys: KeystoreKeys): KeystoreFile {
  const kdf: KdfEntry = {
    algorithm: "scrypt",
    ...setting.params,
    salt: Buffer.from(setting.salt).toString("hex"),
    passphraseCheck: Buffer.from(keys.passphraseCheck).toString("hex"),
  };
  const header: KeystoreHeader = {
    format: KEYSTORE_FORMAT,
    kdf,
    cipher: "aes-256-gcm",
    roles: { operator: vault.roles.operator, owner: vault.roles.owner },
    accounts: vault.accounts.map((account) => ({
      address: account.address,
      label: account.label,
      kind: account.secret.kind,
      hdPath: account.hdPath,
      publicKey: account.publicKeyHex,
      createdAt: account.createdAt,
    })),
  };
  const aadPrefix = headerBytes(header);
  return {
    ...header,
    accounts: header.accounts.map((meta, index) => {
      const plaintext = secretToBytes(vault.accounts[index].secret);
      try {
        return { ...meta, secret: encrypt(keys.encryptionKey, plaintext, associatedData(aadPrefix, meta.address)) };
      } finally {
        plaintext.fill(0);
      }
    }),
  };
}

/** Decrypts every secret; a secret that fails authentication under the right passphrase means tampering. */
export function openVault(file: KeystoreFile, keys: KeystoreKeys): Vault {
  const aadPrefix = headerBytes(headerOf(file));
  return {
    roles: { ...file.roles },
    accounts: file.accounts.map((entry) => ({
      address: entry.address,
      label: entry.label,
      hdPath: entry.hdPath,
      publicKeyHex: entry.publicKey,
      createdAt: entry.createdAt,
      secret: bytesToSecret(entry.kind, decrypt(keys.encryptionKey, entry.secret, associatedData(aadPrefix, entry.address))),
    })),
  };
}

/** Decrypts one account's secret (reveal), still authenticating it against the whole header. */
export function openAccountSecret(file: KeystoreFile, keys: KeystoreKeys, address: string): AccountSecret | null {
  const entry = file.accounts.find((a) => a.address === address);
  if (!entry) return null;
  const plaintext = decrypt(keys.encryptionKey, entry.secret, associatedData(headerBytes(headerOf(file)), address));
  return bytesToSecret(entry.kind, plaintext);
}

export function wipeVault(vault: Vault): void {
  for (const account of vault.accounts) if (account.secret.kind === "private_key") account.secret.privateKey.fill(0);
}

function associatedData(headerBytes: Uint8Array, address: string): Buffer {
  // The address after the header binds each ciphertext to its own account: swapping two accounts' secrets fails.
  return Buffer.concat([headerBytes, Buffer.from([0]), Buffer.from(address, "utf8")]);
}

function encrypt(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array) {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { nonce: nonce.toString("hex"), ciphertext: ciphertext.toString("hex"), tag: cipher.getAuthTag().toString("hex") };
}

function decrypt(key: Uint8Array, sealed: { nonce: string; ciphertext: string; tag: string }, aad: Uint8Array): Uint8Array {
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(sealed.nonce, "hex"));
    decipher.setAAD(aad);
    decipher.setAuthTag(Buffer.from(sealed.tag, "hex"));
    return new Uint8Array(Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, "hex")), decipher.final()]));
  } catch {
    throw keystoreCorrupt(
      "tampered",
      "The keystore file was altered: an encrypted key no longer matches the file's other fields. " +
        "Do not trust its addresses or owner settings; restore it from a backup or re-import your recovery phrase.",
    );
  }
}

function secretToBytes(secret: AccountSecret): Uint8Array {
  return secret.kind === "mnemonic" ? new TextEncoder().encode(secret.mnemonic) : Uint8Array.from(secret.privateKey);
}

function bytesToSecret(kind: "mnemonic" | "private_key", bytes: Uint8Array): AccountSecret {
  if (kind === "private_key") {
    if (bytes.length !== 32) throw keystoreCorrupt("tampered", "The keystore holds a private key of the wrong length");
    return { kind, privateKey: bytes };
  }
  const mnemonic = new TextDecoder().decode(bytes);
  bytes.fill(0);
  return { kind, mnemonic };
}
