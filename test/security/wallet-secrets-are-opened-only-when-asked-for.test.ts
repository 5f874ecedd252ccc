// The wallet's recovery phrases and keys are decrypted only when someone asks for them (unlock, reveal, a new
// passphrase), never by bookkeeping (a label, the roles, the account list); an unlocked wallet holds nothing that
// could decrypt them, and locking zeroes what it held. Someone who edits the keystore file (fixing its checksum) to
// relabel accounts, redirect the owner or move a secret under another account is caught at unlock.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toBech32 } from "@cosmjs/encoding";
import { ApiError } from "../../shared/api/index.js";
import { LogSink } from "../../electron/core/runtime/logger.js";
import { recordKeystoreActivity, type KeystoreActivity } from "../../electron/core/wallet/keystore-activity.js";
import { parseKeystore, serializeKeystore, type AnyKeystoreFile } from "../../electron/core/wallet/keystore-file.js";
import { WalletService } from "../../electron/core/wallet/wallet-service.js";

const PASSPHRASE = "correct horse battery staple";

function harness(dataDir = mkdtempSync(join(tmpdir(), "pf-wallet-sealed-"))) {
  const logs = new LogSink({ dir: null, level: "debug" });
  const wallet = new WalletService({ dataDir, logger: logs.logger("wallet"), emit: () => undefined, scryptParams: { n: 16, r: 1, p: 1 } });
  return { dataDir, keystorePath: join(dataDir, "wallet", "keystore.json"), wallet };
}

/** A wallet of three accounts (a created phrase, an imported phrase, a raw key), unlocked. */
async function threeAccounts() {
  const h = harness();
  await h.wallet.start();
  const { account: created } = await h.wallet.create({ words: 12, label: "created", passphrase: PASSPHRASE });
  const phrase = await h.wallet.importAccount({
    source: { type: "mnemonic", mnemonic: "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", index: 2 },
    label: "imported phrase",
    passphrase: PASSPHRASE,
  });
  const raw = await h.wallet.importAccount({ source: { type: "private_key", privateKeyHex: randomBytes(32).toString("hex") }, label: "raw", passphrase: PASSPHRASE });
  return { ...h, addresses: [created.address, phrase.address, raw.address] };
}

const onDisk = (path: string) => parseKeystore(readFileSync(path));
const sealedSecrets = (file: AnyKeystoreFile) => Object.fromEntries(file.accounts.map((a) => [a.address, a.secret]));

async function watching(act: () => Promise<unknown>): Promise<KeystoreActivity[]> {
  const activity = recordKeystoreActivity();
  try {
    await act();
  } finally {
    activity.stop();
  }
  return activity.events;
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApiError, `expected an ApiError, got ${error}`);
    return error;
  }
  assert.fail("no error");
}

/**
 * What the unlocked wallet holds in memory. Zeroing is a property of memory the API never exposes, so this reads the
 * service's private state (the only place the test looks inside).
 */
function held(wallet: WalletService): { macKey: Uint8Array; privateKeys: Map<string, Uint8Array> } | null {
  return (wallet as unknown as { unlocked: { macKey: Uint8Array; privateKeys: Map<string, Uint8Array> } | null }).unlocked;
}

describe("bookkeeping opens no secret", () => {
  test("renaming, choosing the operator and the owner and deleting an account decrypt nothing and re-seal nothing", async () => {
    const h = await threeAccounts();
    const before = sealedSecrets(onDisk(h.keystorePath));
    const [created, phrase, raw] = h.addresses;
    const events = await watching(async () => {
      await h.wallet.rename(phrase, "renamed ✓");
      await h.wallet.setOperator(raw);
      await h.wallet.setOwner(phrase);
      await h.wallet.deleteAccount(created, h.wallet.prepareDelete(created).confirmationToken);
    });
    assert.deepEqual(events, [], "no key derived, no secret decrypted or encrypted");
    const after = onDisk(h.keystorePath);
    assert.deepEqual(sealedSecrets(after), { [phrase]: before[phrase], [raw]: before[raw] }, "the other accounts' ciphertexts are byte for byte the same");

    // The changes are sealed for real: after a lock the passphrase opens them, and the keys still sign.
    await h.wallet.lock();
    const unlocked = await h.wallet.unlock(PASSPHRASE);
    assert.deepEqual(unlocked.accounts.map((a) => [a.address, a.label]), [[phrase, "renamed ✓"], [raw, "raw"]]);
    assert.equal(unlocked.operatorAddress, raw);
    assert.equal(unlocked.owner?.address, phrase);
    assert.equal(h.wallet.relayResponseSigner().signSignableBytes(new Uint8Array([1])).length, 64);
  });

  test("adding an account to an unlocked wallet seals that account alone", async () => {
    const h = await threeAccounts();
    const before = sealedSecrets(onDisk(h.keystorePath));
    let added = "";
    const events = await watching(async () => {
      added = (await h.wallet.importAccount({ source: { type: "private_key", privateKeyHex: randomBytes(32).toString("hex") }, label: "fourth", passphrase: PASSPHRASE })).address;
    });
    assert.deepEqual(events, [{ operation: "derive-keys" }, { operation: "encrypt-secret", address: added }]);
    const after = sealedSecrets(onDisk(h.keystorePath));
    for (const address of h.addresses) assert.deepEqual(after[address], before[address]);
  });

  test("only unlock, reveal and a new passphrase decrypt, and only what they need", async () => {
    const h = await threeAccounts();
    await h.wallet.lock();
    const decrypted = (events: KeystoreActivity[]) => events.filter((e) => e.operation === "decrypt-secret").map((e) => (e as { address: string }).address);
    assert.deepEqual(decrypted(await watching(() => h.wallet.unlock(PASSPHRASE))), h.addresses);
    assert.deepEqual(decrypted(await watching(() => h.wallet.reveal(h.addresses[1], PASSPHRASE))), [h.addresses[1]]);
    assert.deepEqual(decrypted(await watching(() => h.wallet.confirmPassphrase(PASSPHRASE, "send"))), []);
    assert.deepEqual(decrypted(await watching(() => h.wallet.changePassphrase(PASSPHRASE, "another passphrase"))), h.addresses);
  });
});

describe("what an unlocked wallet holds", () => {
  test("signing keys and the MAC key, nothing that decrypts; locking zeroes all of it", async () => {
    const h = await threeAccounts();
    await h.wallet.lock();
    await h.wallet.unlock(PASSPHRASE);
    const ring = held(h.wallet)!;
    assert.deepEqual(Object.keys(ring).sort(), ["macKey", "privateKeys"], "no encryption key, no passphrase-derived master");
    assert.deepEqual([...ring.privateKeys.keys()], h.addresses);
    const buffers = [ring.macKey, ...ring.privateKeys.values()];
    assert.ok(buffers.every((b) => b.length === 32 && b.some((byte) => byte !== 0)));

    await h.wallet.lock();
    assert.equal(held(h.wallet), null);
    for (const buffer of buffers) assert.ok(buffer.every((byte) => byte === 0), "a held key survived the lock");
  });

  test("deleting an account zeroes its key; disposing the engine zeroes the rest", async () => {
    const h = await threeAccounts();
    const ring = held(h.wallet)!;
    const deletedKey = ring.privateKeys.get(h.addresses[0])!;
    await h.wallet.deleteAccount(h.addresses[0], h.wallet.prepareDelete(h.addresses[0]).confirmationToken);
    assert.ok(deletedKey.every((byte) => byte === 0));
    const rest = [ring.macKey, ...ring.privateKeys.values()];
    await h.wallet.dispose();
    for (const buffer of rest) assert.ok(buffer.every((byte) => byte === 0));
  });
});

describe("an edited keystore file is caught at unlock", () => {
  async function tamperedThenUnlocked(tamper: (file: AnyKeystoreFile, addresses: string[]) => void): Promise<{ error: ApiError; wallet: WalletService }> {
    const h = await threeAccounts();
    await h.wallet.dispose();
    const file = onDisk(h.keystorePath);
    tamper(file, h.addresses);
    writeFileSync(h.keystorePath, serializeKeystore(file)); // checksum recomputed: only the keyed checks can tell
    const again = harness(h.dataDir);
    await again.wallet.start();
    assert.equal(again.wallet.snapshot().state, "locked", "the unkeyed checksum alone cannot tell");
    return { error: await rejection(again.wallet.unlock(PASSPHRASE)), wallet: again.wallet };
  }

  test("a relabelled account: refused as tampered, with a message that says what not to trust", async () => {
    const { error, wallet } = await tamperedThenUnlocked((file) => void (file.accounts[2].label = "created"));
    assert.deepEqual([error.code, error.details?.reason], ["corrupt", "tampered"]);
    assert.match(error.message, /altered: its accounts, labels or owner and operator settings are not what this passphrase last saved/);
    assert.equal(wallet.snapshot().state, "unreadable");
    assert.equal(held(wallet), null);
  });

  test("the owner redirected, or the accounts reordered: refused as tampered", async () => {
    for (const tamper of [
      (file: AnyKeystoreFile) => void (file.roles.owner = toBech32("pokt", randomBytes(20))),
      (file: AnyKeystoreFile) => void file.accounts.reverse(),
    ]) {
      const { error, wallet } = await tamperedThenUnlocked(tamper);
      assert.deepEqual([error.code, error.details?.reason], ["corrupt", "tampered"]);
      assert.equal(wallet.isUnlocked, false);
    }
  });

  test("a secret moved under another account: refused as tampered, and reveal refuses it too", async () => {
    const swap = (file: AnyKeystoreFile) => {
      const [first, second] = [file.accounts[0], file.accounts[1]]; // both phrase accounts: same kind, same shape
      [first.secret, second.secret] = [second.secret, first.secret];
    };
    const { error } = await tamperedThenUnlocked(swap);
    assert.deepEqual([error.code, error.details?.reason], ["corrupt", "tampered"]);

    const h = await threeAccounts();
    await h.wallet.dispose();
    const file = onDisk(h.keystorePath);
    swap(file);
    writeFileSync(h.keystorePath, serializeKeystore(file));
    const again = harness(h.dataDir);
    await again.wallet.start();
    const revealError = await rejection(again.wallet.reveal(h.addresses[0], PASSPHRASE));
    assert.deepEqual([revealError.code, revealError.details?.reason], ["corrupt", "tampered"]);
  });
});
