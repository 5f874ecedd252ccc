import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keyPairFromPrivateKey } from "../../../electron/core/wallet/hd-keys.js";
import { deriveKeystoreKeys, newSalt } from "../../../electron/core/wallet/kdf.js";
import { serializeKeystore, type KeystoreFile } from "../../../electron/core/wallet/keystore-file.js";
import { prepareWalletDir, readKeystoreFile, writeKeystoreFile } from "../../../electron/core/wallet/keystore-store.js";
import { keysForFile, openVault, sealVault, type Vault } from "../../../electron/core/wallet/keystore-vault.js";
import { repoRoot } from "../../fixtures/paths.js";

const PASSPHRASE = "correct horse battery staple";
const WRITER = join(repoRoot, "test", "fixtures", "wallet", "keystore-writer.ts");
const KILLS = 6;

/**
 * A keystore of many accounts (~70 KB), so that a write takes long enough for a kill to land inside it: a
 * non-atomic writer would leave a truncated file in some of the rounds.
 */
async function bigKeystore(label: string): Promise<KeystoreFile> {
  const accounts: Vault["accounts"] = Array.from({ length: 120 }, (_, i) => {
    const pair = keyPairFromPrivateKey(Uint8Array.from(randomBytes(32)));
    return {
      address: pair.address,
      label: `${label} ${i}`,
      hdPath: null,
      publicKeyHex: Buffer.from(pair.publicKey).toString("hex"),
      createdAt: i,
      secret: { kind: "private_key", privateKey: pair.privateKey },
    };
  });
  const setting = { params: { n: 16, r: 1, p: 1 }, salt: newSalt() };
  const keys = await deriveKeystoreKeys(PASSPHRASE, setting.salt, setting.params);
  return sealVault({ roles: { operator: accounts[0].address, owner: null }, accounts }, setting, keys);
}

/** Starts the writer and SIGKILLs it after a random number of completed writes plus a random few milliseconds. */
function runWriterAndKillIt(keystorePath: string, versionsPath: string): Promise<{ writesSeen: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", WRITER, keystorePath, versionsPath], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const killAfterWrites = 1 + Math.floor(Math.random() * 30);
  let writesSeen = 0;
  let killScheduled = false;
  child.stdout.on("data", (chunk: Buffer) => {
    writesSeen += chunk.length;
    if (writesSeen >= killAfterWrites && !killScheduled) {
      killScheduled = true;
      setTimeout(() => child.kill("SIGKILL"), Math.random() * 8);
    }
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (signal !== "SIGKILL") reject(new Error(`writer ended by itself (code ${code}) after ${writesSeen} writes`));
      else resolve({ writesSeen });
    });
  });
}

describe("keystore writes survive being killed at any moment", () => {
  test(`after ${KILLS} SIGKILLs mid-loop the keystore is always one whole version and opens`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "pf-wallet-kill-"));
    const keystorePath = join(dir, "keystore.json");
    const versions = [await bigKeystore("first"), await bigKeystore("second")];
    const versionTexts = versions.map(serializeKeystore);
    const versionsPath = join(dir, "versions.json");
    writeFileSync(versionsPath, JSON.stringify(versions));
    writeKeystoreFile(keystorePath, versions[0]);

    let roundsThatLeftATempFile = 0;
    const tempFiles = () => new Set(readdirSync(dir).filter((name) => name.endsWith(".tmp")));
    for (let round = 0; round < KILLS; round++) {
      const tempBefore = tempFiles();
      const { writesSeen } = await runWriterAndKillIt(keystorePath, versionsPath);
      assert.ok(writesSeen > 0);
      const text = readFileSync(keystorePath, "utf8");
      assert.ok(versionTexts.includes(text), `round ${round}: the keystore is neither version (${text.length} bytes)`);
      assert.ok(readKeystoreFile(keystorePath), `round ${round}: the keystore no longer parses`);
      assert.equal(statSync(keystorePath).mode & 0o777, 0o600);
      if ([...tempFiles()].some((name) => !tempBefore.has(name))) roundsThatLeftATempFile++;
    }

    const survivor = readKeystoreFile(keystorePath)!;
    const vault = openVault(survivor, await keysForFile(survivor, PASSPHRASE));
    assert.equal(vault.accounts.length, 120);
    // Kills that land mid-write leave a temp file; the wallet clears them when it starts.
    prepareWalletDir(dir, ["keystore.json"]);
    assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith(".tmp")), []);
    assert.ok(versionTexts.includes(readFileSync(keystorePath, "utf8")));
    console.log(`${roundsThatLeftATempFile} of ${KILLS} kills interrupted a write in progress`);
  });

  test("the keystore is owner-only (0600), even when it replaces a world-readable file", { skip: process.platform === "win32" }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "pf-wallet-mode-"));
    const keystorePath = join(dir, "keystore.json");
    writeFileSync(keystorePath, "old");
    chmodSync(keystorePath, 0o644);
    writeKeystoreFile(keystorePath, await bigKeystore("mode"));
    assert.equal(statSync(keystorePath).mode & 0o777, 0o600);
    prepareWalletDir(dir, ["keystore.json"]);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
  });
});
