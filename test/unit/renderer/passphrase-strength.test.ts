import { test } from "node:test";
import assert from "node:assert/strict";
import { MIN_ACCEPTED_SCORE, passphraseStrength } from "../../../renderer/src/view-models/passphrase-strength.js";

test("a passphrase under 8 characters is too short whatever its characters", () => {
  const result = passphraseStrength("Zq!7x#");
  assert.equal(result.score, 0);
  assert.equal(result.label, "too short");
});

test("well-known passwords and keyboard runs score below the accepted threshold", () => {
  for (const weak of ["password123", "qwertyuiop", "aaaaaaaaaaaa", "bitcoinwallet", "12345678abc"]) {
    assert.ok(passphraseStrength(weak).score < MIN_ACCEPTED_SCORE, `${weak} scored ${passphraseStrength(weak).score}`);
  }
});

test("four unrelated words are accepted and six are strong", () => {
  const four = passphraseStrength("lantern mossy violin orbit");
  assert.ok(four.score >= MIN_ACCEPTED_SCORE, `scored ${four.score} (${four.bits} bits)`);
  assert.equal(passphraseStrength("lantern mossy violin orbit quarry tulip").score, 4);
});

test("predictable parts cost fewer bits than random ones of the same length", () => {
  const predictable = passphraseStrength("password-password");
  const random = passphraseStrength("kq7-vz9wbx-lm3tfr");
  assert.equal(predictable.bits < random.bits, true);
  assert.ok(random.score > predictable.score);
});

test("adding an unrelated word never lowers the estimate", () => {
  let previous = passphraseStrength("copper").bits;
  for (const text of ["copper falcon", "copper falcon drizzle", "copper falcon drizzle mango"]) {
    const bits = passphraseStrength(text).bits;
    assert.ok(bits > previous, `${text}: ${bits} ≤ ${previous}`);
    previous = bits;
  }
});

test("every verdict carries a hint saying what to do", () => {
  for (const text of ["", "abc", "password1", "copper falcon drizzle", "copper falcon drizzle mango quarry tulip"]) {
    assert.match(passphraseStrength(text).hint, /\w{4,}/);
  }
});
