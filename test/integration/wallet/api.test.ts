// The wallet through the engine's API router, as the renderer drives it: create, import, lock, unlock, reveal,
// roles, stake command, delete, passphrase change, plus signing with the engine-side signers. Every response, error,
// event and log line is recorded; none may carry the recovery phrase or a private key except the creation and
// reveal responses. Uses the production scrypt cost, as a user would.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromBech32, toBech32 } from "@cosmjs/encoding";
import { makeSignBytes } from "@cosmjs/proto-signing";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { SignDoc } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { ApiError, parseEvent, parseResult, type MethodName, type MethodParams, type MethodResult } from "../../../shared/api/index.js";
import { createCore } from "../../../electron/core/app/create-core.js";
import { keyPairFromMnemonic, poktHdPath } from "../../../electron/core/wallet/hd-keys.js";
import { responseSignableHash, verifyResponseSignature } from "../../../electron/core/pokt/response-signature.js";

const PASSPHRASE = "integration passphrase";
const NEW_PASSPHRASE = "integration passphrase 2";
const IMPORTED_KEY = "f6c64cb9161527368b4a5de4868b3053034c887669fc97ec533fbe84586e1b4d";

interface Recorded {
  what: string;
  payload: unknown;
}

describe("wallet API through createCore's router", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "pf-wallet-api-"));
  const core = createCore({
    dataDir,
    version: "0.0.0-test",
    probeCompute: async () => ({ backend: "cpu", deviceNames: [], vramTotalBytes: null }),
    overrides: (config) => void (config.openAi.port = 0),
    telemetryIntervalMs: 3_600_000,
  });
  const checked: Recorded[] = []; // everything that must stay free of secrets
  const allowed: Recorded[] = []; // the creation and reveal responses
  core.events.onAny((event, payload) => {
    parseEvent(event, payload);
    checked.push({ what: `event ${event}`, payload });
  });
  after(() => core.dispose());

  async function call<M extends MethodName>(method: M, params: MethodParams<M>, secretAllowed = false): Promise<MethodResult<M>> {
    const result = parseResult(method, await core.router.call(method, params, { transport: "internal" }));
    (secretAllowed ? allowed : checked).push({ what: `response of ${method}`, payload: result });
    return result;
  }

  async function failing<M extends MethodName>(method: M, params: MethodParams<M>): Promise<ApiError> {
    try {
      await core.router.call(method, params, { transport: "internal" });
    } catch (error) {
      assert.ok(error instanceof ApiError);
      checked.push({ what: `error of ${method}`, payload: error.toJSON() });
      return error;
    }
    assert.fail(`${method} succeeded`);
  }

  test("the whole life of a wallet, and no secret leaks outside the two allowed answers", async () => {
    await core.start();
    assert.equal((await call("wallet.status", {})).state, "absent");

    const created = await call("wallet.create", { words: 24, label: "Rig operator", passphrase: PASSPHRASE }, true);
    const mnemonic = created.mnemonic;
    const operator = created.account.address;
    assert.equal(created.snapshot.state, "unlocked");
    assert.equal(created.snapshot.operatorAddress, operator);
    const operatorKeyHex = Buffer.from((await keyPairFromMnemonic(mnemonic, poktHdPath(0))).privateKey).toString("hex");

    const imported = await call("wallet.import", { source: { type: "private_key", privateKeyHex: IMPORTED_KEY }, label: "Imported", passphrase: PASSPHRASE });
    assert.equal(imported.snapshot.accounts.length, 2);
    const typo = mnemonic.split(" ");
    typo[5] = typo[5].slice(0, 3) + "qq";
    const typoError = await failing("wallet.import", { source: { type: "mnemonic", mnemonic: typo.join(" ") }, label: "typo", passphrase: PASSPHRASE });
    assert.equal(typoError.details?.reason, "unknown_words");

    assert.equal((await call("wallet.lock", {})).state, "locked");
    assert.equal((await failing("wallet.unlock", { passphrase: "not it" })).code, "wrong_passphrase");
    assert.equal((await failing("wallet.rename", { address: operator, label: "x" })).code, "locked");
    assert.equal((await call("wallet.unlock", { passphrase: PASSPHRASE })).state, "unlocked");

    // Signing stays in the engine: a transaction and a relay response signed with the operator key.
    const signer = core.wallet.directSigner();
    const [account] = await signer.getAccounts();
    assert.equal(account.address, operator);
    const doc = SignDoc.fromPartial({ bodyBytes: new Uint8Array([10, 2]), authInfoBytes: new Uint8Array([18, 0]), chainId: "pocket", accountNumber: 1n });
    const { signature } = await signer.signDirect(operator, doc);
    assert.ok(secp256k1.verify(Buffer.from(signature.signature, "base64"), makeSignBytes(doc), account.pubkey));
    const relaySigner = core.wallet.relayResponseSigner();
    const signable = new TextEncoder().encode("signable relay response");
    assert.ok(verifyResponseSignature({ publicKey: relaySigner.publicKey, msgHash: responseSignableHash(signable), signature: relaySigner.signSignableBytes(signable) }));

    const revealed = await call("wallet.reveal", { address: operator, passphrase: PASSPHRASE }, true);
    assert.deepEqual(revealed.secret, { kind: "mnemonic", mnemonic, hdPath: poktHdPath(0) });
    const revealedKey = await call("wallet.reveal", { address: imported.account.address, passphrase: PASSPHRASE }, true);
    assert.deepEqual(revealedKey.secret, { kind: "private_key", privateKeyHex: IMPORTED_KEY });

    const cosmosOwner = "cosmos1pkptre7fdkl6gfrzlesjjvhxhlc3r4gmmk8rs6";
    assert.equal((await failing("wallet.setOwner", { address: cosmosOwner, passphrase: PASSPHRASE })).details?.reason, "prefix_mismatch");
    const hardwareOwner = toBech32("pokt", fromBech32(cosmosOwner, 90).data); // the same account bytes, right prefix
    // An unlocked wallet is not enough to change who owns the stake: the passphrase is asked again.
    assert.equal((await failing("wallet.setOwner", { address: hardwareOwner } as never)).code, "invalid_params");
    assert.equal((await failing("wallet.setOwner", { address: hardwareOwner, passphrase: "not it" })).code, "wrong_passphrase");
    assert.equal((await call("wallet.status", {})).owner?.custody ?? "operator", "operator", "nothing changed");
    const withOwner = await call("wallet.setOwner", { address: hardwareOwner, passphrase: PASSPHRASE });
    assert.deepEqual(withOwner.owner, { address: hardwareOwner, custody: "external" });
    const stake = await call("wallet.stakeCommand", {
      stakeUpokt: "1000069",
      services: [{ serviceId: "llama-3-8b", endpoints: [{ publiclyExposedUrl: "https://rig.example.com", rpcType: "JSON_RPC" }] }],
      network: { kind: "named", name: "main" },
    });
    assert.equal(stake.signOutside, true);
    assert.ok(stake.command.startsWith(`pocketd tx supplier stake-supplier --config stake_supplier_config.yaml --from ${hardwareOwner} `));

    await call("wallet.rename", { address: imported.account.address, label: "Spare" });
    assert.equal((await failing("wallet.delete", { address: imported.account.address, confirmationToken: "yes", passphrase: PASSPHRASE })).code, "invalid_params");
    const prepared = await call("wallet.prepareDelete", { address: imported.account.address });
    assert.equal(
      (await failing("wallet.delete", { address: imported.account.address, confirmationToken: prepared.confirmationToken, passphrase: "wrong" })).code,
      "wrong_passphrase",
    );
    assert.equal((await call("wallet.list", {})).length, 2, "a wrong passphrase deletes nothing");
    const afterDelete = await call("wallet.delete", { address: imported.account.address, confirmationToken: prepared.confirmationToken, passphrase: PASSPHRASE });
    assert.deepEqual((await call("wallet.list", {})).map((a) => a.address), [operator]);
    assert.equal(afterDelete.accounts.length, 1);

    assert.equal((await call("wallet.changePassphrase", { currentPassphrase: PASSPHRASE, newPassphrase: NEW_PASSPHRASE })).state, "unlocked");
    assert.equal((await failing("wallet.unlock", { passphrase: "x", remember: true })).code, "unavailable", "headless has no keychain");

    // Everything the UI, the event stream and the logs saw.
    const logFile = join(dataDir, "logs", "pocketforge.log");
    assert.ok(existsSync(logFile));
    const logs: Recorded[] = [
      ...core.logs.tail(5000, "debug").map((entry) => ({ what: `log ${entry.message}`, payload: entry })),
      { what: "log file", payload: readFileSync(logFile, "utf8") },
    ];
    assert.ok(logs.some((l) => JSON.stringify(l.payload).includes("wallet unlocked")), "the wallet logs what it does");

    const words = mnemonic.split(" ");
    const secrets = [
      ["recovery phrase", mnemonic],
      // any four consecutive words of it count as part of the phrase
      ...words.slice(0, -3).map((_, i) => ["phrase fragment", words.slice(i, i + 4).join(" ")]),
      ["operator private key", operatorKeyHex],
      ["imported private key", IMPORTED_KEY],
      ["passphrase", PASSPHRASE],
    ];
    for (const item of [...checked, ...logs]) {
      const text = JSON.stringify(item.payload).toLowerCase();
      for (const [name, secret] of secrets) assert.ok(!text.includes(secret), `${name} found in ${item.what}`);
    }
    assert.ok(checked.some((c) => c.what.startsWith("event wallet.changed")), "events were recorded");
    // The detector itself works: the allowed answers do contain what they must.
    const allowedText = JSON.stringify(allowed.map((a) => a.payload));
    assert.ok(allowedText.includes(mnemonic) && allowedText.includes(IMPORTED_KEY));
    assert.equal(allowed.length, 3);
  });
});
