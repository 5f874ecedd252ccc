import { generateMnemonic, validateMnemonic } from "@scure/bip39";
import { wordlist as english } from "@scure/bip39/wordlists/english.js";
import { ApiError } from "../../../shared/api/index.js";
import { suggestWords } from "./word-suggestions.js";

export type MnemonicLength = 12 | 24;

const VALID_WORD_COUNTS = [12, 15, 18, 21, 24];
const ENGLISH_WORDS = new Set(english);

/** A fresh BIP39 English recovery phrase: 128 bits of entropy for 12 words, 256 bits for 24. */
export function createMnemonic(words: MnemonicLength): string {
  return generateMnemonic(english, words === 12 ? 128 : 256);
}

/**
 * The canonical spelling of a typed phrase: NFKD (as BIP39 specifies), lower case, single spaces. People paste
 * phrases with line breaks, numbering gaps or capitals; none of that should make a valid phrase fail.
 */
export function normalizeMnemonic(input: string): string {
  return input.normalize("NFKD").toLowerCase().trim().split(/\s+/).filter(Boolean).join(" ");
}

export interface UnknownWord {
  /** 1-based position in the phrase, as people count words on their paper backup. */
  position: number;
  suggestions: string[];
}

/**
 * Returns the normalized phrase or throws an ApiError that says what is wrong: the number of words, which words are
 * not BIP39 words (with the nearest list words), or — all words valid — a checksum that does not match, which means
 * a word is wrong or two are swapped.
 */
export function parseMnemonic(input: string): string {
  const phrase = normalizeMnemonic(input);
  const words = phrase ? phrase.split(" ") : [];
  if (!VALID_WORD_COUNTS.includes(words.length)) {
    throw new ApiError(
      "invalid_params",
      `A recovery phrase has 12, 15, 18, 21 or 24 words; this one has ${words.length}`,
      { reason: "word_count", wordCount: words.length },
    );
  }
  const unknown: UnknownWord[] = [];
  words.forEach((word, index) => {
    if (!ENGLISH_WORDS.has(word)) unknown.push({ position: index + 1, suggestions: suggestWords(word, english) });
  });
  if (unknown.length > 0) {
    const described = unknown
      .map((u) => `word ${u.position}${u.suggestions.length ? ` (did you mean ${u.suggestions.join(", ")}?)` : ""}`)
      .join("; ");
    throw new ApiError(
      "invalid_params",
      `${unknown.length === 1 ? "A word is" : "Some words are"} not in the BIP39 English word list: ${described}`,
      { reason: "unknown_words", unknownWords: unknown },
    );
  }
  if (!validateMnemonic(phrase, english)) {
    throw new ApiError(
      "invalid_params",
      "Every word is valid but the phrase's checksum does not match: one word is probably wrong, or two are swapped",
      { reason: "checksum" },
    );
  }
  return phrase;
}
