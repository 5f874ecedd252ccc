import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toBech32 } from "@cosmjs/encoding";
import { makeSignBytes } from "@cosmjs/proto-signing";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { SignDoc } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { ApiError } from "../../../shared/api/index.js";
import { LogSink } from "../../../electron/core/runtime/logger.js";
import type { DeviceSecretStore } from "../../../electron/core/wallet/device-unlock.js";
import { recordKeystoreActivity } from "../../../electron/core/wallet/keystore-activity.js";
import {
  KEYSTORE_FORMAT,
  KEYSTORE_FORMAT_V1,
  parseKeystore,
  serializeKeystore,
  type AnyKeystoreFile,
} from "../../../electron/core/wallet/keystore-file.js";
import { WalletService } from "../../../electron/core/wallet/wallet-service.js";
import { dataDirLayout } from "../../../electron/core/runtime/data-dir.js";
import { repoRoot } from "../../fixtures/paths.js";

// A keystore written by PocketForge while it wrote format v1 (see test/fixtures/wallet/keystore-v1/README.md).
const FIXTURE_DIR = join(repoRoot, "test", "fixtures", "wallet", "keystore-v1");
const V1_BYTES = readFileSync(join(FIXTURE_DIR, "keystore.json"));
const EXPECTED = JSON.parse(readFileSync(join(FIXTURE_DIR, "expected.json"), "utf8")) as {
  passphrase: string;
  operator: string;
  owner: string;
  secrets: Record<string, { kind: "mnemonic"; mnemonic: string; hdPath: string } | { kind: "private_key"; privateKeyHex: string }>;
};

class FakeKeychain implements DeviceSecretStore {
  private readonly pad = randomBytes(64);
  availability() {
    return "available" as const;
  }
  encrypt(secret: Uint8Array) {
    return Uint8Array.from(secret, (byte, i) => byte ^ this.pad[i % this.pad.length]);
  }
  decrypt(wrapped: Uint8Array) {
    return this.encrypt(wrapped);
  }
}

/** A data folder whose wallet holds the v1 fixture (or `bytes`), and a wallet service over it. */
function harness(options: { dataDir?: string; keystore?: Uint8Array | null; keychain?: DeviceSecretStore } = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "pf-wallet-v1-"));
  const walletDir = join(dataDir, "wallet");
  const keystorePath = join(walletDir, "keystore.json");
  mkdirSync(walletDir, { recursive: true, mode: 0o700 });
  if (!options.dataDir && options.keystore !== null) writeFileSync(keystorePath, options.keystore ?? V1_BYTES, { mode: 0o600 });
  const logs = new LogSink({ dir: null, level: "debug" });
  const wallet = new WalletService({
    dataDir,
    logger: logs.logger("wallet"),
    emit: () => undefined,
    deviceSecretStore: options.keychain,
    scryptParams: { n: 16, r: 1, p: 1 },
  });
  return { dataDir, walletDir, keystorePath, backupPath: dataDirLayout(dataDir).wallet.keystoreV1Backup, logs, wallet };
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

const metadataOf = (file: AnyKeystoreFile) => ({
  kdf: file.kdf,
  cipher: file.cipher,
  roles: file.roles,
  accounts: file.accounts.map(({ secret: _secret, ...meta }) => meta),
});

const strayFiles = (walletDir: string) => readdirSync(walletDir).filter((name) => name !== "keystore.json");

describe("keystore v1 → v2 migration", () => {
  test("the fixture is a whole v1 file as the v1 code wrote it", () => {
    const file = parseKeystore(V1_BYTES);
    assert.equal(file.format, KEYSTORE_FORMAT_V1);
    assert.equal(serializeKeystore(file), V1_BYTES.toString("utf8"), "v2 reads v1 in its canonical form, byte for byte");
    assert.equal(file.accounts.length, 4);
    assert.deepEqual(file.accounts.map((a) => a.address).sort(), Object.keys(EXPECTED.secrets).sort());
  });

  test("a locked v1 wallet lists its accounts; a wrong passphrase migrates nothing and changes no byte", async () => {
    const h = harness();
    await h.wallet.start();
    const snapshot = h.wallet.snapshot();
    assert.equal(snapshot.state, "locked");
    assert.deepEqual(snapshot.accounts.map((a) => a.address), parseKeystore(V1_BYTES).accounts.map((a) => a.address));
    assert.equal(snapshot.operatorAddress, EXPECTED.operator);
    assert.equal(snapshot.owner?.address, EXPECTED.owner);

    const activity = recordKeystoreActivity();
    const error = await rejection(h.wallet.unlock("not the fixture passphrase"));
    activity.stop();
    assert.equal(error.code, "wrong_passphrase");
    assert.deepEqual(activity.events.map((e) => e.operation), ["derive-keys"], "nothing decrypted, nothing sealed");
    assert.deepEqual(readFileSync(h.keystorePath), V1_BYTES);
    assert.deepEqual(strayFiles(h.walletDir), [], "no backup or temp file either");
    assert.equal(h.wallet.snapshot().state, "locked");
    await h.wallet.dispose();
  });

  test("a tampered v1 file (checksum recomputed) is refused at unlock and left as it was", async () => {
    const file = parseKeystore(V1_BYTES);
    file.roles.owner = toBech32("pokt", randomBytes(20));
    const tampered = Buffer.from(serializeKeystore(file));
    const h = harness({ keystore: tampered });
    await h.wallet.start();
    const error = await rejection(h.wallet.unlock(EXPECTED.passphrase));
    assert.deepEqual([error.code, error.details?.reason], ["corrupt", "tampered"]);
    assert.deepEqual(readFileSync(h.keystorePath), tampered);
    assert.deepEqual(strayFiles(h.walletDir), []);
    assert.equal(h.wallet.snapshot().state, "unreadable");
  });

  test("the first successful unlock rewrites the file as v2, keeping every account, role, label and secret", async () => {
    const h = harness();
    await h.wallet.start();
    const v1 = parseKeystore(V1_BYTES);

    const activity = recordKeystoreActivity();
    assert.equal((await h.wallet.unlock(EXPECTED.passphrase)).state, "unlocked");
    activity.stop();
    const v2 = parseKeystore(readFileSync(h.keystorePath));
    assert.equal(v2.format, KEYSTORE_FORMAT);
    assert.deepEqual(metadataOf(v2), metadataOf(v1), "same accounts, labels, order, roles, salt and KDF cost");
    assert.equal(statSync(h.keystorePath).mode & 0o777, 0o600);
    assert.deepEqual(strayFiles(h.walletDir), [], "the v1 copy is removed once v2 is written");
    const addresses = v1.accounts.map((a) => a.address);
    assert.deepEqual(
      activity.events.filter((e) => e.operation !== "derive-keys"),
      [
        ...addresses.flatMap((address) => [
          { operation: "decrypt-secret", address },
          { operation: "encrypt-secret", address },
        ]),
      ],
      "each secret opened once and re-sealed under its own associated data",
    );

    // Every secret is the one the v1 file held, and the keys sign.
    for (const [address, secret] of Object.entries(EXPECTED.secrets)) {
      const revealed = await h.wallet.reveal(address, EXPECTED.passphrase);
      assert.deepEqual(revealed.secret, secret, address);
    }
    const signer = h.wallet.directSigner();
    const [account] = await signer.getAccounts();
    assert.equal(account.address, EXPECTED.operator);
    const doc = SignDoc.fromPartial({ bodyBytes: new Uint8Array([1]), authInfoBytes: new Uint8Array([2]), chainId: "pocket", accountNumber: 3n });
    const { signature } = await signer.signDirect(account.address, doc);
    assert.ok(secp256k1.verify(Buffer.from(signature.signature, "base64"), makeSignBytes(doc), account.pubkey));
    await h.wallet.dispose();

    // After a restart the v2 file unlocks without being rewritten again.
    const again = harness({ dataDir: h.dataDir });
    await again.wallet.start();
    assert.deepEqual(again.wallet.listAccounts(), h.wallet.listAccounts());
    const v2Bytes = readFileSync(h.keystorePath);
    const second = recordKeystoreActivity();
    await again.wallet.unlock(EXPECTED.passphrase);
    second.stop();
    assert.equal(second.events.filter((e) => e.operation === "encrypt-secret").length, 0);
    assert.deepEqual(readFileSync(h.keystorePath), v2Bytes);
  });

  test("a wallet remembered on this device migrates when it unlocks itself, and stays remembered", async () => {
    const keychain = new FakeKeychain();
    const first = harness({ keychain });
    await first.wallet.start();
    await first.wallet.unlock(EXPECTED.passphrase, true); // migrates and remembers
    assert.equal(parseKeystore(readFileSync(first.keystorePath)).format, KEYSTORE_FORMAT);
    await first.wallet.dispose();

    // A v1 file put back (as if restored from a backup) with the key still remembered: the salt is the same.
    writeFileSync(first.keystorePath, V1_BYTES);
    const second = harness({ dataDir: first.dataDir, keychain });
    await second.wallet.start();
    assert.equal(second.wallet.snapshot().state, "unlocked");
    assert.equal(parseKeystore(readFileSync(first.keystorePath)).format, KEYSTORE_FORMAT);
    assert.deepEqual(strayFiles(first.walletDir), ["device-unlock.json"]);
  });

  test("a new passphrase on a locked v1 wallet writes v2 under the new one", async () => {
    const h = harness();
    await h.wallet.start();
    await h.wallet.changePassphrase(EXPECTED.passphrase, "a brand new passphrase");
    const v2 = parseKeystore(readFileSync(h.keystorePath));
    assert.equal(v2.format, KEYSTORE_FORMAT);
    assert.deepEqual(metadataOf(v2).accounts, metadataOf(parseKeystore(V1_BYTES)).accounts);
    assert.deepEqual(strayFiles(h.walletDir), []);
    assert.equal((await rejection(h.wallet.unlock(EXPECTED.passphrase))).code, "wrong_passphrase");
    await h.wallet.unlock("a brand new passphrase");
    const raw = Object.entries(EXPECTED.secrets).find(([, s]) => s.kind === "private_key")!;
    assert.deepEqual((await h.wallet.reveal(raw[0], "a brand new passphrase")).secret, raw[1]);
  });

  test("revealing one account of a locked v1 wallet opens that secret alone and rewrites nothing", async () => {
    const h = harness();
    await h.wallet.start();
    const [address, secret] = Object.entries(EXPECTED.secrets)[1];
    const activity = recordKeystoreActivity();
    assert.deepEqual((await h.wallet.reveal(address, EXPECTED.passphrase)).secret, secret);
    activity.stop();
    assert.deepEqual(activity.events, [{ operation: "derive-keys" }, { operation: "decrypt-secret", address }]);
    assert.deepEqual(readFileSync(h.keystorePath), V1_BYTES);
  });
});

describe("an upgrade cut short loses nothing", () => {
  // The upgrade copies the v1 file aside, replaces the keystore atomically, then removes the copy. A crash can stop it
  // between any two of those steps; these are the states it can leave, and what the next start makes of them.
  test("killed before the v2 file replaced the v1 one: the copy is dropped and the next unlock migrates", async () => {
    const h = harness();
    copyFileSync(h.keystorePath, h.backupPath);
    await h.wallet.start();
    assert.ok(!existsSync(h.backupPath));
    assert.deepEqual(readFileSync(h.keystorePath), V1_BYTES);
    await h.wallet.unlock(EXPECTED.passphrase);
    assert.equal(parseKeystore(readFileSync(h.keystorePath)).format, KEYSTORE_FORMAT);
  });

  test("killed after the v2 file was written, before the copy was removed: the copy is dropped", async () => {
    const first = harness();
    await first.wallet.start();
    await first.wallet.unlock(EXPECTED.passphrase);
    await first.wallet.dispose();
    writeFileSync(first.backupPath, V1_BYTES);
    const second = harness({ dataDir: first.dataDir });
    await second.wallet.start();
    assert.ok(!existsSync(second.backupPath));
    assert.equal((await second.wallet.unlock(EXPECTED.passphrase)).accounts.length, 4);
  });

  test("the keystore gone but the copy there: the copy is the keystore again", async () => {
    const h = harness({ keystore: null });
    writeFileSync(h.backupPath, V1_BYTES);
    await h.wallet.start();
    assert.deepEqual(readFileSync(h.keystorePath), V1_BYTES);
    assert.ok(!existsSync(h.backupPath));
    assert.equal((await h.wallet.unlock(EXPECTED.passphrase)).accounts.length, 4);
  });

  test("an unreadable keystore beside the copy: both are kept for the user", async () => {
    const h = harness({ keystore: Buffer.from("half a wri") });
    writeFileSync(h.backupPath, V1_BYTES);
    await h.wallet.start();
    assert.equal(h.wallet.snapshot().state, "unreadable");
    assert.deepEqual(readFileSync(h.backupPath), V1_BYTES);
    assert.ok(h.logs.tail(20, "warn").some((entry) => /copy of it from before its upgrade is kept/.test(entry.message)));
  });
});
