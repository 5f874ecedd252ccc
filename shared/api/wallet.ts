import { z } from "zod";
import { method, type EventMap, type MethodMap } from "./define.js";

/**
 * The wallet's share of the API. No schema here carries a private key or mnemonic except the two places the issue
 * allows: the result of wallet.create (shown once, to be written down) and the result of wallet.reveal.
 */

/** A bech32 address as typed or pasted; the engine checks its checksum and that its prefix is `pokt`. */
export const AddressInput = z.string().trim().min(1, "enter an address").max(200);

/** The passphrase that unlocks an existing keystore (never checked for strength: it already exists). */
export const Passphrase = z.string().min(1, "enter your wallet passphrase").max(1024);

/** A passphrase being chosen: long enough to make guessing against a stolen keystore file expensive. */
export const NewPassphrase = z.string().min(8, "use at least 8 characters").max(1024);

export const AccountLabel = z.string().trim().min(1, "give the account a name").max(64, "64 characters at most");

/** BIP44 address index n of m/44'/118'/0'/0/n (non-hardened, so below 2^31). */
export const HdIndex = z.number().int().min(0).max(2 ** 31 - 1);

export const AccountKind = z.enum(["mnemonic", "private_key"]);
export type AccountKind = z.infer<typeof AccountKind>;

export const AccountSummary = z.object({
  address: z.string(),
  label: z.string(),
  kind: AccountKind,
  /** Derivation path for mnemonic accounts, e.g. m/44'/118'/0'/0/0; null for an imported raw key. */
  hdPath: z.string().nullable(),
  /** Compressed secp256k1 public key, hex (33 bytes). */
  publicKeyHex: z.string(),
  createdAt: z.number().describe("epoch milliseconds"),
  isOperator: z.boolean(),
  isOwner: z.boolean(),
});
export type AccountSummary = z.infer<typeof AccountSummary>;

/**
 * Who holds the owner key: the operator account itself, another account in this keystore, or somebody else
 * (a hardware wallet, an exchange, a cold machine), in which case the app prepares commands for the owner to sign.
 */
export const OwnerCustody = z.enum(["operator", "local", "external"]);
export type OwnerCustody = z.infer<typeof OwnerCustody>;

export const DeviceUnlockAvailability = z.enum([
  /** The OS keychain (Keychain, DPAPI, libsecret, KWallet) can wrap the wallet key. */
  "available",
  /** Electron offers only its plain-text backend (Linux `basic_text`): remembering would store the key unprotected. */
  "plain_text_only",
  /** The OS store exists but cannot encrypt right now. */
  "unavailable",
  /** This engine has no OS store at all (headless Node). */
  "not_supported",
]);
export type DeviceUnlockAvailability = z.infer<typeof DeviceUnlockAvailability>;

export const WalletState = z.enum([
  /** No keystore yet: the wizard creates or imports the first account. */
  "absent",
  "locked",
  "unlocked",
  /** The keystore file exists but cannot be read (damaged, or written by a newer PocketForge); see `problem`. */
  "unreadable",
]);
export type WalletState = z.infer<typeof WalletState>;

/** Everything the UI may know about the wallet. Holds no secret; pushed as wallet.changed on every change. */
export const WalletSnapshot = z.object({
  state: WalletState,
  problem: z.object({ reason: z.string(), message: z.string() }).nullable(),
  accounts: z.array(AccountSummary),
  operatorAddress: z.string().nullable(),
  owner: z.object({ address: z.string(), custody: OwnerCustody }).nullable(),
  device: z.object({ remembered: z.boolean(), availability: DeviceUnlockAvailability }),
});
export type WalletSnapshot = z.infer<typeof WalletSnapshot>;

export const ImportSource = z.discriminatedUnion("type", [
  z.object({ type: z.literal("mnemonic"), mnemonic: z.string().min(1).max(1000), index: HdIndex.default(0) }).strict(),
  /** e.g. the output of `pocketd keys export <name> --unarmored-hex --unsafe` (64 hex digits, `0x` allowed). */
  z.object({ type: z.literal("private_key"), privateKeyHex: z.string().min(1).max(200) }).strict(),
]);
export type ImportSource = z.infer<typeof ImportSource>;

export const RevealedSecret = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("mnemonic"), mnemonic: z.string(), hdPath: z.string() }),
  z.object({ kind: z.literal("private_key"), privateKeyHex: z.string() }),
]);
export type RevealedSecret = z.infer<typeof RevealedSecret>;

/** RPC types `pocketd` accepts in a supplier stake config. */
export const StakeRpcType = z.enum(["JSON_RPC", "REST", "WEBSOCKET"]);
export type StakeRpcType = z.infer<typeof StakeRpcType>;

/** Revenue share: address → whole percent (the shares of one service must add up to 100). */
export const RevSharePercent = z.record(z.string(), z.number().int().min(1).max(100));

export const StakeServiceInput = z.object({
  serviceId: z.string().min(1).max(42),
  endpoints: z
    .array(
      z.object({
        publiclyExposedUrl: z.string().min(1).max(2000),
        rpcType: StakeRpcType,
        /** Optional per-endpoint timeout as pocketd reads it, e.g. "30s". */
        timeout: z.string().regex(/^\d+(ms|s|m)$/, 'a duration such as "30s"').optional(),
      }).strict(),
    )
    .min(1, "each service needs at least one endpoint"),
  revSharePercent: RevSharePercent.optional(),
}).strict();
export type StakeServiceInput = z.infer<typeof StakeServiceInput>;

/** Where the staking transaction goes: a network `pocketd --network` knows, or an explicit node and chain id. */
export const StakeNetwork = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("named"), name: z.enum(["main", "beta"]) }).strict(),
  z.object({ kind: z.literal("custom"), nodeUrl: z.url(), chainId: z.string().min(1).max(100) }).strict(),
]);
export type StakeNetwork = z.infer<typeof StakeNetwork>;

export const StakeCommandParams = z.object({
  /** Total stake in upokt (not a delta), digits only. */
  stakeUpokt: z.string().regex(/^[1-9]\d{0,30}$/, "a positive whole number of upokt"),
  services: z.array(StakeServiceInput).min(1, "stake at least one service"),
  defaultRevSharePercent: RevSharePercent.optional(),
  network: StakeNetwork,
  /** File name the user saves the YAML under; the command refers to it. */
  configFileName: z.string().min(1).max(200).default("stake_supplier_config.yaml"),
  fees: z.string().regex(/^\d+upokt$/, 'an amount such as "1upokt"').default("1upokt"),
}).strict();
export type StakeCommandParams = z.input<typeof StakeCommandParams>;

export const StakeCommand = z.object({
  /** The supplier stake config, per docs/protocol.md §10.1. */
  yaml: z.string(),
  configFileName: z.string(),
  /** One line for a POSIX shell. */
  command: z.string(),
  /** The same command as an argument vector (for spawning, or quoting for another shell). */
  argv: z.array(z.string()),
  signerAddress: z.string(),
  /** True when the owner key is not in this app, so the user must run the command wherever the owner key lives. */
  signOutside: z.boolean(),
});
export type StakeCommand = z.infer<typeof StakeCommand>;

const NoParams = z.object({}).strict();
const AddressParam = z.object({ address: AddressInput }).strict();

export const walletMethods = {
  "wallet.status": method(NoParams, WalletSnapshot, "Whether a keystore exists and is unlocked, its accounts and roles"),
  "wallet.list": method(NoParams, z.array(AccountSummary), "The accounts of the keystore (addresses and labels only)"),
  "wallet.create": method(
    z.object({
      words: z.union([z.literal(12), z.literal(24)]).default(24),
      label: AccountLabel,
      /** Chooses the keystore passphrase when there is no keystore yet; otherwise must be the current one. */
      passphrase: Passphrase,
    }).strict(),
    z.object({ account: AccountSummary, mnemonic: z.string(), snapshot: WalletSnapshot }),
    "Create an account from a new recovery phrase; the phrase is returned this once, to be written down",
  ),
  "wallet.import": method(
    z.object({ source: ImportSource, label: AccountLabel, passphrase: Passphrase }).strict(),
    z.object({ account: AccountSummary, snapshot: WalletSnapshot }),
    "Import an account from a recovery phrase or a raw hex private key",
  ),
  "wallet.unlock": method(
    z.object({
      passphrase: Passphrase,
      /** true: let this device unlock the wallet at start (OS keychain); false: forget that; absent: no change. */
      remember: z.boolean().optional(),
    }).strict(),
    WalletSnapshot,
    "Unlock the keystore so the engine can sign (the keys never leave the engine)",
  ),
  "wallet.lock": method(NoParams, WalletSnapshot, "Forget the unlocked keys; the relay miner stops signing"),
  "wallet.forgetDevice": method(NoParams, WalletSnapshot, "Stop unlocking the wallet automatically on this device"),
  "wallet.changePassphrase": method(
    z.object({ currentPassphrase: Passphrase, newPassphrase: NewPassphrase }).strict(),
    WalletSnapshot,
    "Re-encrypt the keystore under a new passphrase",
  ),
  "wallet.reveal": method(
    z.object({ address: AddressInput, passphrase: Passphrase }).strict(),
    z.object({ address: z.string(), secret: RevealedSecret }),
    "Show an account's recovery phrase (or raw key); asks for the passphrase again",
  ),
  "wallet.rename": method(
    z.object({ address: AddressInput, label: AccountLabel }).strict(),
    WalletSnapshot,
    "Change an account's label",
  ),
  "wallet.prepareDelete": method(
    AddressParam,
    z.object({ address: z.string(), confirmationToken: z.string(), expiresAt: z.number(), warning: z.string() }),
    "First step of deleting an account: returns a short-lived token that wallet.delete requires",
  ),
  "wallet.delete": method(
    z.object({ address: AddressInput, confirmationToken: z.string().min(1).max(200), passphrase: Passphrase }).strict(),
    WalletSnapshot,
    "Delete an account from this device (its funds stay on chain; only the recovery phrase can restore it); asks for the passphrase again",
  ),
  "wallet.setOperator": method(
    AddressParam,
    WalletSnapshot,
    "Choose which account of this keystore operates the supplier (signs relays, claims, proofs, pays fees)",
  ),
  "wallet.setOwner": method(
    z.object({
      /** null: the operator account also owns the stake. Any other pokt address: that account owns it. */
      address: AddressInput.nullable(),
      /** Who owns the stake decides where it goes after an unstake: the passphrase is asked again. */
      passphrase: Passphrase,
    }).strict(),
    WalletSnapshot,
    "Choose the owner, who stakes and receives rewards: the operator itself, another local account, or an address",
  ),
  "wallet.stakeCommand": method(
    StakeCommandParams,
    StakeCommand,
    "The supplier stake YAML and the exact pocketd command the owner signs with (for an owner key kept elsewhere)",
  ),
} satisfies MethodMap;

export const walletEvents = {
  "wallet.changed": WalletSnapshot,
} satisfies EventMap;
