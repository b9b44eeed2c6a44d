/** The known name a typo most likely meant, if any is close enough to be a fair guess. */
export function closest(input: string, known: readonly string[]): string | undefined {
  // Spelling conventions (stopSignal, stop-signal, STOP_SIGNAL) are not typos: match them outright.
  const squash = (s: string) => s.toLowerCase().replace(/[-_\s]/g, "");
  const exact = known.find((k) => squash(k) === squash(input));
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // A third of the word may be wrong; beyond that a suggestion is more noise than help.
  const limit = Math.max(1, Math.floor(input.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** ` (did you mean "web"?)`, or nothing when no known name is close. */
export function didYouMean(input: string, known: readonly string[]): string {
  const guess = closest(input, known);
  return guess === undefined ? "" : ` (did you mean ${JSON.stringify(guess)}?)`;
}

/** Optimal string alignment distance: Levenshtein plus swapped neighbours ("restrat"). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
