import { test } from "node:test";
import assert from "node:assert/strict";
import { checkConfirmation, ordinal, pickConfirmPositions } from "../../../renderer/src/view-models/mnemonic-confirm.js";

const PHRASE = "abandon ability able about above absent absorb abstract absurd abuse access accident";

/** A deterministic stand-in for Math.random (a linear congruential sequence in [0, 1)). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

test("three distinct positions inside the phrase, in ascending order", () => {
  for (let seed = 1; seed < 200; seed++) {
    const positions = pickConfirmPositions(24, seeded(seed));
    assert.equal(positions.length, 3);
    assert.equal(new Set(positions).size, 3);
    assert.deepEqual([...positions].sort((a, b) => a - b), positions);
    assert.ok(positions.every((p) => p >= 0 && p < 24));
  }
});

test("every position can be drawn, including the first and the last", () => {
  const seen = new Set<number>();
  const random = seeded(42);
  for (let i = 0; i < 400; i++) pickConfirmPositions(12, random).forEach((p) => seen.add(p));
  assert.equal(seen.size, 12);
});

test("a random source at its extremes still gives valid positions", () => {
  assert.deepEqual(pickConfirmPositions(12, () => 0), [0, 1, 2]);
  const high = pickConfirmPositions(12, () => 0.999999);
  assert.equal(new Set(high).size, 3);
  assert.ok(high.every((p) => p < 12));
});

test("fewer words than confirmations is refused", () => {
  assert.throws(() => pickConfirmPositions(2, Math.random), RangeError);
});

test("answers match ignoring case and spaces; a wrong or misplaced word does not", () => {
  assert.deepEqual(checkConfirmation(PHRASE, [0, 5, 11], ["abandon", " ABSENT ", "accident"]), [true, true, true]);
  // "able" is word #3, not #2: a word from the wrong position must not pass.
  assert.deepEqual(checkConfirmation(PHRASE, [1, 5, 11], ["able", "absent", ""]), [false, true, false]);
});

test("ordinals read naturally", () => {
  assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 24].map(ordinal), ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "24th"]);
});
