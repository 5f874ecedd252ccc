import { createHash } from "node:crypto";
import { z } from "zod";
import { ApiError } from "../../../shared/api/index.js";
import { describeScryptParamsProblem } from "./kdf.js";

/**
 * The on-disk keystore, format "pocketforge-keystore-v1": pretty-printed JSON in one canonical byte form.
 *
 * Three layers catch three kinds of damage:
 * - `checksum` (SHA-256 of the rest) catches accidental damage in any byte — bit rot, a half-copied file — even
 *   while the wallet is locked, and tells it apart from a wrong passphrase;
 * - the canonical form (the file must equal its own re-serialization) makes every byte significant, so even a
 *   changed space or line break is noticed rather than silently ignored by the JSON parser;
 * - AES-256-GCM over each secret, with every non-secret field as associated data, catches deliberate tampering
 *   by someone who also recomputed the checksum (a swapped owner address, relabelled or reordered accounts).
 */
export const KEYSTORE_FORMAT = "pocketforge-keystore-v1";
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
  checksum: Hex(32),
}).strict();

export type KeystoreFile = Omit<z.infer<typeof KeystoreFileSchema>, "checksum">;

/** The file minus what only the AEAD may see: the header every secret's associated data covers. */
export type KeystoreHeader = Omit<KeystoreFile, "accounts"> & { accounts: Array<Omit<AccountEntry, "secret">> };

// Objects are rebuilt field by field so that key order — and therefore the bytes — never depends on where an
// object came from (a parsed file, a zod output, a literal in a test).
function canonicalAccount(account: Omit<AccountEntry, "secret"> & { secret?: SealedSecret }) {
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

function canonicalBody(file: KeystoreFile | KeystoreHeader) {
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

const toText = (value: unknown) => JSON.stringify(value, null, 2) + "\n";
const sha256Hex = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** Bytes every sealed secret of the file is bound to (see keystore-vault.ts). */
export function headerBytes(header: KeystoreHeader): Uint8Array {
  return new TextEncoder().encode(toText(canonicalBody(header)));
}

export function headerOf(file: KeystoreFile): KeystoreHeader {
  return { ...file, accounts: file.accounts.map(({ secret: _secret, ...meta }) => meta) };
}

export function serializeKeystore(file: KeystoreFile): string {
  const body = canonicalBody(file);
  return toText({ ...body, checksum: sha256Hex(toText(body)) });
}

export function keystoreCorrupt(reason: string, message: string): ApiError {
  return new ApiError("corrupt", message, { reason });
}

const DAMAGED_ADVICE = "Restore the file from a backup, or re-import your accounts from their recovery phrases.";

/** Validates every byte of a keystore file and returns its content; throws ApiError("corrupt") naming the problem. */
export function parseKeystore(bytes: Uint8Array): KeystoreFile {
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
  checkFormat(json);
  const parsed = KeystoreFileSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join(".") || "(top level)";
    throw keystoreCorrupt("schema", `The keystore file is damaged: the field ${where} is missing or malformed. ${DAMAGED_ADVICE}`);
  }
  const { checksum, ...file } = parsed.data;
  if (sha256Hex(toText(canonicalBody(file))) !== checksum) {
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

function checkFormat(json: unknown): void {
  const format = typeof json === "object" && json !== null ? (json as { format?: unknown }).format : undefined;
  if (format === KEYSTORE_FORMAT) return;
  if (typeof format === "string" && format.startsWith(FORMAT_FAMILY)) {
    throw new ApiError(
      "corrupt",
      `The keystore has format "${format}", which this version of PocketForge cannot read (it reads "${KEYSTORE_FORMAT}"). ` +
        "Update PocketForge; do not delete the file.",
      { reason: "unknown_version", format },
    );
  }
  throw keystoreCorrupt("not_a_keystore", `The file is not a PocketForge keystore (no "${KEYSTORE_FORMAT}" format marker). ${DAMAGED_ADVICE}`);
}
