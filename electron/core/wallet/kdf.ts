import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { reportKeystoreActivity } from "./keystore-activity.js";

/** scrypt cost parameters, stored in the keystore so a file keeps opening after the defaults change. */
export interface ScryptParams {
  n: number;
  r: number;
  p: number;
}

/**
 * Production cost, measured with Node's native scrypt on a 2-core machine: N=2^16 takes ~190 ms of CPU, N=2^17
 * ~380 ms using 128 MiB, about what unlocking may cost a person and what each guess then costs an attacker. Files
 * keep the parameters they were made with. Tests pass small parameters instead.
 */
export const PRODUCTION_SCRYPT_PARAMS: ScryptParams = { n: 2 ** 17, r: 8, p: 1 };

/**
 * Largest cost a keystore may ask for. A file is untrusted input: N=2^30 would hang the engine or exhaust memory
 * before the passphrase could even be checked.
 */
const MAX_SCRYPT_MEMORY_BYTES = 1024 ** 3;

export function describeScryptParamsProblem(params: ScryptParams): string | null {
  const { n, r, p } = params;
  if (!Number.isSafeInteger(n) || n < 2 || n > 2 ** 22 || (n & (n - 1)) !== 0) return `N=${n} is not a power of two in 2..2^22`;
  if (!Number.isSafeInteger(r) || r < 1 || r > 32) return `r=${r} is outside 1..32`;
  if (!Number.isSafeInteger(p) || p < 1 || p > 16) return `p=${p} is outside 1..16`;
  if (128 * n * r * p > MAX_SCRYPT_MEMORY_BYTES) return "the parameters need more than 1 GiB of memory";
  return null;
}

export const SALT_BYTES = 32;

export function newSalt(): Uint8Array {
  return Uint8Array.from(randomBytes(SALT_BYTES));
}

/**
 * What a passphrase turns into. `master` is the one value worth remembering on a device (everything else derives
 * from it); `encryptionKey` seals the secrets; `macKey` authenticates the rest of the file (format v2), so labels,
 * roles and the account list can change without decrypting any secret; `passphraseCheck` is stored in the file so a
 * wrong passphrase can be told apart from a damaged file.
 */
export interface KeystoreKeys {
  master: Uint8Array;
  encryptionKey: Uint8Array;
  macKey: Uint8Array;
  passphraseCheck: Uint8Array;
}

/**
 * scrypt(passphrase) → master, then HKDF-SHA256 to separate keys per purpose, so the stored check value reveals
 * nothing about the encryption key. The passphrase is NFKC-normalized: the same words typed through different
 * keyboards or input methods must unlock the same file. scrypt runs in Node's native implementation on libuv's
 * thread pool, off the event loop: relays keep being served while a passphrase is checked.
 */
export async function deriveMasterKey(passphrase: string, salt: Uint8Array, params: ScryptParams): Promise<Uint8Array> {
  const problem = describeScryptParamsProblem(params);
  if (problem) throw new Error(`unsupported scrypt parameters: ${problem}`);
  const secret = Buffer.from(passphrase.normalize("NFKC"), "utf8");
  reportKeystoreActivity({ operation: "derive-keys" });
  try {
    return await new Promise<Uint8Array>((resolve, reject) =>
      scrypt(secret, salt, 32, { N: params.n, r: params.r, p: params.p, maxmem: MAX_SCRYPT_MEMORY_BYTES + 1024 * 1024 }, (error, key) =>
        error ? reject(error) : resolve(new Uint8Array(key.buffer, key.byteOffset, key.byteLength)),
      ),
    );
  } finally {
    secret.fill(0);
  }
}

/** Each label names the format version that introduced the key; a file upgraded to v2 keeps its salt and check. */
export function keysFromMaster(master: Uint8Array): KeystoreKeys {
  const key = (label: string) => hkdf(sha256, master, undefined, new TextEncoder().encode(label), 32);
  return {
    master,
    encryptionKey: key("pocketforge-keystore-v1/encryption"),
    macKey: key("pocketforge-keystore-v2/mac"),
    passphraseCheck: key("pocketforge-keystore-v1/passphrase-check"),
  };
}

export async function deriveKeystoreKeys(passphrase: string, salt: Uint8Array, params: ScryptParams): Promise<KeystoreKeys> {
  return keysFromMaster(await deriveMasterKey(passphrase, salt, params));
}

export function checkMatches(keys: KeystoreKeys, storedCheck: Uint8Array): boolean {
  return storedCheck.length === keys.passphraseCheck.length && timingSafeEqual(keys.passphraseCheck, storedCheck);
}

export function wipeKeys(keys: KeystoreKeys): void {
  keys.master.fill(0);
  keys.encryptionKey.fill(0);
  keys.macKey.fill(0);
  keys.passphraseCheck.fill(0);
}
