import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../../../shared/api/index.js";
import { keyPairFromMnemonic, keyPairFromPrivateKey, poktHdPath } from "../../../electron/core/wallet/hd-keys.js";
import { deriveKeystoreKeys, newSalt, type ScryptParams } from "../../../electron/core/wallet/kdf.js";
import { KEYSTORE_FORMAT, parseKeystore, serializeKeystore, type KeystoreFile } from "../../../electron/core/wallet/keystore-file.js";
import { recordKeystoreActivity } from "../../../electron/core/wallet/keystore-activity.js";
import {
  authenticateKeystore,
  editKeystore,
  keysForFile,
  openAccountSecret,
  openSecret,
  openVault,
  sealAccount,
  sealVault,
  signingKeyOf,
  unlockKeystore,
  wipeVault,
  type Vault,
} from "../../../electron/core/wallet/keystore-vault.js";

/** Tiny scrypt cost: these tests open hundreds of files; the production cost has its own test (kdf.test.ts). */
const TEST_SCRYPT: ScryptParams = { n: 16, r: 1, p: 1 };
const PASSPHRASE = "correct horse battery staple";
const MNEMONIC = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const RAW_KEY = "93cfd3f4e710a74431b704fe7f7698a8250de98688976be9230fcb47b9c0be12";
const utf8 = (text: string) => new TextEncoder().encode(text);

async function sampleVault(): Promise<Vault> {
  const fromPhrase = await keyPairFromMnemonic(MNEMONIC, poktHdPath(0));
  const fromKey = keyPairFromPrivateKey(Uint8Array.from(Buffer.from(RAW_KEY, "hex")));
  return {
    roles: { operator: fromKey.address, owner: fromPhrase.address },
    accounts: [
      {
        address: fromPhrase.address,
        label: "Savings ✓",
        hdPath: poktHdPath(0),
        publicKeyHex: Buffer.from(fromPhrase.publicKey).toString("hex"),
        createdAt: 1_700_000_000_000,
        secret: { kind: "mnemonic", phrase: utf8(MNEMONIC) },
      },
      {
        address: fromKey.address,
        label: "Operator",
        hdPath: null,
        publicKeyHex: Buffer.from(fromKey.publicKey).toString("hex"),
        createdAt: 1_700_000_000_001,
        secret: { kind: "private_key", privateKey: Uint8Array.from(Buffer.from(RAW_KEY, "hex")) },
      },
    ],
  };
}

async function sealedSample(): Promise<{ file: KeystoreFile; text: string }> {
  const setting = { params: TEST_SCRYPT, salt: newSalt() };
  const keys = await deriveKeystoreKeys(PASSPHRASE, setting.salt, setting.params);
  const file = sealVault(await sampleVault(), setting, keys);
  return { file, text: serializeKeystore(file) };
}

/** Everything the wallet does to get at the secrets of file bytes: parse, check the passphrase, decrypt. */
async function openBytes(bytes: Uint8Array, passphrase = PASSPHRASE): Promise<Vault> {
  const file = parseKeystore(bytes);
  return openVault(file, await keysForFile(file, passphrase));
}

async function rejectionOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApiError, `expected an ApiError, got ${error}`);
    return error;
  }
  assert.fail("the keystore opened");
}

describe("keystore round trip", () => {
  test("sealing then opening returns every account, secret and role", async () => {
    const { text } = await sealedSample();
    const opened = await openBytes(Buffer.from(text));
    const original = await sampleVault();
    assert.deepEqual(opened.roles, original.roles);
    assert.equal(opened.accounts.length, 2);
    for (const [i, account] of opened.accounts.entries()) {
      assert.equal(account.address, original.accounts[i].address);
      assert.equal(account.label, original.accounts[i].label);
      assert.equal(account.hdPath, original.accounts[i].hdPath);
      assert.equal(account.publicKeyHex, original.accounts[i].publicKeyHex);
      assert.equal(account.createdAt, original.accounts[i].createdAt);
    }
    assert.deepEqual(opened.accounts[0].secret, { kind: "mnemonic", phrase: utf8(MNEMONIC) });
    assert.equal(opened.accounts[1].secret.kind, "private_key");
    assert.equal(Buffer.from((opened.accounts[1].secret as { privateKey: Uint8Array }).privateKey).toString("hex"), RAW_KEY);
  });

  test("the file is versioned, names its KDF parameters, and holds no secret in the clear", async () => {
    const { text } = await sealedSample();
    const json = JSON.parse(text);
    assert.equal(json.format, KEYSTORE_FORMAT);
    assert.deepEqual([json.kdf.algorithm, json.kdf.n, json.kdf.r, json.kdf.p], ["scrypt", 16, 1, 1]);
    assert.equal(json.cipher, "aes-256-gcm");
    assert.ok(!text.includes("abandon"), "phrase words in the file");
    assert.ok(!text.includes(RAW_KEY), "raw key in the file");
  });

  test("two seals of the same vault differ (fresh nonces) but both open", async () => {
    const a = await sealedSample();
    const b = await sealedSample();
    assert.notEqual(a.file.accounts[0].secret.ciphertext, b.file.accounts[0].secret.ciphertext);
    await openBytes(Buffer.from(a.text));
    await openBytes(Buffer.from(b.text));
  });

  test("one account's secret opens alone, authenticated against the whole file", async () => {
    const { file } = await sealedSample();
    const keys = await keysForFile(file, PASSPHRASE);
    assert.deepEqual(openAccountSecret(file, keys, file.accounts[0].address), { kind: "mnemonic", phrase: utf8(MNEMONIC) });
    assert.equal(openAccountSecret(file, keys, "pokt1nobody"), null);
  });
});

describe("wrong passphrase", () => {
  test("is reported as wrong_passphrase, not as a damaged file", async () => {
    const { text } = await sealedSample();
    for (const wrong of ["correct horse battery stapl", "Correct horse battery staple", ""]) {
      const error = await rejectionOf(openBytes(Buffer.from(text), wrong));
      assert.equal(error.code, "wrong_passphrase");
    }
  });

  test("the passphrase is NFKC-normalized: composed and decomposed accents are the same passphrase", async () => {
    const setting = { params: TEST_SCRYPT, salt: newSalt() };
    const composed = "caf\u00e9 au lait";
    const keys = await deriveKeystoreKeys(composed, setting.salt, setting.params);
    const file = sealVault(await sampleVault(), setting, keys);
    await openBytes(Buffer.from(serializeKeystore(file)), "cafe\u0301 au lait");
  });
});

describe("damage anywhere in the file is detected", () => {
  test("flipping any single byte (three different bit patterns) makes the file refused as corrupt", async () => {
    const { text } = await sealedSample();
    const original = Buffer.from(text);
    let checked = 0;
    for (let position = 0; position < original.length; position++) {
      for (const mask of [0x01, 0x20, 0x80]) {
        const damaged = Buffer.from(original);
        damaged[position] ^= mask;
        const error = await rejectionOf(openBytes(damaged));
        assert.equal(error.code, "corrupt", `byte ${position} ^ ${mask}: ${error.code} ${error.message}`);
        checked++;
      }
    }
    assert.equal(checked, original.length * 3);
  });

  test("a file cut short at any length is refused as corrupt", async () => {
    const { text } = await sealedSample();
    const original = Buffer.from(text);
    for (let length = 0; length < original.length; length++) {
      const error = await rejectionOf(openBytes(original.subarray(0, length)));
      assert.equal(error.code, "corrupt", `cut at ${length}`);
    }
  });

  test("re-indented but otherwise identical JSON is refused: every byte is significant", async () => {
    const { text } = await sealedSample();
    const error = await rejectionOf(openBytes(Buffer.from(JSON.stringify(JSON.parse(text)))));
    assert.equal(error.code, "corrupt");
    assert.equal(error.details?.reason, "not_canonical");
  });
});

describe("deliberate tampering (checksum recomputed) is caught by the keyed MAC and the AEAD", () => {
  // An attacker who edits the JSON can recompute the unkeyed checksum (serializeKeystore does); only the
  // passphrase-keyed MAC over the file and the AEAD over each secret can notice. Each case must end in
  // corrupt/tampered, never in a vault.
  const tamperings: Array<[string, (file: KeystoreFile) => void]> = [
    ["owner redirected to the attacker", (f) => void (f.roles.owner = f.accounts[1].address)],
    ["operator changed", (f) => void (f.roles.operator = f.accounts[0].address)],
    ["label changed", (f) => void (f.accounts[1].label = "Operator (new)")],
    ["creation time changed", (f) => void (f.accounts[0].createdAt += 1)],
    ["derivation path changed", (f) => void (f.accounts[0].hdPath = poktHdPath(1))],
    ["accounts reordered", (f) => void f.accounts.reverse()],
    ["an account removed", (f) => void f.accounts.pop()],
    ["secrets swapped between accounts", (f) => {
      const first = f.accounts[0].secret;
      f.accounts[0].secret = f.accounts[1].secret;
      f.accounts[1].secret = first;
    }],
    ["one ciphertext byte changed", (f) => {
      const c = f.accounts[1].secret.ciphertext;
      f.accounts[1].secret.ciphertext = (c[0] === "0" ? "1" : "0") + c.slice(1);
    }],
    ["authentication tag changed", (f) => {
      const t = f.accounts[0].secret.tag;
      f.accounts[0].secret.tag = t.slice(0, -1) + (t.endsWith("0") ? "1" : "0");
    }],
    ["nonce changed", (f) => {
      const n = f.accounts[0].secret.nonce;
      f.accounts[0].secret.nonce = (n[0] === "a" ? "b" : "a") + n.slice(1);
    }],
  ];

  for (const [name, tamper] of tamperings) {
    test(name, async () => {
      const { file } = await sealedSample();
      const tampered = structuredClone(file);
      tamper(tampered);
      const error = await rejectionOf(openBytes(Buffer.from(serializeKeystore(tampered))));
      assert.equal(error.code, "corrupt");
      assert.equal(error.details?.reason, "tampered");
    });
  }

  test("a changed salt or check value cannot open the file either (it reads as a wrong passphrase)", async () => {
    const { file } = await sealedSample();
    for (const field of ["salt", "passphraseCheck"] as const) {
      const tampered = structuredClone(file);
      tampered.kdf[field] = (tampered.kdf[field][0] === "f" ? "e" : "f") + tampered.kdf[field].slice(1);
      const error = await rejectionOf(openBytes(Buffer.from(serializeKeystore(tampered))));
      assert.equal(error.code, "wrong_passphrase", field);
    }
  });
});

describe("versions and hostile parameters", () => {
  test("a newer format version is named, with advice to update rather than delete", async () => {
    const { text } = await sealedSample();
    const error = await rejectionOf(openBytes(Buffer.from(text.replace(KEYSTORE_FORMAT, "pocketforge-keystore-v3"))));
    assert.equal(error.code, "corrupt");
    assert.equal(error.details?.reason, "unknown_version");
    assert.equal(error.details?.format, "pocketforge-keystore-v3");
    assert.match(error.message, /Update PocketForge/);
  });

  test("a JSON file that is no keystore at all is refused", async () => {
    const error = await rejectionOf(openBytes(Buffer.from('{"hello":"world"}\n')));
    assert.equal(error.details?.reason, "not_a_keystore");
  });

  test("a file demanding an enormous scrypt cost is refused before any derivation", async () => {
    const { file } = await sealedSample();
    const hostile = { ...file, kdf: { ...file.kdf, n: 2 ** 30 } };
    const error = await rejectionOf(openBytes(Buffer.from(serializeKeystore(hostile))));
    assert.equal(error.code, "corrupt");
    assert.equal(error.details?.reason, "kdf_params");
  });
});

describe("format v2: each secret sealed on its own, the rest under a keyed MAC", () => {
  const secretsOf = (file: KeystoreFile) => file.accounts.map((a) => ({ address: a.address, secret: a.secret }));

  test("a label, roles, order or a removed account change with the MAC key alone: no secret is decrypted or re-sealed", async () => {
    const { file } = await sealedSample();
    const keys = await keysForFile(file, PASSPHRASE);
    const activity = recordKeystoreActivity();
    let edited: KeystoreFile;
    try {
      edited = editKeystore(file, keys.macKey, (draft) => {
        draft.accounts[0].label = "Renamed";
        draft.roles.owner = null;
        draft.accounts.reverse();
      });
      edited = editKeystore(edited, keys.macKey, (draft) => void draft.accounts.pop());
    } finally {
      activity.stop();
    }
    assert.deepEqual(activity.events, []);
    assert.deepEqual(secretsOf(edited), secretsOf(file).reverse().slice(0, 1), "the remaining secret is carried over byte for byte");
    const opened = await openBytes(Buffer.from(serializeKeystore(edited)));
    assert.deepEqual(opened.accounts.map((a) => [a.address, a.label]), [[file.accounts[1].address, "Operator"]]);
    assert.equal(opened.roles.owner, null);
  });

  test("adding an account seals its secret alone; the others keep their ciphertext", async () => {
    const { file } = await sealedSample();
    const keys = await keysForFile(file, PASSPHRASE);
    const pair = keyPairFromPrivateKey(Uint8Array.from(Buffer.from("11".repeat(32), "hex")));
    const meta = { address: pair.address, label: "added", kind: "private_key" as const, hdPath: null, publicKey: Buffer.from(pair.publicKey).toString("hex"), createdAt: 5 };
    const activity = recordKeystoreActivity();
    const entry = sealAccount(keys.encryptionKey, meta, { kind: "private_key", privateKey: Uint8Array.from(pair.privateKey) });
    const added = editKeystore(file, keys.macKey, (draft) => void draft.accounts.push(entry));
    activity.stop();
    assert.deepEqual(activity.events, [{ operation: "encrypt-secret", address: pair.address }]);
    assert.deepEqual(secretsOf(added).slice(0, 2), secretsOf(file));
    const opened = await openBytes(Buffer.from(serializeKeystore(added)));
    assert.equal(Buffer.from((opened.accounts[2].secret as { privateKey: Uint8Array }).privateKey).toString("hex"), "11".repeat(32));
  });

  test("a MAC computed with another passphrase's key is refused as tampering, with a message that says what to distrust", async () => {
    const { file } = await sealedSample();
    const otherKeys = await deriveKeystoreKeys("another passphrase entirely", newSalt(), TEST_SCRYPT);
    const forged = editKeystore(file, otherKeys.macKey, (draft) => void (draft.accounts[1].label = "Send rewards here"));
    const error = await rejectionOf(openBytes(Buffer.from(serializeKeystore(forged))));
    assert.deepEqual([error.code, error.details?.reason], ["corrupt", "tampered"]);
    assert.match(error.message, /labels or owner and operator settings/);
    assert.match(error.message, /Do not trust its addresses or owner settings/);
  });

  test("a secret moved to another account fails on its own associated data, even under a MAC that was forged to match", async () => {
    // Simulates an attacker who could recompute the MAC: the per-account binding must still refuse the swap.
    const { file } = await sealedSample();
    const keys = await keysForFile(file, PASSPHRASE);
    const swapped = editKeystore(file, keys.macKey, (draft) => {
      const first = draft.accounts[0].secret;
      draft.accounts[0].secret = draft.accounts[1].secret;
      draft.accounts[1].secret = first;
      draft.accounts[0].kind = "private_key"; // so that only the address differs from where the secret was sealed
      draft.accounts[0].hdPath = null;
      draft.accounts[1].kind = "mnemonic";
      draft.accounts[1].hdPath = poktHdPath(0);
    });
    authenticateKeystore(swapped, keys.macKey); // the forged MAC passes
    for (const entry of swapped.accounts) {
      const error = await rejectionOf((async () => openSecret(swapped, keys, entry))());
      assert.deepEqual([error.code, error.details?.reason], ["corrupt", "tampered"]);
      assert.match(error.message, /no longer belongs to the account it is listed under/);
    }
  });

  test("secrets come out as bytes; deriving a signing key wipes the phrase, and so does a mismatch", async () => {
    const { file } = await sealedSample();
    const keys = await keysForFile(file, PASSPHRASE);
    const [phraseEntry, keyEntry] = file.accounts;
    const phrase = openSecret(file, keys, phraseEntry);
    assert.ok(phrase.kind === "mnemonic" && phrase.phrase instanceof Uint8Array);
    const bytes = (phrase as { phrase: Uint8Array }).phrase;
    assert.equal(new TextDecoder().decode(bytes), MNEMONIC);
    const signingKey = await signingKeyOf(phraseEntry, phrase);
    assert.equal(keyPairFromPrivateKey(signingKey).address, phraseEntry.address);
    assert.ok(bytes.every((byte) => byte === 0), "the phrase is wiped once its key is derived");

    const wrong = openSecret(file, keys, phraseEntry);
    const error = await rejectionOf(signingKeyOf(keyEntry, wrong));
    assert.equal(error.details?.reason, "key_mismatch");
    assert.ok((wrong as { phrase: Uint8Array }).phrase.every((byte) => byte === 0), "wiped on a mismatch too");

    const vault = await openBytes(Buffer.from(serializeKeystore(file)));
    wipeVault(vault);
    for (const account of vault.accounts) {
      const secretBytes = account.secret.kind === "mnemonic" ? account.secret.phrase : account.secret.privateKey;
      assert.ok(secretBytes.length > 0 && secretBytes.every((byte) => byte === 0));
    }
  });

  test("unlocking derives every signing key with one decryption per account and re-seals nothing", async () => {
    const { file } = await sealedSample();
    const keys = await keysForFile(file, PASSPHRASE);
    const activity = recordKeystoreActivity();
    const { signingKeys, upgraded } = await unlockKeystore(file, keys);
    activity.stop();
    assert.equal(upgraded, null);
    assert.deepEqual(activity.events, file.accounts.map((a) => ({ operation: "decrypt-secret", address: a.address })));
    assert.equal(Buffer.from(signingKeys.get(file.accounts[1].address)!).toString("hex"), RAW_KEY);
  });
});
