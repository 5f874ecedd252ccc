import assert from "node:assert/strict";
import { test } from "node:test";
import { placeholderRingPublicKey } from "../../../electron/core/pokt/keys.js";
import { serializeRingSignature, signRing } from "../../../electron/core/pokt/ring/index.js";
import { InlineRingChecker, WorkerRingChecker, createRingChecker } from "../../../electron/core/relayminer/ring-checker.js";
import { testKey } from "../../fixtures/relayminer/chain.js";

const app = testKey("ring-checker-app");
const other = testKey("ring-checker-other");
const message = new Uint8Array(32).fill(7);
const ring = [app.publicKey, placeholderRingPublicKey()];
const signature = serializeRingSignature(signRing({ message, ring, privateKey: app.privateKey }));

test("the worker pool and the inline checker agree on valid, forged, foreign and malformed signatures", async () => {
  const pool = new WorkerRingChecker(2);
  const inline = new InlineRingChecker();
  try {
    const tampered = Uint8Array.from(signature);
    tampered[10] ^= 1; // inside c0: still well-formed, no longer valid
    const cases: Array<[Uint8Array, Uint8Array[], string]> = [
      [signature, ring, "valid"],
      [signature, [app.publicKey, other.publicKey], "unexpected_ring_member"],
      [tampered, ring, "invalid_signature"],
      [signature.subarray(0, 50), ring, "malformed"],
    ];
    const verdicts = await Promise.all(cases.map(([sig, expected]) => pool.check(sig, message, expected)));
    for (let i = 0; i < cases.length; i++) {
      const verdict = verdicts[i];
      assert.equal(verdict.valid ? "valid" : verdict.reason, cases[i][2]);
      assert.deepEqual(verdict, await inline.check(cases[i][0], message, cases[i][1]));
    }
    // Many concurrent checks are spread over the workers and all come back.
    const many = await Promise.all(Array.from({ length: 16 }, () => pool.check(signature, message, ring)));
    assert.ok(many.every((v) => v.valid));
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.check(signature, message, ring), /closed/);
});

test("the adaptive checker answers lone and overlapping checks alike", async () => {
  const checker = createRingChecker(1);
  try {
    const forged = Uint8Array.from(signature);
    forged[10] ^= 1;
    assert.deepEqual(await checker.check(signature, message, ring), { valid: true });
    const burst = await Promise.all(Array.from({ length: 6 }, (_, i) => checker.check(i % 2 ? forged : signature, message, ring)));
    assert.deepEqual(burst.map((v) => v.valid), [true, false, true, false, true, false]);
    assert.equal((await checker.check(forged, message, ring)).valid, false);
  } finally {
    await checker.close();
  }
});
