import { randomBytes } from "node:crypto";
import { basename } from "node:path";
import { dataDirLayout, type DataDirLayout } from "../runtime/data-dir.js";
import {
  ApiError,
  type AccountSummary,
  type ImportSource,
  type OwnerCustody,
  type RevealedSecret,
  type StakeCommand,
  type WalletSnapshot,
} from "../../../shared/api/index.js";
import type { Logger } from "../runtime/logger.js";
import type { Service } from "../runtime/service.js";
import { parsePoktAddress } from "./address.js";
import { PassphraseAttempts } from "./passphrase-attempts.js";
import { DeviceUnlock, type DeviceSecretStore } from "./device-unlock.js";
import { keyPairFromPhrase, keyPairFromPrivateKey, parsePrivateKeyHex, poktHdPath, type KeyPair } from "./hd-keys.js";
import {
  PRODUCTION_SCRYPT_PARAMS,
  deriveKeystoreKeys,
  newSalt,
  wipeKeys,
  type KeystoreKeys,
  type ScryptParams,
} from "./kdf.js";
import { KEYSTORE_FORMAT, KEYSTORE_FORMAT_V1, type AnyKeystoreFile, type KeystoreBody, type KeystoreFile } from "./keystore-file.js";
import {
  prepareWalletDir,
  readKeystoreFile,
  removeSecretFile,
  settleUpgradeBackup,
  upgradeKeystoreFile,
  writeKeystoreFile,
} from "./keystore-store.js";
import {
  editKeystore,
  keysForFile,
  openAccountSecret,
  openVault,
  sealAccount,
  sealVault,
  unlockKeystore,
  wipeSecret,
  wipeVault,
  type AccountSecret,
  type Vault,
} from "./keystore-vault.js";
import { createMnemonic, parseMnemonic, type MnemonicLength } from "./mnemonic.js";
import { SerialQueue } from "./serial-queue.js";
import { RelayResponseSigner, WalletDirectSigner, type SigningKeys } from "./signers.js";
import { buildSupplierStakeCommand, type SupplierStakeInput } from "./stake-command.js";

export interface WalletServiceOptions {
  /** The app's data folder; the wallet keeps its files in `<dataDir>/wallet`. */
  dataDir: string;
  logger: Logger;
  emit: (event: "wallet.changed", snapshot: WalletSnapshot) => void;
  /** The OS credential store for "remember on this device"; absent when headless. */
  deviceSecretStore?: DeviceSecretStore;
  /** scrypt cost for new keystores and passphrase changes; tests pass tiny values. */
  scryptParams?: ScryptParams;
  /** Waits after consecutive wrong passphrases (see PassphraseAttempts). */
  passphraseDelaysMs?: readonly number[];
  now?: () => number;
}

const MIN_NEW_PASSPHRASE_LENGTH = 8;
const DELETE_TOKEN_TTL_MS = 5 * 60_000;

/**
 * What an unlocked wallet holds: the signing keys, and the key that authenticates the keystore's metadata (labels,
 * roles, the account list) so those can change. Nothing that decrypts a secret: reveal, a new passphrase and adding
 * an account ask for the passphrase.
 */
interface UnlockedKeys {
  macKey: Uint8Array;
  privateKeys: Map<string, Uint8Array>;
}

interface NewAccount {
  label: string;
  hdPath: string | null;
  secret: AccountSecret;
  pair: KeyPair;
}

/**
 * The supplier's keys: an encrypted keystore of accounts, the operator (hot key that signs relays, claims, proofs and
 * pays fees) and the owner (stake and rewards: the operator itself, another account, or an address kept elsewhere).
 * While unlocked it holds private keys in memory for the signers and never hands them to the API, except the
 * phrase of a new account (once) and an explicit, passphrase-confirmed reveal.
 */
export class WalletService implements Service {
  readonly dir: string;
  private readonly files: DataDirLayout["wallet"];
  private readonly keystorePath: string;
  private readonly upgradeBackupPath: string;
  private readonly device: DeviceUnlock;
  private readonly scryptParams: ScryptParams;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly queue = new SerialQueue();
  private readonly deleteTokens = new Map<string, { address: string; expiresAt: number }>();
  private file: AnyKeystoreFile | null = null;
  private problem: { reason: string; message: string } | null = null;
  private unlocked: UnlockedKeys | null = null;
  private readonly attempts: PassphraseAttempts;

  /** What the engine's signers read keys through. */
  private readonly signingKeys: SigningKeys = {
    publicKeyOf: (address) => Buffer.from(this.accountEntry(address).publicKey, "hex"),
    privateKeyOf: (address) => {
      if (!this.unlocked) throw new ApiError("locked", "The wallet is locked: unlock it so the engine can sign");
      const key = this.unlocked.privateKeys.get(address);
      if (!key) throw new ApiError("not_found", `No account ${address} in this wallet`);
      return key;
    },
  };

  constructor(private readonly options: WalletServiceOptions) {
    this.files = dataDirLayout(options.dataDir).wallet;
    this.dir = this.files.dir;
    this.keystorePath = this.files.keystore;
    this.upgradeBackupPath = this.files.keystoreV1Backup;
    this.scryptParams = options.scryptParams ?? PRODUCTION_SCRYPT_PARAMS;
    this.now = options.now ?? Date.now;
    this.log = options.logger;
    this.device = new DeviceUnlock(this.files.deviceUnlock, options.deviceSecretStore, this.log);
    this.attempts = new PassphraseAttempts(this.log, this.now, options.passphraseDelaysMs);
  }

  async start(): Promise<void> {
    await this.queue.run(async () => {
      prepareWalletDir(this.dir, [this.files.keystore, this.files.deviceUnlock, this.files.keystoreV1Backup].map((path) => basename(path)));
      this.settleInterruptedUpgrade();
      this.loadKeystore();
      this.device.load();
      if (this.file && this.device.remembered) await this.unlockFromDevice(this.file);
    });
    this.changed();
  }

  async dispose(): Promise<void> {
    await this.queue.run(() => this.forgetKeys());
    this.deleteTokens.clear();
  }

  // ---- what the UI sees ---------------------------------------------------------------------------------------

  snapshot(): WalletSnapshot {
    const roles = this.file?.roles ?? { operator: null, owner: null };
    const ownerAddress = roles.owner ?? roles.operator;
    return {
      state: this.problem ? "unreadable" : !this.file ? "absent" : this.unlocked ? "unlocked" : "locked",
      problem: this.problem,
      accounts: this.listAccounts(),
      operatorAddress: roles.operator,
      owner: ownerAddress ? { address: ownerAddress, custody: this.custodyOf(ownerAddress) } : null,
      device: { remembered: this.device.remembered, availability: this.device.availability() },
    };
  }

  listAccounts(): AccountSummary[] {
    if (!this.file) return [];
    const { operator, owner } = this.file.roles;
    const ownerAddress = owner ?? operator;
    return this.file.accounts.map((entry) => ({
      address: entry.address,
      label: entry.label,
      kind: entry.kind,
      hdPath: entry.hdPath,
      publicKeyHex: entry.publicKey,
      createdAt: entry.createdAt,
      isOperator: entry.address === operator,
      isOwner: entry.address === ownerAddress,
    }));
  }

  // ---- accounts -------------------------------------------------------------------------------------------------

  /**
   * A new account from a fresh phrase; the phrase is returned as text so the UI can show it once (the one time it is
   * text without a reveal). The wallet itself keeps it as bytes.
   */
  async create(params: { words: MnemonicLength; label: string; passphrase: string }): Promise<{ account: AccountSummary; mnemonic: string }> {
    return this.changing(async () => {
      const mnemonic = createMnemonic(params.words);
      const phrase = phraseBytes(mnemonic);
      const hdPath = poktHdPath(0);
      const pair = await keyPairFromPhrase(phrase, hdPath);
      await this.addAccount(params.passphrase, { label: params.label, hdPath, secret: { kind: "mnemonic", phrase }, pair });
      this.log.info("account created", { address: pair.address, words: params.words });
      return { account: this.summaryOf(pair.address), mnemonic };
    });
  }

  async importAccount(params: { source: ImportSource; label: string; passphrase: string }): Promise<AccountSummary> {
    return this.changing(async () => {
      const { source } = params;
      let account: NewAccount;
      if (source.type === "mnemonic") {
        // The phrase arrives as text (the API's JSON); from here on it is bytes.
        const phrase = phraseBytes(parseMnemonic(source.mnemonic));
        const hdPath = poktHdPath(source.index);
        account = { label: params.label, hdPath, secret: { kind: "mnemonic", phrase }, pair: await keyPairFromPhrase(phrase, hdPath) };
      } else {
        const privateKey = parsePrivateKeyHex(source.privateKeyHex);
        account = { label: params.label, hdPath: null, secret: { kind: "private_key", privateKey }, pair: keyPairFromPrivateKey(privateKey) };
      }
      await this.addAccount(params.passphrase, account);
      this.log.info("account imported", { address: account.pair.address, kind: source.type });
      return this.summaryOf(account.pair.address);
    });
  }

  /** Changes the label alone: the keystore's MAC is recomputed, no secret is decrypted or re-encrypted. */
  async rename(address: string, label: string): Promise<WalletSnapshot> {
    return this.mutation(async () => {
      const target = this.requireAccount(address);
      this.edit((draft) => void (draft.accounts.find((a) => a.address === target)!.label = label));
      this.log.info("account renamed", { address: target });
    });
  }

  /** Step one of deleting: a token that only a deliberate second call (wallet.delete) can present. */
  prepareDelete(address: string): { address: string; confirmationToken: string; expiresAt: number; warning: string } {
    this.requireUnlocked();
    const target = this.requireAccount(address);
    const entry = this.accountEntry(target);
    const token = randomBytes(16).toString("hex");
    const expiresAt = this.now() + DELETE_TOKEN_TTL_MS;
    for (const [existing, pending] of this.deleteTokens) if (pending.address === target) this.deleteTokens.delete(existing);
    this.deleteTokens.set(token, { address: target, expiresAt });
    const restoreWith = entry.kind === "mnemonic" ? "its recovery phrase" : "its private key";
    return {
      address: target,
      confirmationToken: token,
      expiresAt,
      warning:
        `Deleting "${entry.label}" (${target}) removes its key from this computer. Its funds and stake stay on chain, ` +
        `but only ${restoreWith} can bring it back: reveal it and write it down first.`,
    };
  }

  async deleteAccount(address: string, confirmationToken: string): Promise<WalletSnapshot> {
    return this.mutation(async () => {
      this.requireUnlocked();
      const target = this.requireAccount(address);
      const pending = this.deleteTokens.get(confirmationToken);
      this.deleteTokens.delete(confirmationToken);
      if (!pending || pending.address !== target || pending.expiresAt < this.now()) {
        throw new ApiError("invalid_params", "The deletion was not confirmed (the token is wrong or expired): start the deletion again", {
          reason: "confirmation",
        });
      }
      if (this.file!.accounts.length === 1) {
        removeSecretFile(this.keystorePath);
        this.device.forget();
        this.forgetKeys();
        this.file = null;
      } else {
        this.edit((draft) => {
          draft.accounts = draft.accounts.filter((a) => a.address !== target);
          if (draft.roles.operator === target) draft.roles.operator = null;
        });
        this.unlocked!.privateKeys.get(target)?.fill(0);
        this.unlocked!.privateKeys.delete(target);
      }
      this.log.info("account deleted", { address: target });
    });
  }

  // ---- roles ----------------------------------------------------------------------------------------------------

  async setOperator(address: string): Promise<WalletSnapshot> {
    return this.mutation(async () => {
      const target = this.requireAccount(address);
      this.edit((draft) => void (draft.roles.operator = target));
      this.log.info("operator account chosen", { address: target });
    });
  }

  /** null: the operator owns its stake. Otherwise any pokt address — an account here or one kept elsewhere. */
  async setOwner(address: string | null): Promise<WalletSnapshot> {
    return this.mutation(async () => {
      const owner = address === null ? null : parsePoktAddress(address, "owner address");
      this.edit((draft) => void (draft.roles.owner = owner));
      this.log.info("owner chosen", { address: owner ?? "same as operator" });
    });
  }

  /** The stake YAML and pocketd command the owner runs (needed when the owner key is not in this app). */
  stakeCommand(params: Omit<SupplierStakeInput, "ownerAddress" | "operatorAddress">): StakeCommand {
    const file = this.requireFile();
    const operator = file.roles.operator;
    if (!operator) throw new ApiError("conflict", "Choose the operator account before preparing the stake");
    const owner = file.roles.owner ?? operator;
    const command = buildSupplierStakeCommand({ ...params, ownerAddress: owner, operatorAddress: operator });
    return { ...command, signOutside: this.custodyOf(owner) === "external" };
  }

  // ---- lock, unlock, passphrase ---------------------------------------------------------------------------------

  /**
   * Asks for the passphrase again before an act that moves funds, changes keys or opens the engine up; an unlocked
   * wallet is not enough (whoever reaches an unlocked engine must not be able to empty it). @throws ApiError
   */
  async confirmPassphrase(passphrase: string, purpose: string): Promise<void> {
    const file = this.requireFile();
    wipeKeys(await this.keysFor(file, passphrase, purpose));
  }

  /** Whether a keystore exists (there is then a passphrase to ask for). */
  get hasWallet(): boolean {
    return this.file !== null;
  }

  /** Every passphrase check goes through here: guessing is slowed down and logged. */
  private keysFor(file: AnyKeystoreFile, passphrase: string, purpose: string): Promise<KeystoreKeys> {
    return this.attempts.attempt(purpose, () => keysForFile(file, passphrase));
  }

  /** `remember`: true keeps the key in the OS keychain for unattended restarts, false forgets it, absent keeps as is. */
  async unlock(passphrase: string, remember?: boolean): Promise<WalletSnapshot> {
    return this.mutation(async () => {
      // Refuse an unprotected keychain before the slow KDF, so the user can retry without "remember" at once.
      if (remember === true) this.device.assertCanRemember();
      const file = this.requireFile();
      const keys = await this.keysFor(file, passphrase, "unlock");
      try {
        await this.openWithKeys(file, keys);
        if (remember === true) this.device.remember(file.kdf.salt, keys.master);
        else if (remember === false) this.device.forget();
      } finally {
        wipeKeys(keys);
      }
      this.log.info("wallet unlocked", { rememberedOnDevice: this.device.remembered });
    });
  }

  async lock(): Promise<WalletSnapshot> {
    return this.mutation(async () => {
      const wasUnlocked = this.unlocked !== null;
      this.forgetKeys();
      if (wasUnlocked) this.log.info("wallet locked");
    });
  }

  async forgetDevice(): Promise<WalletSnapshot> {
    return this.mutation(async () => {
      this.device.forget();
      this.log.info("wallet no longer unlocks automatically on this device");
    });
  }

  async changePassphrase(currentPassphrase: string, newPassphrase: string): Promise<WalletSnapshot> {
    return this.mutation(async () => {
      assertNewPassphrase(newPassphrase);
      const file = this.requireFile();
      const oldKeys = await this.keysFor(file, currentPassphrase, "change passphrase");
      let vault: Vault | null = null;
      let newKeys: KeystoreKeys | null = null;
      try {
        vault = openVault(file, oldKeys);
        const setting = { params: this.scryptParams, salt: newSalt() };
        newKeys = await deriveKeystoreKeys(newPassphrase, setting.salt, setting.params);
        const sealed = sealVault(vault, setting, newKeys);
        this.writeKeystore(sealed);
        if (this.device.remembered) this.device.rewrap(sealed.kdf.salt, newKeys.master);
        if (this.unlocked) {
          this.unlocked.macKey.fill(0);
          this.unlocked.macKey = Uint8Array.from(newKeys.macKey);
        }
      } finally {
        if (vault) wipeVault(vault);
        wipeKeys(oldKeys);
        if (newKeys) wipeKeys(newKeys);
      }
      this.log.info("wallet passphrase changed");
    });
  }

  /** The recovery secret of one account; asks for the passphrase even while unlocked. */
  async reveal(address: string, passphrase: string): Promise<{ address: string; secret: RevealedSecret }> {
    return this.queue.run(async () => {
      const file = this.requireFile();
      const target = this.requireAccount(address);
      const keys = await this.keysFor(file, passphrase, "reveal");
      let secret: AccountSecret | null = null;
      try {
        secret = openAccountSecret(file, keys, target)!;
        this.log.info("recovery secret revealed", { address: target });
        // The one place a stored secret becomes text: the user asked to see it.
        if (secret.kind === "mnemonic") {
          return { address: target, secret: { kind: "mnemonic", mnemonic: new TextDecoder().decode(secret.phrase), hdPath: this.accountEntry(target).hdPath! } };
        }
        const { buffer, byteOffset, byteLength } = secret.privateKey; // a view, not a copy that would outlive the wipe
        return { address: target, secret: { kind: "private_key", privateKeyHex: Buffer.from(buffer, byteOffset, byteLength).toString("hex") } };
      } finally {
        if (secret) wipeSecret(secret);
        wipeKeys(keys);
      }
    });
  }

  // ---- for the engine -------------------------------------------------------------------------------------------

  get isUnlocked(): boolean {
    return this.unlocked !== null;
  }

  get operatorAddress(): string | null {
    return this.file?.roles.operator ?? null;
  }

  /** A cosmjs signer for transactions from `address` (default: the operator). Signing needs the wallet unlocked. */
  directSigner(address?: string): WalletDirectSigner {
    return new WalletDirectSigner(this.signingKeys, this.signerAddress(address));
  }

  /** The operator's RelayResponse signer. */
  relayResponseSigner(): RelayResponseSigner {
    return new RelayResponseSigner(this.signingKeys, this.signerAddress());
  }

  // ---- internals ------------------------------------------------------------------------------------------------

  /**
   * Runs a state change in turn, then tells the UI. A failed change is announced too when it revealed a damaged
   * keystore (the state became "unreadable").
   */
  private async changing<T>(change: () => Promise<T>): Promise<T> {
    const problemBefore = this.problem;
    try {
      const result = await this.queue.run(change);
      this.changed();
      return result;
    } catch (error) {
      if (this.problem !== problemBefore) this.changed();
      throw error;
    }
  }

  /** A state change whose API answer is the new snapshot. */
  private async mutation(change: () => Promise<void>): Promise<WalletSnapshot> {
    await this.changing(change);
    return this.snapshot();
  }

  private changed(): void {
    this.options.emit("wallet.changed", this.snapshot());
  }

  private loadKeystore(): void {
    try {
      this.file = readKeystoreFile(this.keystorePath);
      this.problem = null;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this.markUnreadable(error);
    }
  }

  /** A crash in the middle of a v1 → v2 upgrade may have left the copy of the v1 file behind (see keystore-store). */
  private settleInterruptedUpgrade(): void {
    const outcome = settleUpgradeBackup(this.keystorePath, this.upgradeBackupPath);
    if (outcome === "removed") this.log.info("removed the copy of the v1 keystore an interrupted upgrade left behind");
    if (outcome === "restored") this.log.warn("restored the v1 keystore from the copy an interrupted upgrade left behind");
    if (outcome === "kept") {
      this.log.warn("the keystore is unreadable; the copy of it from before its upgrade is kept", { path: this.upgradeBackupPath });
    }
  }

  private markUnreadable(error: ApiError): void {
    this.forgetKeys();
    this.problem = { reason: String(error.details?.reason ?? error.code), message: error.message };
    this.log.warn("keystore cannot be used", { reason: this.problem.reason, path: this.keystorePath });
  }

  /**
   * Seals one new account into the keystore. Only the new secret is encrypted; the others are carried over as they
   * are. A locked wallet is unlocked by the passphrase given here, as it always was (that unlock decrypts the other
   * accounts' secrets to derive their signing keys, and upgrades a v1 file).
   */
  private async addAccount(passphrase: string, account: NewAccount): Promise<void> {
    try {
      const existing = this.requireReadable();
      const duplicate = existing?.accounts.find((a) => a.address === account.pair.address);
      if (duplicate) {
        throw new ApiError("conflict", `This key is already in the wallet as "${duplicate.label}" (${duplicate.address})`);
      }
      let keys: KeystoreKeys;
      let current: KeystoreFile;
      if (existing) {
        keys = await this.keysFor(existing, passphrase, "add account");
      } else {
        assertNewPassphrase(passphrase);
        const setting = { params: this.scryptParams, salt: newSalt() };
        keys = await deriveKeystoreKeys(passphrase, setting.salt, setting.params);
        current = sealVault({ roles: { operator: null, owner: null }, accounts: [] }, setting, keys);
      }
      try {
        if (existing) {
          if (!this.unlocked) await this.openWithKeys(existing, keys);
          current = this.requireUnlockedFile().file;
        }
        const entry = sealAccount(
          keys.encryptionKey,
          {
            address: account.pair.address,
            label: account.label,
            kind: account.secret.kind,
            hdPath: account.hdPath,
            publicKey: Buffer.from(account.pair.publicKey).toString("hex"),
            createdAt: this.now(),
          },
          account.secret,
        );
        this.writeKeystore(
          editKeystore(current!, keys.macKey, (draft) => {
            draft.accounts.push(entry);
            draft.roles.operator ??= entry.address;
          }),
        );
        const privateKey = Uint8Array.from(account.pair.privateKey);
        if (this.unlocked) this.unlocked.privateKeys.set(entry.address, privateKey);
        else this.unlocked = { macKey: Uint8Array.from(keys.macKey), privateKeys: new Map([[entry.address, privateKey]]) };
      } finally {
        wipeKeys(keys);
      }
    } finally {
      wipeSecret(account.secret);
      account.pair.privateKey.fill(0);
    }
  }

  /**
   * Unlocks with keys already checked against the passphrase: authenticates the file, derives every signing key (each
   * secret wiped once used) and upgrades a v1 file to v2. The caller still owns and wipes `keys`; the wallet keeps a
   * copy of the MAC key only.
   */
  private async openWithKeys(file: AnyKeystoreFile, keys: KeystoreKeys): Promise<void> {
    let opened: Awaited<ReturnType<typeof unlockKeystore>>;
    try {
      opened = await unlockKeystore(file, keys);
    } catch (error) {
      if (error instanceof ApiError && error.code === "corrupt") this.markUnreadable(error);
      throw error;
    }
    try {
      if (opened.upgraded) {
        this.writeKeystore(opened.upgraded);
        this.log.info("keystore upgraded", { from: KEYSTORE_FORMAT_V1, to: KEYSTORE_FORMAT, accounts: opened.upgraded.accounts.length });
      }
    } catch (error) {
      for (const key of opened.signingKeys.values()) key.fill(0);
      throw error;
    }
    this.replaceUnlocked({ macKey: Uint8Array.from(keys.macKey), privateKeys: opened.signingKeys });
  }

  private async unlockFromDevice(file: AnyKeystoreFile): Promise<void> {
    const keys = this.device.recall(file);
    if (!keys) return;
    try {
      await this.openWithKeys(file, keys);
      this.log.info("wallet unlocked with the key remembered on this device");
    } catch (error) {
      this.log.warn("the keystore could not be opened with the remembered key", { error });
    } finally {
      wipeKeys(keys);
    }
  }

  /** Writes the keystore (always v2); the first write over a v1 file keeps a copy of it until the new one is whole. */
  private writeKeystore(file: KeystoreFile): void {
    if (this.file?.format === KEYSTORE_FORMAT_V1) upgradeKeystoreFile(this.keystorePath, this.upgradeBackupPath, file);
    else writeKeystoreFile(this.keystorePath, file);
    this.file = file;
    this.problem = null;
  }

  /** A metadata change while unlocked: the MAC is recomputed with the key held; no secret is opened. */
  private edit(change: (draft: KeystoreBody) => void): void {
    const { file, keys } = this.requireUnlockedFile();
    this.writeKeystore(editKeystore(file, keys.macKey, change));
  }

  private replaceUnlocked(next: UnlockedKeys): void {
    this.forgetKeys();
    this.unlocked = next;
  }

  private forgetKeys(): void {
    if (!this.unlocked) return;
    this.unlocked.macKey.fill(0);
    for (const key of this.unlocked.privateKeys.values()) key.fill(0);
    this.unlocked = null;
  }

  private requireReadable(): AnyKeystoreFile | null {
    if (this.problem) throw new ApiError("corrupt", this.problem.message, { reason: this.problem.reason });
    return this.file;
  }

  private requireFile(): AnyKeystoreFile {
    const file = this.requireReadable();
    if (!file) throw new ApiError("not_found", "There is no wallet yet: create or import an account first");
    return file;
  }

  private requireUnlocked(): UnlockedKeys {
    this.requireFile();
    if (!this.unlocked) throw new ApiError("locked", "Unlock the wallet first");
    return this.unlocked;
  }

  /** The keystore while unlocked, which is always v2 (unlocking upgrades a v1 file), and the keys held. */
  private requireUnlockedFile(): { file: KeystoreFile; keys: UnlockedKeys } {
    const keys = this.requireUnlocked();
    const file = this.file!;
    if (file.format !== KEYSTORE_FORMAT) throw new Error("an unlocked wallet holds a keystore that was not upgraded");
    return { file, keys };
  }

  /** The canonical address of an account of this keystore; ApiError when malformed or absent. */
  private requireAccount(address: string): string {
    const canonical = parsePoktAddress(address);
    this.accountEntry(canonical);
    return canonical;
  }

  private accountEntry(address: string) {
    const entry = this.requireFile().accounts.find((a) => a.address === address);
    if (!entry) throw new ApiError("not_found", `No account ${address} in this wallet`);
    return entry;
  }

  private summaryOf(address: string): AccountSummary {
    return this.listAccounts().find((a) => a.address === address)!;
  }

  private signerAddress(address?: string): string {
    const target = address ?? this.operatorAddress;
    if (!target) throw new ApiError("conflict", "No operator account is chosen");
    return this.requireAccount(target);
  }

  private custodyOf(ownerAddress: string): OwnerCustody {
    if (ownerAddress === this.file?.roles.operator) return "operator";
    return this.file?.accounts.some((a) => a.address === ownerAddress) ? "local" : "external";
  }
}

/** A phrase's bytes, in a buffer of its own that can be wiped (Buffer.from may share a pool with other data). */
function phraseBytes(phrase: string): Uint8Array {
  return new TextEncoder().encode(phrase);
}

function assertNewPassphrase(passphrase: string): void {
  if (passphrase.normalize("NFKC").length < MIN_NEW_PASSPHRASE_LENGTH) {
    throw new ApiError("invalid_params", `Choose a passphrase of at least ${MIN_NEW_PASSPHRASE_LENGTH} characters`, {
      reason: "weak_passphrase",
    });
  }
}
