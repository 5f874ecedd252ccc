import { createHash } from "node:crypto";
import { z } from "zod";
import { ApiError } from "../../../shared/api/index.js";
import { describeScryptParamsProblem } from "./kdf.js";

/**
 * The on-disk keystore: pretty-printed JSON in one canonical byte form. PocketForge writes format
 * "pocketforge-keystore-v2" and still reads "pocketforge-keystore-v1", which it upgrades at the next unlock.
 *
 * Four layers catch four kinds of damage:
 * - `checksum` (SHA-256 of the rest) catches accidental damage in any byte — bit rot, a half-copied file — even
 *   while the wallet is locked, and tells it apart from a wrong passphrase;
 * - the canonical form (the file must equal its own re-serialization) makes every byte significant, so even a
 *   changed space or line break is noticed rather than silently ignored by the JSON parser;
 * - `mac` (v2), HMAC-SHA256 under a key derived from the passphrase, covers every other field — labels, order, roles,
 *   KDF settings and the sealed secrets — and catches deliberate tampering by someone who also recomputed the
 *   checksum (a swapped owner address, relabelled or reordered accounts);
 * - AES-256-GCM over each secret, its associated data naming the account it belongs to (v2: format, address, kind
 *   and derivation path, never the label), so a secret moved to another account fails to decrypt.
 *
 * In v2 a label, a role or the account list changes by recomputing `mac` alone: no secret is decrypted or
 * re-encrypted. In v1 every secret's associated data was the whole header, so each such change re-sealed them all.
 */
export const KEYSTORE_FORMAT = "pocketforge-keystore-v2";
export const KEYSTORE_FORMAT_V1 = "pocketforge-keystore-v1";
const FORMAT_FAMILY = "pocketforge-keystore-";
const MAX_KEYSTORE_BYTES = 1024 * 1024;

const Hex = (bytes?: number) =>
  z.string().regex(bytes === undefined ? /^(?:[0-9a-f]{2})+$/ : new RegExp(`^[0-9a-f]{${bytes * 2}}$`), "lower-case hex");

const SealedSecret = z.object({ nonce: Hex(12), ciphertext: Hex(), tag: Hex(16) }).strict();
export type SealedSecret = z.infer<typeof SealedSecret>;

const AccountEntry = z.object({
  address: z.string().min(1),
  label: z.string().min(1),
  kind: z.enum(["mnemonic", "private_key"]),
  hdPath: z.string().nullable(),
  publicKey: Hex(33),
  createdAt: z.number().int().nonnegative(),
  secret: SealedSecret,
}).strict();
export type AccountEntry = z.infer<typeof AccountEntry>;
export type AccountMeta = Omit<AccountEntry, "secret">;

const KdfEntry = z.object({
  algorithm: z.literal("scrypt"),
  n: z.number().int(),
  r: z.number().int(),
  p: z.number().int(),
  salt: Hex(32),
  passphraseCheck: Hex(32),
}).strict();
export type KdfEntry = z.infer<typeof KdfEntry>;

const RolesEntry = z.object({ operator: z.string().nullable(), owner: z.string().nullable() }).strict();
export type RolesEntry = z.infer<typeof RolesEntry>;

const KeystoreFileSchema = z.object({
  format: z.literal(KEYSTORE_FORMAT),
  kdf: KdfEntry,
  cipher: z.literal("aes-256-gcm"),
  roles: RolesEntry,
  accounts: z.array(AccountEntry),
  mac: Hex(32),
  checksum: Hex(32),
}).strict();

const KeystoreFileV1Schema = z.object({
  format: z.literal(KEYSTORE_FORMAT_V1),
  kdf: KdfEntry,
  cipher: z.literal("aes-256-gcm"),
  roles: RolesEntry,
  accounts: z.array(AccountEntry),
  checksum: Hex(32),
}).strict();

/** A keystore in the current format (v2). */
export type KeystoreFile = Omit<z.infer<typeof KeystoreFileSchema>, "checksum">;
/** What `mac` covers: the whole v2 file but the MAC and the checksum. */
export type KeystoreBody = Omit<KeystoreFile, "mac">;
/** A keystore an earlier PocketForge wrote; read, and upgraded to v2 at the next unlock. */
export type KeystoreFileV1 = Omit<z.infer<typeof KeystoreFileV1Schema>, "checksum">;
export type AnyKeystoreFile = KeystoreFile | KeystoreFileV1;

/** v1: the file minus what only the AEAD may see, the header every secret's associated data covered. */
type KeystoreHeaderV1 = Omit<KeystoreFileV1, "accounts"> & { accounts: AccountMeta[] };

// Objects are rebuilt field by field so that key order — and therefore the bytes — never depends on where an
// object came from (a parsed file, a zod output, a literal in a test).
function canonicalAccount(account: AccountMeta & { secret?: SealedSecret }) {
  const base = {
    address: account.address,
    label: account.label,
    kind: account.kind,
    hdPath: account.hdPath,
    publicKey: account.publicKey,
    createdAt: account.createdAt,
  };
  return account.secret
    ? { ...base, secret: { nonce: account.secret.nonce, ciphertext: account.secret.ciphertext, tag: account.secret.tag } }
    : base;
}

function canonicalBody(file: KeystoreBody | KeystoreFileV1 | KeystoreHeaderV1) {
  return {
    format: file.format,
    kdf: {
      algorithm: file.kdf.algorithm,
      n: file.kdf.n,
      r: file.kdf.r,
      p: file.kdf.p,
      salt: file.kdf.salt,
      passphraseCheck: file.kdf.passphraseCheck,
    },
    cipher: file.cipher,
    roles: { operator: file.roles.operator, owner: file.roles.owner },
    accounts: file.accounts.map(canonicalAccount),
  };
}

function canonicalFile(file: AnyKeystoreFile) {
  return file.format === KEYSTORE_FORMAT ? { ...canonicalBody(file), mac: file.mac } : canonicalBody(file);
}

const toText = (value: unknown) => JSON.stringify(value, null, 2) + "\n";
const sha256Hex = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** v2: the bytes `mac` authenticates (see keystore-vault.ts). */
export function macInput(body: KeystoreBody): Uint8Array {
  return new TextEncoder().encode(toText(canonicalBody(body)));
}

/** The v2 file minus its MAC. */
export function bodyOf(file: KeystoreFile): KeystoreBody {
  const { mac: _mac, ...body } = file;
  return body;
}

/** v1: bytes every sealed secret of the file was bound to. */
export function headerBytesV1(file: KeystoreFileV1): Uint8Array {
  const header: KeystoreHeaderV1 = { ...file, accounts: file.accounts.map(({ secret: _secret, ...meta }) => meta) };
  return new TextEncoder().encode(toText(canonicalBody(header)));
}

export function serializeKeystore(file: AnyKeystoreFile): string {
  const body = canonicalFile(file);
  return toText({ ...body, checksum: sha256Hex(toText(body)) });
}

export function keystoreCorrupt(reason: string, message: string): ApiError {
  return new ApiError("corrupt", message, { reason });
}

const DAMAGED_ADVICE = "Restore the file from a backup, or re-import your accounts from their recovery phrases.";

/** Validates every byte of a keystore file and returns its content; throws ApiError("corrupt") naming the problem. */
export function parseKeystore(bytes: Uint8Array): AnyKeystoreFile {
  if (bytes.length > MAX_KEYSTORE_BYTES) {
    throw keystoreCorrupt("too_large", `The keystore file is ${bytes.length} bytes, far larger than a keystore can be. ${DAMAGED_ADVICE}`);
  }
  let text: string;
  let json: unknown;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    json = JSON.parse(text);
  } catch {
    throw keystoreCorrupt("unreadable", `The keystore file is damaged: it is not valid JSON text. ${DAMAGED_ADVICE}`);
  }
  const schema = checkFormat(json) === KEYSTORE_FORMAT ? KeystoreFileSchema : KeystoreFileV1Schema;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join(".") || "(top level)";
    throw keystoreCorrupt("schema", `The keystore file is damaged: the field ${where} is missing or malformed. ${DAMAGED_ADVICE}`);
  }
  const { checksum, ...file } = parsed.data;
  if (sha256Hex(toText(canonicalFile(file))) !== checksum) {
    throw keystoreCorrupt("checksum", `The keystore file is damaged: its checksum does not match its content. ${DAMAGED_ADVICE}`);
  }
  if (serializeKeystore(file) !== text) {
    throw keystoreCorrupt("not_canonical", `The keystore file was modified outside PocketForge (its layout changed). ${DAMAGED_ADVICE}`);
  }
  const kdfProblem = describeScryptParamsProblem(file.kdf);
  if (kdfProblem) {
    throw keystoreCorrupt("kdf_params", `The keystore asks for key-derivation settings PocketForge refuses (${kdfProblem}).`);
  }
  return file;
}

function checkFormat(json: unknown): typeof KEYSTORE_FORMAT | typeof KEYSTORE_FORMAT_V1 {
  const format = typeof json === "object" && json !== null ? (json as { format?: unknown }).format : undefined;
  if (format === KEYSTORE_FORMAT || format === KEYSTORE_FORMAT_V1) return format;
  if (typeof format === "string" && format.startsWith(FORMAT_FAMILY)) {
    throw new ApiError(
      "corrupt",
      `The keystore has format "${format}", which this version of PocketForge cannot read (it reads "${KEYSTORE_FORMAT}" ` +
        `and "${KEYSTORE_FORMAT_V1}"). Update PocketForge; do not delete the file.`,
      { reason: "unknown_version", format },
    );
  }
  throw keystoreCorrupt("not_a_keystore", `The file is not a PocketForge keystore (no "${KEYSTORE_FORMAT}" format marker). ${DAMAGED_ADVICE}`);
}
