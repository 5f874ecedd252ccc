import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromBech32, toBech32 } from "@cosmjs/encoding";
import { makeSignBytes } from "@cosmjs/proto-signing";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { SignDoc } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { ApiError, type WalletSnapshot } from "../../../shared/api/index.js";
import { LogSink } from "../../../electron/core/runtime/logger.js";
import { deviceSecretStoreFromSafeStorage, type DeviceSecretStore } from "../../../electron/core/wallet/device-unlock.js";
import { keyPairFromMnemonic, poktHdPath } from "../../../electron/core/wallet/hd-keys.js";
import { parseKeystore, serializeKeystore } from "../../../electron/core/wallet/keystore-file.js";
import { WalletService } from "../../../electron/core/wallet/wallet-service.js";
import { responseSignableHash, verifyResponseSignature } from "../../../electron/core/pokt/response-signature.js";

const PASSPHRASE = "correct horse battery staple";
const PHRASE = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const RAW_KEY = "93cfd3f4e710a74431b704fe7f7698a8250de98688976be9230fcb47b9c0be12";

/** Reversible stand-in for the OS keychain, with switchable availability. */
class FakeKeychain implements DeviceSecretStore {
  state: ReturnType<DeviceSecretStore["availability"]> = "available";
  private readonly pad = randomBytes(64);
  availability() {
    return this.state;
  }
  encrypt(secret: Uint8Array) {
    return Uint8Array.from(secret, (byte, i) => byte ^ this.pad[i % this.pad.length]);
  }
  decrypt(wrapped: Uint8Array) {
    if (this.state !== "available") throw new Error("keychain locked");
    return this.encrypt(wrapped);
  }
}

function harness(options: { dataDir?: string; keychain?: DeviceSecretStore; now?: () => number } = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "pf-wallet-"));
  const events: WalletSnapshot[] = [];
  const logs = new LogSink({ dir: null, level: "debug" });
  const wallet = new WalletService({
    dataDir,
    logger: logs.logger("wallet"),
    emit: (event, snapshot) => {
      assert.equal(event, "wallet.changed");
      events.push(snapshot);
    },
    deviceSecretStore: options.keychain,
    scryptParams: { n: 16, r: 1, p: 1 },
    now: options.now,
  });
  const walletDir = join(dataDir, "wallet");
  return { dataDir, walletDir, keystorePath: join(walletDir, "keystore.json"), events, logs, wallet };
}

async function rejection(promise: Promise<unknown> | (() => unknown)): Promise<ApiError> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    assert.ok(error instanceof ApiError, `expected an ApiError, got ${error}`);
    return error;
  }
  assert.fail("no error");
}

async function signAndVerify(wallet: WalletService, address?: string) {
  const signer = wallet.directSigner(address);
  const [account] = await signer.getAccounts();
  const doc = SignDoc.fromPartial({ bodyBytes: new Uint8Array([1, 2, 3]), authInfoBytes: new Uint8Array([4]), chainId: "pocket", accountNumber: 7n });
  const { signature } = await signer.signDirect(account.address, doc);
  const raw = Buffer.from(signature.signature, "base64");
  assert.ok(secp256k1.verify(raw, makeSignBytes(doc), account.pubkey), "tx signature verifies");
  const relay = wallet.relayResponseSigner();
  const signable = new TextEncoder().encode("relay response bytes");
  assert.ok(verifyResponseSignature({ publicKey: relay.publicKey, msgHash: responseSignableHash(signable), signature: relay.signSignableBytes(signable) }));
}

describe("WalletService: creating and importing", () => {
  test("the first account becomes the operator and owner; the wallet is unlocked and saved owner-only", async () => {
    const h = harness();
    await h.wallet.start();
    assert.equal(h.events.at(-1)?.state, "absent");
    const { account, mnemonic } = await h.wallet.create({ words: 24, label: "Rig", passphrase: PASSPHRASE });
    assert.equal(mnemonic.split(" ").length, 24);
    assert.equal(account.address, (await keyPairFromMnemonic(mnemonic, poktHdPath(0))).address);
    assert.deepEqual([account.isOperator, account.isOwner, account.kind, account.hdPath], [true, true, "mnemonic", poktHdPath(0)]);
    const snapshot = h.wallet.snapshot();
    assert.equal(snapshot.state, "unlocked");
    assert.deepEqual(snapshot.owner, { address: account.address, custody: "operator" });
    assert.equal(statSync(h.keystorePath).mode & 0o777, 0o600);
    assert.deepEqual(h.events.at(-1), snapshot);
    for (const event of h.events) assert.ok(!JSON.stringify(event).includes(mnemonic), "phrase in an event");
  });

  test("a new keystore needs a passphrase of at least 8 characters", async () => {
    const h = harness();
    await h.wallet.start();
    const error = await rejection(h.wallet.create({ words: 12, label: "x", passphrase: "short" }));
    assert.equal(error.code, "invalid_params");
    assert.ok(!existsSync(h.keystorePath));
  });

  test("adding to an existing keystore needs its passphrase; a wrong one leaves the file untouched", async () => {
    const h = harness();
    await h.wallet.start();
    await h.wallet.create({ words: 12, label: "first", passphrase: PASSPHRASE });
    const before = readFileSync(h.keystorePath);
    const error = await rejection(h.wallet.importAccount({ source: { type: "private_key", privateKeyHex: RAW_KEY }, label: "k", passphrase: "not the one" }));
    assert.equal(error.code, "wrong_passphrase");
    assert.deepEqual(readFileSync(h.keystorePath), before);
    assert.equal(h.wallet.listAccounts().length, 1);
  });

  test("imports a phrase at a chosen index and a raw key; the same key twice is a conflict", async () => {
    const h = harness();
    await h.wallet.start();
    const fromPhrase = await h.wallet.importAccount({ source: { type: "mnemonic", mnemonic: PHRASE.toUpperCase(), index: 3 }, label: "phrase", passphrase: PASSPHRASE });
    assert.equal(fromPhrase.address, (await keyPairFromMnemonic(PHRASE, poktHdPath(3))).address);
    assert.equal(fromPhrase.hdPath, poktHdPath(3));
    const fromKey = await h.wallet.importAccount({ source: { type: "private_key", privateKeyHex: `0x${RAW_KEY}` }, label: "raw", passphrase: PASSPHRASE });
    assert.deepEqual([fromKey.kind, fromKey.hdPath, fromKey.isOperator], ["private_key", null, false]);
    const again = await rejection(h.wallet.importAccount({ source: { type: "private_key", privateKeyHex: RAW_KEY }, label: "again", passphrase: PASSPHRASE }));
    assert.equal(again.code, "conflict");
    assert.match(again.message, /already in the wallet as "raw"/);
    const typo = await rejection(h.wallet.importAccount({ source: { type: "mnemonic", mnemonic: PHRASE.replace(/about$/, "abuot"), index: 0 }, label: "t", passphrase: PASSPHRASE }));
    assert.equal(typo.details?.reason, "unknown_words");
  });

  test("concurrent imports are applied one after another: none is lost", async () => {
    const h = harness();
    await h.wallet.start();
    await h.wallet.create({ words: 12, label: "first", passphrase: PASSPHRASE });
    const keys = [1, 2, 3].map(() => randomBytes(32).toString("hex"));
    await Promise.all(keys.map((privateKeyHex, i) => h.wallet.importAccount({ source: { type: "private_key", privateKeyHex }, label: `k${i}`, passphrase: PASSPHRASE })));
    assert.equal(parseKeystore(readFileSync(h.keystorePath)).accounts.length, 4);
  });
});

describe("WalletService: locking, signing, revealing", () => {
  test("signers refuse while locked, including ones obtained before locking, and sign after unlocking", async () => {
    const h = harness();
    await h.wallet.start();
    await h.wallet.create({ words: 12, label: "op", passphrase: PASSPHRASE });
    await signAndVerify(h.wallet);
    const earlierRelaySigner = h.wallet.relayResponseSigner();
    assert.equal((await h.wallet.lock()).state, "locked");
    assert.equal((await rejection(() => earlierRelaySigner.signSignableBytes(new Uint8Array([1])))).code, "locked");
    assert.equal((await rejection(signAndVerify(h.wallet))).code, "locked");
    assert.equal((await rejection(h.wallet.unlock("wrong passphrase"))).code, "wrong_passphrase");
    assert.equal(h.wallet.snapshot().state, "locked");
    assert.equal((await h.wallet.unlock(PASSPHRASE)).state, "unlocked");
    await signAndVerify(h.wallet);
  });

  test("reveal asks for the passphrase even when unlocked and returns the account's own secret", async () => {
    const h = harness();
    await h.wallet.start();
    const { account } = await h.wallet.create({ words: 12, label: "phrase", passphrase: PASSPHRASE });
    const raw = await h.wallet.importAccount({ source: { type: "private_key", privateKeyHex: RAW_KEY }, label: "raw", passphrase: PASSPHRASE });
    assert.equal((await rejection(h.wallet.reveal(account.address, "guess"))).code, "wrong_passphrase");
    const revealed = await h.wallet.reveal(account.address, PASSPHRASE);
    assert.equal(revealed.secret.kind, "mnemonic");
    if (revealed.secret.kind === "mnemonic") {
      assert.equal((await keyPairFromMnemonic(revealed.secret.mnemonic, revealed.secret.hdPath)).address, account.address);
    }
    await h.wallet.lock();
    assert.deepEqual((await h.wallet.reveal(raw.address, PASSPHRASE)).secret, { kind: "private_key", privateKeyHex: RAW_KEY });
    assert.equal((await rejection(h.wallet.reveal(toBech32("pokt", new Uint8Array(20)), PASSPHRASE))).code, "not_found");
  });

  test("changing the passphrase re-encrypts: the old one stops working, the wallet stays unlocked", async () => {
    const h = harness();
    await h.wallet.start();
    await h.wallet.create({ words: 12, label: "op", passphrase: PASSPHRASE });
    const saltBefore = parseKeystore(readFileSync(h.keystorePath)).kdf.salt;
    assert.equal((await rejection(h.wallet.changePassphrase("wrong", "a brand new passphrase"))).code, "wrong_passphrase");
    assert.equal((await h.wallet.changePassphrase(PASSPHRASE, "a brand new passphrase")).state, "unlocked");
    assert.notEqual(parseKeystore(readFileSync(h.keystorePath)).kdf.salt, saltBefore);
    await signAndVerify(h.wallet);
    await h.wallet.setOwner(null); // a metadata change still seals with the new keys
    await h.wallet.lock();
    assert.equal((await rejection(h.wallet.unlock(PASSPHRASE))).code, "wrong_passphrase");
    await h.wallet.unlock("a brand new passphrase");
  });

  test("while locked, labels, roles and deletion are refused", async () => {
    const h = harness();
    await h.wallet.start();
    const { account } = await h.wallet.create({ words: 12, label: "op", passphrase: PASSPHRASE });
    await h.wallet.lock();
    assert.equal((await rejection(h.wallet.rename(account.address, "new"))).code, "locked");
    assert.equal((await rejection(h.wallet.setOwner(null))).code, "locked");
    assert.equal((await rejection(() => h.wallet.prepareDelete(account.address))).code, "locked");
  });
});

describe("WalletService: deleting", () => {
  test("needs the token of a prepared deletion of that same account, used once, before it expires", async () => {
    let now = 1_000_000;
    const h = harness({ now: () => now });
    await h.wallet.start();
    const { account: first } = await h.wallet.create({ words: 12, label: "first", passphrase: PASSPHRASE });
    const second = await h.wallet.importAccount({ source: { type: "private_key", privateKeyHex: RAW_KEY }, label: "second", passphrase: PASSPHRASE });

    assert.equal((await rejection(h.wallet.deleteAccount(second.address, "guessed-token"))).details?.reason, "confirmation");
    const forFirst = h.wallet.prepareDelete(first.address);
    assert.match(forFirst.warning, /recovery phrase/);
    assert.equal((await rejection(h.wallet.deleteAccount(second.address, forFirst.confirmationToken))).details?.reason, "confirmation");
    const expiring = h.wallet.prepareDelete(second.address);
    now = expiring.expiresAt + 1;
    assert.equal((await rejection(h.wallet.deleteAccount(second.address, expiring.confirmationToken))).details?.reason, "confirmation");
    assert.equal(h.wallet.listAccounts().length, 2);

    const valid = h.wallet.prepareDelete(second.address);
    const after = await h.wallet.deleteAccount(second.address, valid.confirmationToken);
    assert.deepEqual(after.accounts.map((a) => a.address), [first.address]);
    assert.equal((await rejection(h.wallet.deleteAccount(second.address, valid.confirmationToken))).code, "not_found");
    assert.equal(parseKeystore(readFileSync(h.keystorePath)).accounts.length, 1);
  });

  test("deleting the operator clears the role; deleting the last account removes the keystore", async () => {
    const h = harness();
    await h.wallet.start();
    const { account: op } = await h.wallet.create({ words: 12, label: "op", passphrase: PASSPHRASE });
    const other = await h.wallet.importAccount({ source: { type: "private_key", privateKeyHex: RAW_KEY }, label: "other", passphrase: PASSPHRASE });
    const afterOp = await h.wallet.deleteAccount(op.address, h.wallet.prepareDelete(op.address).confirmationToken);
    assert.equal(afterOp.operatorAddress, null);
    assert.equal((await rejection(() => h.wallet.relayResponseSigner())).code, "conflict");
    const afterAll = await h.wallet.deleteAccount(other.address, h.wallet.prepareDelete(other.address).confirmationToken);
    assert.equal(afterAll.state, "absent");
    assert.ok(!existsSync(h.keystorePath));
  });
});

describe("WalletService: operator and owner", () => {
  test("the owner can be the operator, another local account or an address kept elsewhere", async () => {
    const h = harness();
    await h.wallet.start();
    const { account: op } = await h.wallet.create({ words: 12, label: "op", passphrase: PASSPHRASE });
    const cold = await h.wallet.importAccount({ source: { type: "private_key", privateKeyHex: RAW_KEY }, label: "cold", passphrase: PASSPHRASE });
    const hardwareWallet = toBech32("pokt", randomBytes(20));

    assert.deepEqual((await h.wallet.setOwner(cold.address)).owner, { address: cold.address, custody: "local" });
    const external = await h.wallet.setOwner(hardwareWallet.toUpperCase());
    assert.deepEqual(external.owner, { address: hardwareWallet, custody: "external" });
    assert.ok(external.accounts.every((a) => !a.isOwner));

    const stake = h.wallet.stakeCommand({
      stakeUpokt: "1000000",
      services: [{ serviceId: "llm", endpoints: [{ publiclyExposedUrl: "https://rig.example", rpcType: "REST" }] }],
      network: { kind: "named", name: "beta" },
      configFileName: "stake.yaml",
      fees: "1upokt",
    });
    assert.equal(stake.signOutside, true);
    assert.equal(stake.signerAddress, hardwareWallet);
    assert.ok(stake.yaml.startsWith(`owner_address: ${hardwareWallet}\noperator_address: ${op.address}\n`));

    const cosmos = toBech32("cosmos", fromBech32(hardwareWallet, 90).data);
    const refused = await rejection(h.wallet.setOwner(cosmos));
    assert.equal(refused.details?.reason, "prefix_mismatch");
    assert.equal(h.wallet.snapshot().owner?.address, hardwareWallet, "a refused owner changes nothing");

    assert.deepEqual((await h.wallet.setOwner(null)).owner, { address: op.address, custody: "operator" });
    const switched = await h.wallet.setOperator(cold.address);
    assert.equal(switched.operatorAddress, cold.address);
    assert.equal(h.wallet.relayResponseSigner().address, cold.address);
    assert.equal((await rejection(h.wallet.setOperator(hardwareWallet))).code, "not_found");
  });
});

describe("WalletService: files on disk", () => {
  test("a restart finds the accounts, locked, and clears temp files of interrupted writes", async () => {
    const first = harness();
    await first.wallet.start();
    const { account } = await first.wallet.create({ words: 12, label: "op", passphrase: PASSPHRASE });
    await first.wallet.dispose();
    writeFileSync(join(first.walletDir, ".keystore.json.0123456789ab.tmp"), "half a write");

    const second = harness({ dataDir: first.dataDir });
    await second.wallet.start();
    const snapshot = second.wallet.snapshot();
    assert.equal(snapshot.state, "locked");
    assert.deepEqual(snapshot.accounts.map((a) => [a.address, a.label]), [[account.address, "op"]]);
    assert.deepEqual(readdirSync(second.walletDir).filter((n) => n.endsWith(".tmp")), []);
    await second.wallet.unlock(PASSPHRASE);
    await signAndVerify(second.wallet);
  });

  test("a damaged keystore is reported, and never overwritten by a new account", async () => {
    const first = harness();
    await first.wallet.start();
    await first.wallet.create({ words: 12, label: "op", passphrase: PASSPHRASE });
    const bytes = readFileSync(first.keystorePath);
    const saltDigit = bytes.indexOf('"salt": "') + 9; // one hex digit of the salt: still well-formed, now wrong
    bytes[saltDigit] = bytes[saltDigit] === 0x30 ? 0x31 : 0x30;
    writeFileSync(first.keystorePath, bytes);

    const second = harness({ dataDir: first.dataDir });
    await second.wallet.start();
    const snapshot = second.wallet.snapshot();
    assert.equal(snapshot.state, "unreadable");
    assert.equal(snapshot.problem?.reason, "checksum");
    assert.equal((await rejection(second.wallet.create({ words: 12, label: "new", passphrase: PASSPHRASE }))).code, "corrupt");
    assert.equal((await rejection(second.wallet.unlock(PASSPHRASE))).code, "corrupt");
    assert.deepEqual(readFileSync(first.keystorePath), bytes);
  });

  test("a keystore tampered with by someone who fixed the checksum fails to unlock as corrupt, and says so", async () => {
    const first = harness();
    await first.wallet.start();
    await first.wallet.create({ words: 12, label: "op", passphrase: PASSPHRASE });
    const file = parseKeystore(readFileSync(first.keystorePath));
    file.roles.owner = toBech32("pokt", randomBytes(20)); // rewards redirected
    writeFileSync(first.keystorePath, serializeKeystore(file));

    const second = harness({ dataDir: first.dataDir });
    await second.wallet.start();
    assert.equal(second.wallet.snapshot().state, "locked", "the checksum alone cannot tell");
    const error = await rejection(second.wallet.unlock(PASSPHRASE));
    assert.deepEqual([error.code, error.details?.reason], ["corrupt", "tampered"]);
    assert.equal(second.events.at(-1)?.state, "unreadable");
    assert.equal(second.wallet.isUnlocked, false);
  });
});

describe("WalletService: remember on this device", () => {
  test("a remembered wallet unlocks itself after a restart, and no longer once forgotten", async () => {
    const keychain = new FakeKeychain();
    const first = harness({ keychain });
    await first.wallet.start();
    await first.wallet.create({ words: 12, label: "op", passphrase: PASSPHRASE });
    await first.wallet.lock();
    const remembered = await first.wallet.unlock(PASSPHRASE, true);
    assert.deepEqual(remembered.device, { remembered: true, availability: "available" });
    const deviceFile = join(first.walletDir, "device-unlock.json");
    assert.equal(statSync(deviceFile).mode & 0o777, 0o600);
    await first.wallet.dispose();

    const second = harness({ dataDir: first.dataDir, keychain });
    await second.wallet.start();
    assert.equal(second.wallet.snapshot().state, "unlocked");
    await signAndVerify(second.wallet);

    await second.wallet.changePassphrase(PASSPHRASE, "another passphrase");
    const third = harness({ dataDir: first.dataDir, keychain });
    await third.wallet.start();
    assert.equal(third.wallet.snapshot().state, "unlocked", "the new passphrase's key was remembered");

    await third.wallet.forgetDevice();
    assert.ok(!existsSync(deviceFile));
    const fourth = harness({ dataDir: first.dataDir, keychain });
    await fourth.wallet.start();
    assert.equal(fourth.wallet.snapshot().state, "locked");
  });

  test("Electron's plain-text backend is refused with a clear error, before any key derivation", async () => {
    const keychain = new FakeKeychain();
    keychain.state = "plain_text_only";
    const h = harness({ keychain });
    await h.wallet.start();
    await h.wallet.create({ words: 12, label: "op", passphrase: PASSPHRASE });
    await h.wallet.lock();
    const error = await rejection(h.wallet.unlock("even a wrong passphrase", true));
    assert.equal(error.code, "unavailable");
    assert.match(error.message, /basic_text/);
    assert.equal(h.wallet.snapshot().state, "locked");
    assert.ok(!existsSync(join(h.walletDir, "device-unlock.json")));
    assert.equal((await rejection(harness().wallet.unlock(PASSPHRASE, true))).code, "unavailable", "headless: no store at all");
  });

  test("when the keychain cannot decrypt at start, the wallet stays locked and can be unlocked by hand", async () => {
    const keychain = new FakeKeychain();
    const first = harness({ keychain });
    await first.wallet.start();
    await first.wallet.create({ words: 12, label: "op", passphrase: PASSPHRASE });
    await first.wallet.unlock(PASSPHRASE, true);
    keychain.state = "unavailable";
    const second = harness({ dataDir: first.dataDir, keychain });
    await second.wallet.start();
    assert.equal(second.wallet.snapshot().state, "locked");
    assert.equal((await second.wallet.unlock(PASSPHRASE)).state, "unlocked");
  });

  test("the safeStorage adapter maps Electron's backends to availability and round-trips secrets", () => {
    const fake = (backend: string | undefined, available: boolean) => ({
      isEncryptionAvailable: () => available,
      encryptString: (text: string) => Buffer.from(`enc:${text}`),
      decryptString: (data: Buffer) => data.toString().replace(/^enc:/, ""),
      ...(backend ? { getSelectedStorageBackend: () => backend } : {}),
    });
    assert.equal(deviceSecretStoreFromSafeStorage(fake("basic_text", true), "linux").availability(), "plain_text_only");
    assert.equal(deviceSecretStoreFromSafeStorage(fake("unknown", true), "linux").availability(), "unavailable");
    assert.equal(deviceSecretStoreFromSafeStorage(fake("gnome_libsecret", true), "linux").availability(), "available");
    assert.equal(deviceSecretStoreFromSafeStorage(fake(undefined, true), "darwin").availability(), "available");
    assert.equal(deviceSecretStoreFromSafeStorage(fake(undefined, false), "win32").availability(), "unavailable");
    const store = deviceSecretStoreFromSafeStorage(fake("kwallet5", true), "linux");
    const secret = Uint8Array.from(randomBytes(32));
    assert.deepEqual(store.decrypt(store.encrypt(secret)), secret);
  });
});
