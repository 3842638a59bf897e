// Frequently bought together: how often two items share a basket, corrected for popularity so that
// items in every basket (bags, postage-like staples) do not top every list.
import type { Vocabulary } from './vocabulary.ts';
import { topK, type Scored } from './ranked-list.ts';

export type CooccurrenceScoring = 'cosine' | 'lift' | 'count';

export interface CooccurrenceOptions {
  scoring: CooccurrenceScoring;
  /** Pairs seen in fewer baskets are noise. */
  minSupport: number;
  /** Items of larger baskets beyond this are ignored (wholesale orders of hundreds of lines). */
  maxBasketItems: number;
}

export interface Cooccurrence {
  /** Pair counts per item number. */
  rows: Map<number, number>[];
  basketCount: number;
}

export function countCooccurrence(v: Vocabulary, maxBasketItems: number): Cooccurrence {
  const rows = v.items.map(() => new Map<number, number>());
  for (const basket of v.baskets) {
    const items = basket.length > maxBasketItems ? basket.subarray(0, maxBasketItems) : basket;
    for (let a = 0; a < items.length; a++) {
      const row = rows[items[a]!]!;
      for (let b = 0; b < items.length; b++) if (a !== b) row.set(items[b]!, (row.get(items[b]!) ?? 0) + 1);
    }
  }
  return { rows, basketCount: v.baskets.length };
}

/** Score of `j` given `i`: cosine = c/√(n_i·n_j), lift = c·N/(n_i·n_j), count = c. */
export function pairScore(scoring: CooccurrenceScoring, c: number, ni: number, nj: number, total: number): number {
  if (scoring === 'count') return c;
  if (scoring === 'lift') return (c * total) / (ni * nj);
  return c / Math.sqrt(ni * nj);
}

export function boughtTogether(
  v: Vocabulary,
  co: Cooccurrence,
  o: CooccurrenceOptions,
  k: number,
): Map<string, Scored[]> {
  const out = new Map<string, Scored[]>();
  co.rows.forEach((row, i) => {
    const scored: [string, number][] = [];
    for (const [j, c] of row)
      if (c >= o.minSupport)
        scored.push([v.items[j]!, pairScore(o.scoring, c, v.counts[i]!, v.counts[j]!, co.basketCount)]);
    const list = topK(scored, k);
    if (list.length > 0) out.set(v.items[i]!, list);
  });
  return out;
}
