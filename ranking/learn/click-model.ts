// What shoppers chose for each query, learned from clicks: per normalized query, the products they
// clicked and the categories of those products, each as a share of the query's clicks. Clicks
// decay with age (recent behaviour counts more) and every query gets `smoothing` pseudo-clicks on
// nothing, so a query clicked twice cannot claim the confidence of one clicked two hundred times.
import { normalizeQuery } from '../rules/match.ts';
import type { Click } from './click-log.ts';

export interface LearnedQuery {
  /** Product id and its share of the query's (decayed, smoothed) clicks, best first. */
  products: [string, number][];
  /** Category path and its share, best first. */
  categories: [string, number][];
}

export type LearnedSignals = Map<string, LearnedQuery>;

export interface LearnOptions {
  /** A click this old counts half. */
  halfLifeDays: number;
  smoothing: number;
  maxProducts: number;
  maxCategories: number;
  /** Shares below this are left out. */
  minShare: number;
}

export const defaultLearnOptions: LearnOptions = {
  halfLifeDays: 30,
  smoothing: 3,
  maxProducts: 10,
  maxCategories: 3,
  minShare: 0.05,
};

/** The key a query's learned signals are stored under. */
export const learnedKey = (q: string): string => normalizeQuery(q).join(' ');

const top = (m: Map<string, number>, total: number, n: number, minShare: number): [string, number][] =>
  [...m]
    .map(([k, w]) => [k, w / total] as [string, number])
    .filter(([, s]) => s >= minShare)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n);

/** `categoryOf` gives a product's full category path; `asOf` is the time decay is measured from. */
export function learnFromClicks(
  clicks: Iterable<Click>,
  categoryOf: (id: string) => string | undefined,
  asOf: number,
  o: LearnOptions = defaultLearnOptions,
): LearnedSignals {
  const halfLifeMs = o.halfLifeDays * 86_400_000;
  const byQuery = new Map<string, { total: number; products: Map<string, number>; categories: Map<string, number> }>();
  for (const c of clicks) {
    if (c.time > asOf) continue;
    const key = learnedKey(c.query);
    if (!key) continue;
    const w = 0.5 ** ((asOf - c.time) / halfLifeMs);
    let q = byQuery.get(key);
    if (!q) byQuery.set(key, (q = { total: 0, products: new Map(), categories: new Map() }));
    q.total += w;
    q.products.set(c.product, (q.products.get(c.product) ?? 0) + w);
    const cat = categoryOf(c.product);
    if (cat) q.categories.set(cat, (q.categories.get(cat) ?? 0) + w);
  }
  const out: LearnedSignals = new Map();
  for (const [key, q] of byQuery) {
    const total = q.total + o.smoothing;
    const learned = {
      products: top(q.products, total, o.maxProducts, o.minShare),
      categories: top(q.categories, total, o.maxCategories, o.minShare),
    };
    if (learned.products.length + learned.categories.length > 0) out.set(key, learned);
  }
  return out;
}
