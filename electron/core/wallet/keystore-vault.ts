import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { ApiError } from "../../../shared/api/index.js";
import { keyPairFromPhrase, keyPairFromPrivateKey } from "./hd-keys.js";
import { reportKeystoreActivity } from "./keystore-activity.js";
import {
  KEYSTORE_FORMAT,
  KEYSTORE_FORMAT_V1,
  bodyOf,
  headerBytesV1,
  keystoreCorrupt,
  macInput,
  type AccountEntry,
  type AccountMeta,
  type AnyKeystoreFile,
  type KeystoreBody,
  type KeystoreFile,
  type RolesEntry,
  type SealedSecret,
} from "./keystore-file.js";
import { checkMatches, deriveKeystoreKeys, wipeKeys, type KeystoreKeys, type ScryptParams } from "./kdf.js";

/**
 * A decrypted account secret, always as bytes: a recovery phrase is its normalized UTF-8 text, never a JS string
 * (which could not be wiped). Whoever holds one wipes it (`wipeSecret`) as soon as it is used; only an explicit
 * reveal turns a phrase into text.
 */
export type AccountSecret = { kind: "mnemonic"; phrase: Uint8Array } | { kind: "private_key"; privateKey: Uint8Array };

export interface VaultAccount {
  address: string;
  label: string;
  hdPath: string | null;
  publicKeyHex: string;
  createdAt: number;
  secret: AccountSecret;
}

/** Every account with its secret decrypted: only for re-encrypting them all (a new passphrase). */
export interface Vault {
  roles: RolesEntry;
  accounts: VaultAccount[];
}

/** The KDF half of a keystore: which salt and cost turn the passphrase into `keys`. */
export interface KdfSetting {
  params: ScryptParams;
  salt: Uint8Array;
}

export function kdfSettingOf(file: AnyKeystoreFile): KdfSetting {
  return { params: { n: file.kdf.n, r: file.kdf.r, p: file.kdf.p }, salt: Buffer.from(file.kdf.salt, "hex") };
}

/** Derives the keys of an existing file from a passphrase; throws ApiError("wrong_passphrase") when it is not the one. */
export async function keysForFile(file: AnyKeystoreFile, passphrase: string): Promise<KeystoreKeys> {
  const setting = kdfSettingOf(file);
  const keys = await deriveKeystoreKeys(passphrase, setting.salt, setting.params);
  if (!keysMatchFile(file, keys)) {
    wipeKeys(keys);
    throw new ApiError("wrong_passphrase", "That passphrase does not unlock this wallet");
  }
  return keys;
}

export function keysMatchFile(file: AnyKeystoreFile, keys: KeystoreKeys): boolean {
  return checkMatches(keys, Buffer.from(file.kdf.passphraseCheck, "hex"));
}

// ---- the file as a whole: its MAC ----------------------------------------------------------------------------------

/** Seals a v2 body: computes the MAC over every field. Needs the MAC key only, never the encryption key. */
export function withMac(body: KeystoreBody, macKey: Uint8Array): KeystoreFile {
  return { ...body, mac: macOf(body, macKey).toString("hex") };
}

/**
 * Checks that the file is what the holder of this passphrase last wrote: v2 by its MAC; v1 had none (its secrets'
 * associated data covered the header, so `openSecret` checks it there). @throws ApiError("corrupt", reason "tampered")
 */
export function authenticateKeystore(file: AnyKeystoreFile, macKey: Uint8Array): void {
  if (file.format !== KEYSTORE_FORMAT) return;
  const stored = Buffer.from(file.mac, "hex");
  const expected = macOf(bodyOf(file), macKey);
  if (stored.length !== expected.length || !timingSafeEqual(stored, expected)) {
    throw keystoreCorrupt(
      "tampered",
      "The keystore file was altered: its accounts, labels or owner and operator settings are not what this passphrase " +
        "last saved. Do not trust its addresses or owner settings; restore it from a backup or re-import your recovery phrase.",
    );
  }
}

/**
 * A metadata change (label, roles, an account removed or appended, order) as a new v2 file. Sealed secrets are carried
 * over byte for byte: nothing is decrypted or re-encrypted, and only the MAC key is needed.
 */
export function editKeystore(file: KeystoreFile, macKey: Uint8Array, edit: (draft: KeystoreBody) => void): KeystoreFile {
  const draft = structuredClone(bodyOf(file));
  edit(draft);
  return withMac(draft, macKey);
}

function macOf(body: KeystoreBody, macKey: Uint8Array): Buffer {
  return createHmac("sha256", macKey).update(macInput(body)).digest();
}

// ---- one account's secret ------------------------------------------------------------------------------------------

/** Encrypts one account's secret, bound to that account (v2 associated data). */
export function sealSecret(encryptionKey: Uint8Array, meta: AccountMeta, secret: AccountSecret): SealedSecret {
  if (meta.kind !== secret.kind) throw new Error(`a ${secret.kind} secret cannot be sealed as a ${meta.kind} account`);
  reportKeystoreActivity({ operation: "encrypt-secret", address: meta.address });
  const plaintext = secret.kind === "mnemonic" ? secret.phrase : secret.privateKey;
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", encryptionKey, nonce);
  cipher.setAAD(secretAadV2(meta));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { nonce: nonce.toString("hex"), ciphertext: ciphertext.toString("hex"), tag: cipher.getAuthTag().toString("hex") };
}

/** A new account's entry: its metadata and its sealed secret. */
export function sealAccount(encryptionKey: Uint8Array, meta: AccountMeta, secret: AccountSecret): AccountEntry {
  return { ...meta, secret: sealSecret(encryptionKey, meta, secret) };
}

/**
 * Decrypts one account's secret into fresh bytes the caller wipes. In v2 the file must have been authenticated first
 * (`authenticateKeystore`); the associated data still proves the secret belongs to this account.
 */
export function openSecret(file: AnyKeystoreFile, keys: KeystoreKeys, entry: AccountEntry): AccountSecret {
  const aad = file.format === KEYSTORE_FORMAT ? secretAadV2(entry) : secretAadV1(file, entry.address);
  reportKeystoreActivity({ operation: "decrypt-secret", address: entry.address });
  const plaintext = decrypt(keys.encryptionKey, entry.secret, aad, file.format);
  if (entry.kind === "mnemonic") return { kind: "mnemonic", phrase: plaintext };
  if (plaintext.length !== 32) {
    plaintext.fill(0);
    throw keystoreCorrupt("tampered", "The keystore holds a private key of the wrong length");
  }
  return { kind: "private_key", privateKey: plaintext };
}

/** Decrypts one account's secret (reveal) after authenticating the whole file; null when there is no such account. */
export function openAccountSecret(file: AnyKeystoreFile, keys: KeystoreKeys, address: string): AccountSecret | null {
  const entry = file.accounts.find((a) => a.address === address);
  if (!entry) return null;
  authenticateKeystore(file, keys.macKey);
  return openSecret(file, keys, entry);
}

/**
 * The account's signing key, derived from its secret and checked against the address and public key the file lists.
 * Consumes the secret: it is wiped once the key is derived, mismatch or not.
 */
export async function signingKeyOf(meta: Pick<AccountMeta, "address" | "hdPath" | "publicKey">, secret: AccountSecret): Promise<Uint8Array> {
  try {
    if (secret.kind === "mnemonic" && !meta.hdPath) throw keystoreCorrupt("key_mismatch", "A phrase account has no derivation path");
    const pair = secret.kind === "mnemonic"
      ? await keyPairFromPhrase(secret.phrase, meta.hdPath!)
      : keyPairFromPrivateKey(Uint8Array.from(secret.privateKey));
    if (pair.address !== meta.address || Buffer.from(pair.publicKey).toString("hex") !== meta.publicKey) {
      pair.privateKey.fill(0);
      throw keystoreCorrupt("key_mismatch", `The keystore's key for ${meta.address} does not belong to that address`);
    }
    return pair.privateKey;
  } finally {
    wipeSecret(secret);
  }
}

/**
 * Unlocking: every account's signing key, each secret decrypted, used and wiped in turn (one at a time in memory).
 * A v1 file comes back re-sealed as v2 (`upgraded`, same salt and passphrase) for the caller to write; it is built
 * only in memory, so a file that fails any check is never rewritten.
 */
export async function unlockKeystore(
  file: AnyKeystoreFile,
  keys: KeystoreKeys,
): Promise<{ signingKeys: Map<string, Uint8Array>; upgraded: KeystoreFile | null }> {
  authenticateKeystore(file, keys.macKey);
  const signingKeys = new Map<string, Uint8Array>();
  const upgradedAccounts: AccountEntry[] = [];
  try {
    for (const entry of file.accounts) {
      const secret = openSecret(file, keys, entry);
      try {
        if (file.format === KEYSTORE_FORMAT_V1) upgradedAccounts.push(sealAccount(keys.encryptionKey, metaOf(entry), secret));
      } catch (error) {
        wipeSecret(secret);
        throw error;
      }
      signingKeys.set(entry.address, await signingKeyOf(entry, secret));
    }
  } catch (error) {
    for (const key of signingKeys.values()) key.fill(0);
    throw error;
  }
  const upgraded = file.format === KEYSTORE_FORMAT_V1
    ? withMac({ format: KEYSTORE_FORMAT, kdf: { ...file.kdf }, cipher: file.cipher, roles: { ...file.roles }, accounts: upgradedAccounts }, keys.macKey)
    : null;
  return { signingKeys, upgraded };
}

// ---- every account at once (a new passphrase) ----------------------------------------------------------------------

/** Seals a whole vault as a v2 file under `keys` (a new keystore, or a new passphrase). */
export function sealVault(vault: Vault, setting: KdfSetting, keys: KeystoreKeys): KeystoreFile {
  const body: KeystoreBody = {
    format: KEYSTORE_FORMAT,
    kdf: {
      algorithm: "scrypt",
      ...setting.params,
      salt: Buffer.from(setting.salt).toString("hex"),
      passphraseCheck: Buffer.from(keys.passphraseCheck).toString("hex"),
    },
    cipher: "aes-256-gcm",
    roles: { operator: vault.roles.operator, owner: vault.roles.owner },
    accounts: vault.accounts.map((account) =>
      sealAccount(
        keys.encryptionKey,
        {
          address: account.address,
          label: account.label,
          kind: account.secret.kind,
          hdPath: account.hdPath,
          publicKey: account.publicKeyHex,
          createdAt: account.createdAt,
        },
        account.secret,
      ),
    ),
  };
  return withMac(body, keys.macKey);
}

/** Decrypts every secret (v1 or v2); a secret or MAC that fails under the right passphrase means tampering. */
export function openVault(file: AnyKeystoreFile, keys: KeystoreKeys): Vault {
  authenticateKeystore(file, keys.macKey);
  const vault: Vault = { roles: { ...file.roles }, accounts: [] };
  try {
    for (const entry of file.accounts) {
      vault.accounts.push({
        address: entry.address,
        label: entry.label,
        hdPath: entry.hdPath,
        publicKeyHex: entry.publicKey,
        createdAt: entry.createdAt,
        secret: openSecret(file, keys, entry),
      });
    }
  } catch (error) {
    wipeVault(vault);
    throw error;
  }
  return vault;
}

export function wipeSecret(secret: AccountSecret): void {
  if (secret.kind === "mnemonic") secret.phrase.fill(0);
  else secret.privateKey.fill(0);
}

export function wipeVault(vault: Vault): void {
  for (const account of vault.accounts) wipeSecret(account.secret);
}

// ---- internals -----------------------------------------------------------------------------------------------------

function metaOf(entry: AccountEntry): AccountMeta {
  const { secret: _secret, ...meta } = entry;
  return meta;
}

/**
 * v2: what a secret is bound to, the account's identity that never changes. Not the label, the roles or the position,
 * so those change without touching the ciphertext; the address, so a secret moved to another account fails.
 */
function secretAadV2(meta: Pick<AccountMeta, "address" | "kind" | "hdPath">): Buffer {
  return Buffer.from(JSON.stringify([KEYSTORE_FORMAT, "account-secret", meta.address, meta.kind, meta.hdPath]), "utf8");
}

/** v1: the whole header, then the address. */
function secretAadV1(file: AnyKeystoreFile, address: string): Buffer {
  if (file.format !== KEYSTORE_FORMAT_V1) throw new Error("not a v1 keystore");
  return Buffer.concat([headerBytesV1(file), Buffer.from([0]), Buffer.from(address, "utf8")]);
}

/** Decrypts into a fresh buffer of its own; the cipher's intermediate output is wiped, authenticated or not. */
function decrypt(key: Uint8Array, sealed: SealedSecret, aad: Uint8Array, format: AnyKeystoreFile["format"]): Uint8Array {
  const parts: Buffer[] = [];
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(sealed.nonce, "hex"));
    decipher.setAAD(aad);
    decipher.setAuthTag(Buffer.from(sealed.tag, "hex"));
    parts.push(decipher.update(Buffer.from(sealed.ciphertext, "hex")));
    parts.push(decipher.final());
    const plaintext = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      plaintext.set(part, offset);
      offset += part.length;
    }
    return plaintext;
  } catch {
    throw keystoreCorrupt(
      "tampered",
      format === KEYSTORE_FORMAT
        ? "The keystore file was altered: an encrypted key no longer belongs to the account it is listed under. " +
            "Do not trust its addresses or owner settings; restore it from a backup or re-import your recovery phrase."
        : "The keystore file was altered: an encrypted key no longer matches the file's other fields. " +
            "Do not trust its addresses or owner settings; restore it from a backup or re-import your recovery phrase.",
    );
  } finally {
    for (const part of parts) part.fill(0);
  }
}
