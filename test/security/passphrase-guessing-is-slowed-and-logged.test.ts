// Guessing the wallet passphrase through the API: each failure is logged (never with what was typed), and after
// the second one every further attempt waits a growing delay, refused at once without a key derivation, even when
// the right passphrase is tried too early.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ApiError } from "../../shared/api/index.js";
import { LogSink } from "../../electron/core/runtime/logger.js";
import { DEFAULT_PASSPHRASE_DELAYS_MS } from "../../electron/core/wallet/passphrase-attempts.js";
import { WalletService } from "../../electron/core/wallet/wallet-service.js";

const PASSPHRASE = "correct horse battery staple";

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; reason?: unknown; message: string }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApiError);
    return { code: error.code, reason: error.details?.reason, message: error.message };
  }
  return { code: "ok", message: "" };
}

test("wrong passphrases are logged and slowed down: 0, 0, 1 s, 2 s, 4 s … up to a minute", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "pf-guessing-"));
  let now = 1_000_000;
  const logs = new LogSink({ dir: null, level: "debug" });
  const wallet = new WalletService({ dataDir, logger: logs.logger("wallet"), emit: () => undefined, scryptParams: { n: 16, r: 1, p: 1 }, now: () => now });
  try {
    await wallet.start();
    await wallet.create({ words: 12, label: "main", passphrase: PASSPHRASE });
    await wallet.lock();

    assert.equal((await codeOf(wallet.unlock("guess-one"))).reason, undefined, "the first typo is judged at once");
    assert.equal((await codeOf(wallet.unlock("guess-two"))).code, "wrong_passphrase");
    const early = await codeOf(wallet.unlock(PASSPHRASE));
    assert.deepEqual([early.code, early.reason], ["wrong_passphrase", "throttled"], "even the right one waits its turn");
    assert.match(early.message, /try again in 1 s/);
    assert.equal(wallet.snapshot().state, "locked");

    now += 1_000;
    assert.equal((await codeOf(wallet.reveal(wallet.snapshot().accounts[0]!.address, "guess-three"))).reason, undefined);
    now += 1_999;
    assert.equal((await codeOf(wallet.unlock("guess-four"))).reason, "throttled", "the second wait is 2 s");
    now += 1;
    assert.equal((await codeOf(wallet.unlock(PASSPHRASE))).code, "ok");
    assert.equal(wallet.snapshot().state, "unlocked");
    // Success clears the count: the next typo is judged at once again.
    await wallet.lock();
    assert.equal((await codeOf(wallet.unlock("typo"))).reason, undefined);
    assert.equal((await codeOf(wallet.unlock(PASSPHRASE))).code, "ok");

    const failures = logs.tail(100, "warn").filter((entry) => entry.message === "wrong wallet passphrase");
    assert.equal(failures.length, 4);
    assert.deepEqual(failures.map((f) => f.fields?.purpose), ["unlock", "unlock", "reveal", "unlock"]);
    const logged = JSON.stringify(logs.tail(1000, "debug"));
    for (const attempt of ["guess-one", "guess-two", "guess-three", "typo", PASSPHRASE]) assert.ok(!logged.includes(attempt), `"${attempt}" is not in the log`);
    assert.equal(DEFAULT_PASSPHRASE_DELAYS_MS.at(-1), 60_000);
  } finally {
    await wallet.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("guesses sent in parallel are judged one after another, so the waits still apply", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "pf-guessing-parallel-"));
  const logs = new LogSink({ dir: null, level: "debug" });
  const wallet = new WalletService({ dataDir, logger: logs.logger("wallet"), emit: () => undefined, scryptParams: { n: 16, r: 1, p: 1 }, now: () => 5_000_000 });
  try {
    await wallet.start();
    await wallet.create({ words: 12, label: "main", passphrase: PASSPHRASE });
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => codeOf(wallet.confirmPassphrase(`guess-${i}`, "send"))));
    assert.deepEqual(outcomes.slice(0, 2).map((o) => o.reason), [undefined, undefined], "the first two are judged");
    assert.ok(outcomes.slice(2).every((o) => o.code === "wrong_passphrase" && o.reason === "throttled"), "the rest wait their turn");
    assert.equal(logs.tail(100, "warn").filter((entry) => entry.message === "wrong wallet passphrase").length, 2);
  } finally {
    await wallet.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
