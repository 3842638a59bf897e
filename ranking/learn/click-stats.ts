// Clicks per query and product, decayed with age and kept per position bucket, so the click model
// can be applied when the signals are read: the same stats serve `ranking learn` over a click log
// (positions unknown) and the learner over live events (positions from the impressions). Adding
// clicks in any order gives the same stats (decay.ts), which is what lets the learner resume from a
// checkpoint and replay without changing the result.
import { anchored, type HalfLife, valueAt } from './decay.ts';
import { POSITION_BUCKETS } from './position-bias.ts';
import { learnedKey, type LearnedSignals, type LearnOptions } from './learned.ts';

/** Per normalized query, per product: the anchored click weight in each position bucket. */
export type ClickStatsData = Record<string, Record<string, number[]>>;

const top = (m: Map<string, number>, total: number, n: number, minShare: number): [string, number][] =>
  [...m]
    .map(([k, w]) => [k, w / total] as [string, number])
    .filter(([, s]) => s >= minShare)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n);

export class ClickStats {
  private readonly data: Map<string, Map<string, number[]>>;
  /** Queries changed since the last `takeChanged`. */
  private changed = new Set<string>();

  constructor(
    readonly halfLife: HalfLife,
    data: ClickStatsData = {},
  ) {
    this.data = new Map(Object.entries(data).map(([q, products]) => [q, new Map(Object.entries(products))]));
  }

  get queries(): number {
    return this.data.size;
  }

  /** One click on `product` for the query `query` (as typed) at `time`, shown in position bucket `bucket`. */
  add(query: string, product: string, time: number, bucket: number, weight = 1): void {
    const key = learnedKey(query);
    if (!key) return;
    let products = this.data.get(key);
    if (!products) this.data.set(key, (products = new Map()));
    let sums = products.get(product);
    if (!sums) products.set(product, (sums = new Array<number>(POSITION_BUCKETS).fill(0)));
    sums[bucket]! += anchored(weight, time, this.halfLife);
    this.changed.add(key);
  }

  keys(): IterableIterator<string> {
    return this.data.keys();
  }

  /** Every product clicked for these queries. */
  productsOf(keys: Iterable<string>): Set<string> {
    const out = new Set<string>();
    for (const k of keys) for (const id of this.data.get(k)?.keys() ?? []) out.add(id);
    return out;
  }

  /** The queries changed since the last call. */
  takeChanged(): string[] {
    const out = [...this.changed].sort();
    this.changed = new Set();
    return out;
  }

  /**
   * What was learned for these queries (all when absent) as of `asOf`: each product's share of
   * the query's clicks, a click in bucket b counting 1/examination[b], and each category's share.
   */
  signals(
    asOf: number,
    categoryOf: (id: string) => string | undefined,
    examination: readonly number[],
    o: LearnOptions,
    keys: Iterable<string> = this.data.keys(),
  ): LearnedSignals {
    const out: LearnedSignals = new Map();
    for (const key of keys) {
      const products = this.data.get(key);
      if (!products) continue;
      let total = 0;
      const byProduct = new Map<string, number>();
      const byCategory = new Map<string, number>();
      for (const [id, sums] of products) {
        let w = 0;
        sums.forEach((s, b) => (w += s / (examination[b] ?? 1)));
        w = valueAt(w, asOf, this.halfLife);
        total += w;
        byProduct.set(id, w);
        const cat = categoryOf(id);
        if (cat) byCategory.set(cat, (byCategory.get(cat) ?? 0) + w);
      }
      const all = total + o.smoothing;
      const learned = {
        products: top(byProduct, all, o.maxProducts, o.minShare),
        categories: top(byCategory, all, o.maxCategories, o.minShare),
      };
      if (learned.products.length + learned.categories.length > 0) out.set(key, learned);
    }
    return out;
  }

  /** Keeps the `maxQueries` queries with the most (decayed) clicks as of `asOf`; returns those dropped. */
  prune(maxQueries: number, asOf: number): string[] {
    if (this.data.size <= maxQueries) return [];
    const weight = (products: Map<string, number[]>) => {
      let w = 0;
      for (const sums of products.values()) for (const s of sums) w += s;
      return valueAt(w, asOf, this.halfLife);
    };
    const ranked = [...this.data]
      .map(([k, p]) => [k, weight(p)] as const)
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
    const dropped = ranked.slice(0, this.data.size - maxQueries).map(([k]) => k);
    for (const k of dropped) this.data.delete(k);
    return dropped;
  }

  toJSON(): ClickStatsData {
    return Object.fromEntries([...this.data].map(([q, products]) => [q, Object.fromEntries(products)]));
  }
}
