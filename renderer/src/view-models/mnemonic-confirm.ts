/** Confirming a new recovery phrase: the person types back three words picked at random, proving they wrote it down. */

export const CONFIRM_COUNT = 3;

export function mnemonicWords(mnemonic: string): string[] {
  return mnemonic.trim().split(/\s+/).filter(Boolean);
}

/** `count` distinct word positions (0-based, ascending) out of `wordCount`, drawn with `random` (0 ≤ r < 1). */
export function pickConfirmPositions(wordCount: number, random: () => number = Math.random, count = CONFIRM_COUNT): number[] {
  if (wordCount < count) throw new RangeError(`cannot pick ${count} words out of ${wordCount}`);
  const pool = Array.from({ length: wordCount }, (_, i) => i);
  // Partial Fisher–Yates: the first `count` slots end up a uniform sample without repeats.
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (wordCount - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, count).sort((a, b) => a - b);
}

export function normaliseWord(word: string): string {
  return word.trim().toLowerCase();
}

/** For each position, whether the answer matches the word there (ignoring case and surrounding spaces). */
export function checkConfirmation(mnemonic: string, positions: number[], answers: string[]): boolean[] {
  const words = mnemonicWords(mnemonic);
  return positions.map((position, i) => normaliseWord(answers[i] ?? "") === words[position]);
}

/** "1st", "2nd", "3rd", "4th" … "21st", as in "the 21st word". */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${["th", "st", "nd", "rd"][n % 10] ?? "th"}`;
}
