/** Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`: how far a typo is from a word. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The word of `words` that `given` was most likely meant to be: within a typo per four letters (at
 * least one), or one it begins (three letters or more); undefined when none is that near.
 */
export function nearestWord(given: string, words: readonly string[]): string | undefined {
  let best: { word: string; distance: number } | undefined;
  for (const word of words) {
    const distance = editDistance(given, word);
    const limit = Math.max(1, Math.floor(word.length / 4));
    const prefix = given.length >= 3 && word.startsWith(given);
    if ((distance <= limit || prefix) && (!best || distance < best.distance)) best = { word, distance };
  }
  return best?.word;
}
