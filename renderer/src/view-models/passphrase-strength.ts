/**
 * A passphrase strength estimate for the meter in the wallet step. It guesses how many bits of guessing work the
 * passphrase costs an attacker who holds the keystore file, from its character classes and length, minus what common
 * shortcuts (well-known passwords, runs, keyboard or alphabet sequences, the same character repeated) save them.
 * It is a meter, not a proof: it errs towards "weaker".
 */

export const MIN_PASSPHRASE_LENGTH = 8;
/** The wizard lets a passphrase through from this score up ("fair"). */
export const MIN_ACCEPTED_SCORE = 2;

export type StrengthScore = 0 | 1 | 2 | 3 | 4;

export interface PassphraseStrength {
  score: StrengthScore;
  label: "too short" | "very weak" | "weak" | "fair" | "good" | "strong";
  bits: number;
  /** One sentence saying how to make it stronger, or that it is fine. */
  hint: string;
}

const COMMON = [
  "password", "passw0rd", "123456", "12345678", "qwerty", "azerty", "letmein", "welcome", "iloveyou", "admin",
  "monkey", "dragon", "football", "baseball", "sunshine", "princess", "shadow", "master", "secret", "trustno1",
  "bitcoin", "ethereum", "crypto", "wallet", "pocket", "pokt", "pocketforge", "mining", "miner", "satoshi",
];
const SEQUENCES = ["abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiop", "asdfghjkl", "zxcvbnm", "azertyuiop"];

function charsetSize(text: string): number {
  let size = 0;
  if (/[a-z]/.test(text)) size += 26;
  if (/[A-Z]/.test(text)) size += 26;
  if (/[0-9]/.test(text)) size += 10;
  if (/[ ]/.test(text)) size += 1;
  if (/[!-/:-@[-`{-~]/.test(text)) size += 33;
  if (/[^\x00-\x7f]/.test(text)) size += 100;
  return Math.max(size, 1);
}

/** Characters an attacker gets for free: the parts of the text covered by predictable patterns. */
function predictableLength(text: string): number {
  const lower = text.toLowerCase();
  const covered = new Array<boolean>(text.length).fill(false);
  const cover = (from: number, length: number) => {
    for (let i = from; i < from + length; i++) covered[i] = true;
  };
  for (const word of COMMON) {
    for (let at = lower.indexOf(word); at !== -1; at = lower.indexOf(word, at + 1)) cover(at, word.length);
  }
  // Runs of 3+ of the same character, and 3+ steps along a keyboard row or the alphabet (either direction).
  for (let i = 0; i + 2 < lower.length; i++) {
    if (lower[i] === lower[i + 1] && lower[i] === lower[i + 2]) cover(i, 3);
    for (const sequence of SEQUENCES) {
      const chunk = lower.slice(i, i + 3);
      if (sequence.includes(chunk) || sequence.includes([...chunk].reverse().join(""))) cover(i, 3);
    }
  }
  return covered.filter(Boolean).length;
}

export function passphraseStrength(passphrase: string): PassphraseStrength {
  const length = [...passphrase].length;
  const predictable = predictableLength(passphrase);
  // Predictable characters still cost a few bits each (which word, where), the rest cost log2(charset) each.
  const bits = Math.round((length - predictable) * Math.log2(charsetSize(passphrase)) + predictable * 1.5);
  if (length < MIN_PASSPHRASE_LENGTH) {
    return { score: 0, label: "too short", bits, hint: `Use at least ${MIN_PASSPHRASE_LENGTH} characters; four or more random words are easiest to remember.` };
  }
  if (bits < 28) return { score: 0, label: "very weak", bits, hint: "Avoid common words, repeats and keyboard runs; add unrelated words." };
  if (bits < 40) return { score: 1, label: "weak", bits, hint: "Add another unrelated word or a few random characters." };
  if (bits < 60) return { score: 2, label: "fair", bits, hint: "Good enough to continue; one more unrelated word makes it much stronger." };
  if (bits < 80) return { score: 3, label: "good", bits, hint: "A good passphrase. Store it somewhere safe: it cannot be recovered." };
  return { score: 4, label: "strong", bits, hint: "A strong passphrase. Store it somewhere safe: it cannot be recovered." };
}
