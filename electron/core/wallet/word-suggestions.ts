/**
 * Nearest words of a wordlist to a mistyped word, for "did you mean …" hints. BIP39 English words are unique in
 * their first four letters, so a typed word sharing those with a list word is almost certainly that word; beyond
 * that, optimal-string-alignment distance (Levenshtein plus adjacent swaps, the commonest typing slip) ranks them.
 */
export function suggestWords(typed: string, wordlist: readonly string[], limit = 3): string[] {
  const word = typed.toLowerCase();
  if (word.length >= 4) {
    const samePrefix = wordlist.filter((candidate) => candidate.startsWith(word.slice(0, 4)));
    if (samePrefix.length > 0) return samePrefix.slice(0, limit);
  }
  const maxDistance = word.length <= 3 ? 1 : 2;
  return wordlist
    .map((candidate) => ({ candidate, distance: editDistance(word, candidate, maxDistance) }))
    .filter((entry) => entry.distance <= maxDistance)
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map((entry) => entry.candidate);
}

/** Optimal string alignment distance; returns `cap + 1` as soon as the distance must exceed `cap`. */
export function editDistance(a: string, b: string, cap = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMinimum = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, beforePrevious[j - 2] + 1);
      }
      current.push(value);
      rowMinimum = Math.min(rowMinimum, value);
    }
    if (rowMinimum > cap) return cap + 1;
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length];
}
