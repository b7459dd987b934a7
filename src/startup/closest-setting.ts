/**
 * Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbours each cost 1, so the typical typo `WHARF_PROT` is one step from `WHARF_PORT`.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = d[i];
      if (row) row[j] = best;
    }
  }
  return at(rows - 1, cols - 1);
}

/**
 * The known name nearest to `name`, case ignored (ties: the first in `known`), or undefined when
 * nothing is known.
 */
export function closestSetting(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name.toUpperCase(), candidate);
    if (best === undefined || distance < best.distance) best = { name: candidate, distance };
  }
  return best?.name;
}

/**
 * One warning line per `WHARF_*` variable Wharf does not read: a misspelt setting would otherwise
 * be ignored without a word and the default used instead.
 */
export function unknownSettingWarnings(
  envNames: readonly string[],
  known: readonly string[],
): string[] {
  const knownSet = new Set(known);
  return envNames
    .filter((name) => name.startsWith('WHARF_') && !knownSet.has(name))
    .sort()
    .map((name) => {
      const closest = closestSetting(name, known);
      const hint = closest === undefined ? '' : `; did you mean ${closest}?`;
      return `wharf: warning: ${name} is not a Wharf setting and is ignored${hint}`;
    });
}
