// Frequently bought together: how often two items share a basket, corrected for popularity so that
// items in every basket (bags, postage-like staples) do not top every list. Counted one item at a
// time through an inverted index (item → its baskets) into one dense counter, so memory is the
// index plus a row, not a table of every pair (tens of millions at a million items).
import { ListTable } from './list-table.ts';
import { topCandidates } from './ranked-list.ts';
import type { Vocabulary } from './vocabulary.ts';

export type CooccurrenceScoring = 'cosine' | 'lift' | 'count';

export interface CooccurrenceOptions {
  scoring: CooccurrenceScoring;
  /** Pairs seen in fewer baskets are noise. */
  minSupport: number;
  /** Items of larger baskets beyond this are ignored (wholesale orders of hundreds of lines). */
  maxBasketItems: number;
}

/** Each item's baskets (compressed rows), counting only a basket's first `maxBasketItems` items. */
export interface Cooccurrence {
  offsets: Int32Array;
  baskets: Int32Array;
  maxBasketItems: number;
  basketCount: number;
}

export function countCooccurrence(v: Vocabulary, maxBasketItems: number): Cooccurrence {
  const size = v.items.length;
  const perItem = new Int32Array(size + 1);
  const eachKept = (f: (item: number, basket: number) => void) => {
    for (let b = 0; b < v.basketCount; b++) {
      const end = Math.min(v.offsets[b + 1]!, v.offsets[b]! + maxBasketItems);
      for (let i = v.offsets[b]!; i < end; i++) f(v.members[i]!, b);
    }
  };
  eachKept((item) => perItem[item + 1]!++);
  for (let i = 0; i < size; i++) perItem[i + 1]! += perItem[i]!;
  const baskets = new Int32Array(perItem[size]!);
  const fill = perItem.slice(0, size);
  eachKept((item, b) => (baskets[fill[item]!++] = b));
  return { offsets: perItem, baskets, maxBasketItems, basketCount: v.basketCount };
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
  onItem: () => void = () => {},
): ListTable {
  const size = v.items.length;
  const out = new ListTable(v.items, v.items, k);
  const count = new Int32Array(size);
  const touched = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    let n = 0;
    for (let p = co.offsets[i]!; p < co.offsets[i + 1]!; p++) {
      const b = co.baskets[p]!;
      const end = Math.min(v.offsets[b + 1]!, v.offsets[b]! + co.maxBasketItems);
      for (let m = v.offsets[b]!; m < end; m++) {
        const j = v.members[m]!;
        if (j === i) continue;
        if (count[j] === 0) touched[n++] = j;
        count[j]!++;
      }
    }
    const top = topCandidates(touched, n, k, (j) =>
      count[j]! >= o.minSupport ? pairScore(o.scoring, count[j]!, v.counts[i]!, v.counts[j]!, co.basketCount) : 0,
    );
    out.setRow(i, top.ids, top.scores);
    for (let t = 0; t < n; t++) count[touched[t]!] = 0;
    onItem();
  }
  return out;
}
