// A recommendation list: item ids with scores, best first.
export type Scored = [id: string, score: number];

/** The k best entries of a score table, ties broken by id so lists are reproducible. */
export function topK(scores: Iterable<[string, number]>, k: number): Scored[] {
  const all = [...scores].filter(([, s]) => s > 0 && Number.isFinite(s));
  all.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return all.slice(0, k).map(([id, s]) => [id, round(s)]);
}

export const round = (s: number): number => Math.round(s * 1e6) / 1e6;
