// Finding what was learned for a query the logs may not hold verbatim: the exact normalized query
// first, then the same letters without spaces ("fifa12" is "fifa 12"), then queries sharing most
// of its words ("gears of war 3 epic" learns from "gears of war 3"), each neighbour's shares scaled
// by how alike the two queries are and by `neighbourWeight`, so borrowed signals count less.
import { learnedKey, type LearnedQuery, type LearnedSignals } from './learned.ts';

export interface LookupOptions {
  /** Word overlap (Jaccard) a neighbouring query needs. */
  minSimilarity: number;
  neighbours: number;
  neighbourWeight: number;
}

export const defaultLookupOptions: LookupOptions = { minSimilarity: 0.5, neighbours: 5, neighbourWeight: 0.5 };

export type LearnedLookup = (q: string) => LearnedQuery | undefined;

const squash = (key: string) => key.replaceAll(' ', '');

/** Learned queries a lookup reads at most, looking for neighbours of a query not learned as typed. */
export const MAX_SCANNED = 2000;

function merge(parts: { learned: LearnedQuery; weight: number }[]): LearnedQuery {
  const add = (into: Map<string, number>, list: [string, number][], w: number) =>
    list.forEach(([k, s]) => into.set(k, (into.get(k) ?? 0) + s * w));
  const products = new Map<string, number>();
  const categories = new Map<string, number>();
  for (const p of parts) {
    add(products, p.learned.products, p.weight);
    add(categories, p.learned.categories, p.weight);
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return { products: sorted(products), categories: sorted(categories) };
}

/**
 * The learned queries indexed for lookup, updatable in place: the service applies each revision's
 * changes rather than rebuilding from everything.
 */
export class LearnedIndex {
  private readonly signals = new Map<string, LearnedQuery>();
  private readonly bySquashed = new Map<string, string>();
  private readonly byWord = new Map<string, Set<string>>();

  constructor(
    signals: LearnedSignals = new Map(),
    private readonly o: LookupOptions = defaultLookupOptions,
  ) {
    this.apply(signals, []);
  }

  /** Sets some queries and removes others. */
  apply(set: LearnedSignals, removed: Iterable<string>): void {
    for (const key of removed) {
      if (!this.signals.delete(key)) continue;
      if (this.bySquashed.get(squash(key)) === key) this.bySquashed.delete(squash(key));
      for (const w of new Set(key.split(' '))) {
        const keys = this.byWord.get(w);
        keys?.delete(key);
        if (keys?.size === 0) this.byWord.delete(w);
      }
    }
    for (const [key, learned] of set) {
      this.signals.set(key, learned);
      this.bySquashed.set(squash(key), key);
      for (const w of new Set(key.split(' '))) {
        const keys = this.byWord.get(w);
        if (keys) keys.add(key);
        else this.byWord.set(w, new Set([key]));
      }
    }
  }

  get size(): number {
    return this.signals.size;
  }

  readonly lookup: LearnedLookup = (q) => {
    const { signals, o } = this;
    const key = learnedKey(q);
    if (!key) return undefined;
    const exact = signals.get(key) ?? signals.get(this.bySquashed.get(squash(key)) ?? '');
    if (exact) return exact;
    // Prefix filtering (Chaudhuri et al., ICDE 2006): a query within `minSimilarity` (Jaccard) of
    // n words shares one of any n - ceil(t·n) + 1 of them, so only the rarest words' postings are
    // read, and never more than MAX_SCANNED entries: a query of the commonest words costs what a
    // rare one does (it read every learned query holding them: 60 ms of event loop at 100,000).
    const words = [...new Set(key.split(' '))];
    const postings = words.map((w) => this.byWord.get(w)).filter((keys) => keys !== undefined);
    postings.sort((a, b) => a.size - b.size);
    const needed = words.length - Math.ceil(o.minSimilarity * words.length) + 1;
    const candidates = new Set<string>();
    let budget = MAX_SCANNED;
    read: for (const keys of postings.slice(0, needed))
      for (const other of keys) {
        if (budget-- <= 0) break read;
        candidates.add(other);
      }
    const asked = new Set(words);
    const near = [...candidates]
      .map((other) => {
        const theirs = new Set(other.split(' '));
        let shared = 0;
        for (const w of theirs) if (asked.has(w)) shared++;
        return { other, similarity: shared / (asked.size + theirs.size - shared) };
      })
      .filter((n) => n.similarity >= o.minSimilarity)
      .sort((a, b) => b.similarity - a.similarity || (a.other < b.other ? -1 : 1))
      .slice(0, o.neighbours);
    if (near.length === 0) return undefined;
    const total = near.reduce((s, n) => s + n.similarity, 0);
    return merge(
      near.map((n) => ({
        learned: signals.get(n.other)!,
        weight: (o.neighbourWeight * n.similarity * n.similarity) / total,
      })),
    );
  };
}

export const learnedLookup = (signals: LearnedSignals, o: LookupOptions = defaultLookupOptions): LearnedLookup =>
  new LearnedIndex(signals, o).lookup;
