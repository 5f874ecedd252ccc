import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { validateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { ApiError } from "../../../shared/api/index.js";
import { createMnemonic, normalizeMnemonic, parseMnemonic } from "../../../electron/core/wallet/mnemonic.js";
import { editDistance, suggestWords } from "../../../electron/core/wallet/word-suggestions.js";

// The BIP39 test phrase of all-"abandon" entropy (valid checksum word "about").
const VALID_12 = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

function rejection(input: string): ApiError {
  try {
    parseMnemonic(input);
  } catch (error) {
    assert.ok(error instanceof ApiError, "an ApiError");
    assert.equal(error.code, "invalid_params");
    return error;
  }
  assert.fail("the phrase was accepted");
}

describe("creating phrases", () => {
  test("12 and 24 words, valid BIP39 English, never repeated", () => {
    for (const words of [12, 24] as const) {
      const a = createMnemonic(words);
      const b = createMnemonic(words);
      assert.equal(a.split(" ").length, words);
      assert.ok(validateMnemonic(a, wordlist));
      assert.notEqual(a, b);
    }
  });
});

describe("reading typed phrases", () => {
  test("normalizes case, line breaks and extra spaces", () => {
    const messy = `  ${VALID_12.toUpperCase().replace(/ /g, "\n  ")}  `;
    assert.equal(normalizeMnemonic(messy), VALID_12);
    assert.equal(parseMnemonic(messy), VALID_12);
  });

  test("a wrong word count is named with the count found", () => {
    const error = rejection("abandon abandon abandon");
    assert.equal(error.details?.reason, "word_count");
    assert.equal(error.details?.wordCount, 3);
    assert.equal(rejection("").details?.wordCount, 0);
  });

  test("a word outside the list is reported by position with the nearest list words", () => {
    const typo = VALID_12.split(" ");
    typo[2] = "abandn"; // a dropped letter
    typo[11] = "abuot"; // swapped letters
    const error = rejection(typo.join(" "));
    assert.equal(error.details?.reason, "unknown_words");
    const unknown = error.details?.unknownWords as Array<{ position: number; suggestions: string[] }>;
    assert.deepEqual(unknown.map((u) => u.position), [3, 12]);
    assert.equal(unknown[0].suggestions[0], "abandon");
    assert.ok(unknown[1].suggestions.includes("about"), `suggestions ${unknown[1].suggestions}`);
    assert.match(error.message, /word 3 \(did you mean abandon/);
  });

  test("all-valid words with a bad checksum are told apart from a misspelling", () => {
    const swapped = VALID_12.replace(/about$/, "abandon");
    const error = rejection(swapped);
    assert.equal(error.details?.reason, "checksum");
    assert.match(error.message, /checksum/);
  });
});

describe("word suggestions", () => {
  test("edit distance counts insertions, deletions, substitutions and adjacent swaps as one", () => {
    assert.equal(editDistance("about", "about"), 0);
    assert.equal(editDistance("abot", "about"), 1);
    assert.equal(editDistance("abuot", "about"), 1);
    assert.equal(editDistance("xbout", "about"), 1);
    assert.equal(editDistance("kitten", "sitting"), 3);
    assert.equal(editDistance("a", "abcdef", 2), 3, "stops early past the cap");
  });

  test("a shared four-letter prefix identifies the BIP39 word", () => {
    assert.deepEqual(suggestWords("abstrakt", wordlist), ["abstract"]);
  });

  test("nothing is suggested for a word far from every list word", () => {
    assert.deepEqual(suggestWords("zzzzzzzzzz", wordlist), []);
  });
});
