// Items that appear in enough baskets to learn from, numbered densely for the models, and the
// baskets rewritten in those numbers (compressed rows: one offsets array, one members array).
import { compactBaskets, type Baskets } from '../interactions/basket-log.ts';
import type { Basket } from '../interactions/interaction.ts';

export interface Vocabulary {
  /** Known items, sorted by id. */
  items: string[];
  index: Map<string, number>;
  /** Baskets each item appears in. */
  counts: Int32Array;
  /** Baskets with at least two known items: basket b holds members[offsets[b] .. offsets[b + 1]). */
  offsets: Int32Array;
  members: Int32Array;
  /** Number of such baskets. */
  basketCount: number;
  /** Vocabulary number of each basket-log item number (-1 when unknown), and back. */
  ofItem: Int32Array;
  itemOf: Int32Array;
}

/** `until`: only baskets before this time count (the next-basket ranker's view of an earlier moment). */
export function buildVocabulary(baskets: Baskets | readonly Basket[], minCount: number, until = Infinity): Vocabulary {
  const b = Array.isArray(baskets) ? compactBaskets(baskets as readonly Basket[]) : (baskets as Baskets);
  const seen = new Int32Array(b.items.length);
  for (let basket = 0; basket < b.count; basket++)
    if (b.time[basket]! < until)
      for (let i = b.offsets[basket]!; i < b.offsets[basket + 1]!; i++) seen[b.members[i]!]!++;
  const kept: number[] = [];
  for (let i = 0; i < seen.length; i++) if (seen[i]! >= minCount) kept.push(i);
  kept.sort((x, y) => (b.items[x]! < b.items[y]! ? -1 : 1));
  const toVocab = new Int32Array(b.items.length).fill(-1);
  kept.forEach((item, v) => (toVocab[item] = v));
  const items = kept.map((i) => b.items[i]!);
  const offsets: number[] = [0];
  const members = new Int32Array(b.members.length);
  let n = 0;
  for (let basket = 0; basket < b.count; basket++) {
    if (b.time[basket]! >= until) continue;
    const start = n;
    for (let i = b.offsets[basket]!; i < b.offsets[basket + 1]!; i++) {
      const v = toVocab[b.members[i]!]!;
      if (v >= 0) members[n++] = v;
    }
    if (n - start >= 2) offsets.push(n);
    else n = start;
  }
  return {
    items,
    index: new Map(items.map((item, i) => [item, i])),
    counts: Int32Array.from(kept, (i) => seen[i]!),
    offsets: Int32Array.from(offsets),
    members: members.slice(0, n),
    basketCount: offsets.length - 1,
    ofItem: toVocab,
    itemOf: Int32Array.from(kept),
  };
}

/** Basket b's known item numbers. */
export const vocabBasket = (v: Vocabulary, b: number): Int32Array =>
  v.members.subarray(v.offsets[b]!, v.offsets[b + 1]!);
