/**
 * Shuffle `list` in place (Fisher-Yates, from the end) with an injected `random` in [0, 1), so a seeded
 * generator gives the same order in tests. Returns the list.
 */
export function shuffleInPlace<T>(list: T[], random: () => number): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}
