import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { scrypt as scryptJs } from "@noble/hashes/scrypt.js";
import {
  PRODUCTION_SCRYPT_PARAMS,
  checkMatches,
  deriveKeystoreKeys,
  deriveMasterKey,
  describeScryptParamsProblem,
  newSalt,
} from "../../../electron/core/wallet/kdf.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const SMALL = { n: 16, r: 1, p: 1 };

describe("passphrase key derivation", () => {
  test("the production cost takes about half a second of CPU here, without freezing the event loop", async () => {
    // One derivation at the real parameters. The bounds are wide; they catch a cost that would make unlocking
    // feel broken (> 2 s) or guessing cheap (< 0.2 s). CPU time is what the cost is: wall time on a machine shared
    // with other busy processes can be several times longer without the parameters being wrong.
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await deriveKeystoreKeys("correct horse battery staple", newSalt(), PRODUCTION_SCRYPT_PARAMS);
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    clearInterval(ticker);
    const { n, r, p } = PRODUCTION_SCRYPT_PARAMS;
    console.log(`scrypt N=2^${Math.log2(n)} r=${r} p=${p}: ${cpuMs.toFixed(0)} ms CPU, ${wallMs.toFixed(0)} ms wall`);
    assert.ok(cpuMs >= 200 && cpuMs <= 2000, `derivation used ${cpuMs.toFixed(0)} ms of CPU`);
    // A blocking scrypt would let the 20 ms timer fire at most once; the async one yields every few ms.
    assert.ok(ticks >= Math.floor(wallMs / 20 / 3), `timer fired ${ticks} times in ${wallMs.toFixed(0)} ms`);
  });

  test("derives the bytes of RFC 7914's scrypt test vector, and those of the JavaScript scrypt earlier keystores used", async () => {
    const rfc = await deriveMasterKey("password", new TextEncoder().encode("NaCl"), { n: 1024, r: 8, p: 16 });
    assert.equal(hex(rfc), "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640".slice(0, 64));
    const salt = Uint8Array.from({ length: 32 }, (_, i) => i);
    const params = { n: 1024, r: 8, p: 1 };
    const passphrase = "Ça va, correct horse?";
    const javascript = scryptJs(passphrase.normalize("NFKC"), salt, { N: params.n, r: params.r, p: params.p, dkLen: 32 });
    assert.equal(hex(await deriveMasterKey(passphrase, salt, params)), hex(javascript));
  });

  test("the same passphrase and salt give the same keys; another salt or passphrase does not", async () => {
    const salt = newSalt();
    const a = await deriveKeystoreKeys("passphrase one", salt, SMALL);
    const b = await deriveKeystoreKeys("passphrase one", Uint8Array.from(salt), SMALL);
    const otherSalt = await deriveKeystoreKeys("passphrase one", newSalt(), SMALL);
    const otherPassphrase = await deriveKeystoreKeys("passphrase two", salt, SMALL);
    assert.equal(hex(a.encryptionKey), hex(b.encryptionKey));
    assert.ok(checkMatches(a, b.passphraseCheck));
    assert.notEqual(hex(a.encryptionKey), hex(otherSalt.encryptionKey));
    assert.ok(!checkMatches(a, otherPassphrase.passphraseCheck));
  });

  test("the stored check value is independent of the encryption key", async () => {
    const keys = await deriveKeystoreKeys("passphrase", newSalt(), SMALL);
    assert.notEqual(hex(keys.passphraseCheck), hex(keys.encryptionKey));
    assert.notEqual(hex(keys.passphraseCheck), hex(keys.master));
    assert.equal(keys.encryptionKey.length, 32);
  });

  test("cost parameters from a file are bounded", () => {
    assert.equal(describeScryptParamsProblem(PRODUCTION_SCRYPT_PARAMS), null);
    assert.equal(describeScryptParamsProblem(SMALL), null);
    assert.match(describeScryptParamsProblem({ n: 1000, r: 8, p: 1 }) ?? "", /power of two/);
    assert.match(describeScryptParamsProblem({ n: 2 ** 23, r: 8, p: 1 }) ?? "", /power of two/);
    assert.match(describeScryptParamsProblem({ n: 2 ** 20, r: 16, p: 1 }) ?? "", /1 GiB/);
    assert.match(describeScryptParamsProblem({ n: 16, r: 0, p: 1 }) ?? "", /r=0/);
    assert.match(describeScryptParamsProblem({ n: 16, r: 1, p: 99 }) ?? "", /p=99/);
  });
});
