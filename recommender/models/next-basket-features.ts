// What the next-basket ranker knows about a (customer, item) pair as of a moment: candidates and
// their features, grouped by the signal that produces them, so each group's part of the score can
// be told to the customer ("you buy this every month", "customers like you buy it").
// Everything is computed from the baskets before `asOf` only: the ranker is trained on features
// as of a past moment against what customers bought after it, and serves features as of now.
import type { Basket } from '../interactions/interaction.ts';
import type { ListLookup } from './cart.ts';
import { mixWithNeighbours, nearestCustomers } from './customer-neighbours.ts';
import { basketsByCustomer, personalFrequency, type FrequencyOptions } from './personal-frequency.ts';
import { topK } from './ranked-list.ts';

const DAY = 86_400_000;
/** Items of each neighbour's frequency vector that count towards a customer's neighbour score. */
const NEIGHBOUR_ITEMS = 100;

/** The signals, in feature order; each names the features of its group. */
export const SIGNALS = {
  'bought-before': [
    'bought',
    'frequency',
    'slowFrequency',
    'baskets',
    'share',
    'basketsSince',
    'daysSince',
    'inLastBasket',
    'dueRatio',
    'itemRepeatRate',
  ],
  'similar-customers': ['neighbourScore', 'neighbourShare'],
  'bought-with-recent': ['withLastBasket', 'withRecentBaskets'],
  'similar-to-history': ['embeddingSimilarity'],
  trending: ['popularity', 'recentPopularity', 'trend'],
} as const;
export type Signal = keyof typeof SIGNALS;
export const SIGNAL_NAMES = Object.keys(SIGNALS) as Signal[];
/** Features about the customer alone, given to every group so a group's weight can depend on who asks. */
export const CONTEXT = ['customerBaskets', 'daysSinceLastBasket', 'repeatRatio', 'basketSize'] as const;

export interface FeatureOptions {
  /** Decays of the customer's own frequency (TIFU-KNN's personal item frequency). */
  frequency: FrequencyOptions;
  /** A second, slower per-basket decay: long-run habits next to recent ones. */
  slowDecay: number;
  /** Nearest customers whose frequencies are averaged. */
  neighbours: number;
  /** Candidates per customer from each source beyond their own items. */
  candidatesPerSource: number;
  /** Own items kept as candidates, the most frequent first. */
  maxOwnItems: number;
  /** Days that count as recent for trending. */
  recentDays: number;
}

/** Unit-length item vectors, for the customer-to-item embedding similarity. */
export interface ItemVectors {
  index: ReadonlyMap<string, number>;
  dimensions: number;
  /** Row-major, each row unit length. */
  unit: Float32Array;
}

/** Feature rows of one customer's candidates, each row in `featureNames()` order. */
export interface CustomerCandidates {
  customer: string;
  items: string[];
  rows: Float32Array[];
}

export const featureNames = (): string[] => [...SIGNAL_NAMES.flatMap((s) => SIGNALS[s]), ...CONTEXT];

interface ItemStats {
  count: Map<string, number>;
  recent: Map<string, number>;
  previous: Map<string, number>;
  /** Share of the item's customers who bought it in more than one basket (smoothed). */
  repeatRate: Map<string, number>;
}

function itemStats(baskets: readonly Basket[], asOf: number, recentDays: number): ItemStats {
  const count = new Map<string, number>();
  const recent = new Map<string, number>();
  const previous = new Map<string, number>();
  const buyers = new Map<string, Map<string, number>>();
  const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const b of baskets) {
    const age = (asOf - b.time) / DAY;
    for (const i of b.items) {
      add(count, i);
      if (age < recentDays) add(recent, i);
      else if (age < 2 * recentDays) add(previous, i);
      if (b.user !== undefined) {
        let m = buyers.get(i);
        if (!m) buyers.set(i, (m = new Map()));
        add(m, b.user);
      }
    }
  }
  const repeatRate = new Map<string, number>();
  for (const [i, m] of buyers) {
    let again = 0;
    for (const n of m.values()) if (n > 1) again++;
    repeatRate.set(i, (again + 1) / (m.size + 2));
  }
  return { count, recent, previous, repeatRate };
}

/** Every customer with history before `asOf`, their candidates and feature rows. */
export function customerCandidates(
  allBaskets: readonly Basket[],
  asOf: number,
  o: FeatureOptions,
  together: ListLookup,
  vectors?: ItemVectors,
  only?: ReadonlySet<string>,
): CustomerCandidates[] {
  const baskets = allBaskets.filter((b) => b.time < asOf);
  const stats = itemStats(baskets, asOf, o.recentDays);
  const histories = basketsByCustomer(baskets);
  const frequencies = new Map([...histories].map(([c, h]) => [c, personalFrequency(h, o.frequency)]));
  const neighbours = nearestCustomers(frequencies, o.neighbours);
  // What a neighbour passes on is their strongest items: the tail of a wholesale customer's
  // hundreds of lines costs time and barely moves the mean.
  const strongest = new Map(
    [...frequencies].map(([c, f]) => [c, f.size > NEIGHBOUR_ITEMS ? new Map(topK(f, NEIGHBOUR_ITEMS)) : f]),
  );
  const trending = topK(stats.recent, o.candidatesPerSource).map(([id]) => id);
  const width = featureNames().length;
  const out: CustomerCandidates[] = [];
  for (const [customer, history] of histories) {
    if (only && !only.has(customer)) continue;
    const own = frequencies.get(customer)!;
    const slow = personalFrequency(history, { groupSize: 1, withinDecay: 1, acrossDecay: o.slowDecay });
    const mixed = mixWithNeighbours(new Map(), neighbours.get(customer) ?? [], strongest, 0);
    const boughtBy = new Map<string, number>();
    for (const n of neighbours.get(customer) ?? [])
      for (const item of strongest.get(n.customer)!.keys()) boughtBy.set(item, (boughtBy.get(item) ?? 0) + 1);
    const nNeighbours = Math.max(1, neighbours.get(customer)?.length ?? 0);

    // The customer's own record per item: baskets holding it, last time, purchase times.
    const times = new Map<string, number[]>();
    history.forEach((b) => {
      for (const i of b.items) {
        let t = times.get(i);
        if (!t) times.set(i, (t = []));
        t.push(b.time);
      }
    });
    const lastIndex = new Map<string, number>();
    history.forEach((b, n) => {
      for (const i of b.items) lastIndex.set(i, n);
    });
    const last = history.at(-1)!;
    const recentBaskets = history.slice(-3);
    const withLast = new Map<string, number>();
    const withRecent = new Map<string, number>();
    recentBaskets.forEach((b, n) => {
      const weight = 0.5 ** (recentBaskets.length - 1 - n);
      for (const i of b.items)
        for (const [j, s] of together(i) ?? []) {
          withRecent.set(j, (withRecent.get(j) ?? 0) + (weight * s) / b.items.length);
          if (b === last) withLast.set(j, (withLast.get(j) ?? 0) + s / b.items.length);
        }
    });

    // Context: who is asking.
    let repeats = 0;
    const seenItems = new Set<string>();
    history.forEach((b, n) => {
      if (n > 0) repeats += b.items.filter((i) => seenItems.has(i)).length / b.items.length;
      for (const i of b.items) seenItems.add(i);
    });
    const context = [
      Math.log1p(history.length),
      Math.log1p((asOf - last.time) / DAY),
      history.length > 1 ? repeats / (history.length - 1) : 0,
      Math.log1p(history.reduce((s, b) => s + b.items.length, 0) / history.length),
    ];

    const candidates = new Set(topK(own, o.maxOwnItems).map(([id]) => id));
    for (const source of [mixed, withRecent]) {
      const fresh: [string, number][] = [];
      for (const [id, x] of source) if (!own.has(id) && !candidates.has(id)) fresh.push([id, x]);
      for (const [id] of topK(fresh, o.candidatesPerSource)) candidates.add(id);
    }
    for (const id of trending) candidates.add(id);

    const profile = vectors ? profileOf(slow, vectors) : undefined;
    const items = [...candidates];
    const rows = items.map((item) => {
      const t = times.get(item);
      const row = new Float32Array(width);
      let f = 0;
      // bought-before
      row[f++] = t ? 1 : 0;
      row[f++] = own.get(item) ?? 0;
      row[f++] = slow.get(item) ?? 0;
      row[f++] = Math.log1p(t?.length ?? 0);
      row[f++] = (t?.length ?? 0) / history.length;
      row[f++] = t ? Math.log1p(history.length - 1 - lastIndex.get(item)!) : 0;
      row[f++] = t ? Math.log1p((asOf - t.at(-1)!) / DAY) : 0;
      row[f++] = last.items.includes(item) ? 1 : 0;
      // How far into its usual gap between purchases the item is (1 = due now).
      row[f++] =
        t && t.length > 1 ? Math.min(4, (asOf - t.at(-1)!) / Math.max(1, (t.at(-1)! - t[0]!) / (t.length - 1))) : 0;
      row[f++] = stats.repeatRate.get(item) ?? 0;
      // similar-customers
      row[f++] = mixed.get(item) ?? 0;
      row[f++] = (boughtBy.get(item) ?? 0) / nNeighbours;
      // bought-with-recent
      row[f++] = withLast.get(item) ?? 0;
      row[f++] = withRecent.get(item) ?? 0;
      // similar-to-history
      row[f++] = profile ? similarity(profile, item, vectors!) : 0;
      // trending
      row[f++] = Math.log1p(stats.count.get(item) ?? 0);
      row[f++] = Math.log1p(stats.recent.get(item) ?? 0);
      row[f++] = Math.log((1 + (stats.recent.get(item) ?? 0)) / (1 + (stats.previous.get(item) ?? 0)));
      for (const c of context) row[f++] = c;
      return row;
    });
    out.push({ customer, items, rows });
  }
  return out;
}

/** The unit-length weighted mean of a customer's item vectors. */
function profileOf(weights: ReadonlyMap<string, number>, v: ItemVectors): Float32Array | undefined {
  const p = new Float32Array(v.dimensions);
  let any = false;
  for (const [item, w] of weights) {
    const i = v.index.get(item);
    if (i === undefined) continue;
    any = true;
    for (let d = 0; d < v.dimensions; d++) p[d]! += w * v.unit[i * v.dimensions + d]!;
  }
  if (!any) return undefined;
  const norm = Math.hypot(...p) || 1;
  for (let d = 0; d < v.dimensions; d++) p[d]! /= norm;
  return p;
}

function similarity(profile: Float32Array, item: string, v: ItemVectors): number {
  const i = v.index.get(item);
  if (i === undefined) return 0;
  let s = 0;
  for (let d = 0; d < v.dimensions; d++) s += profile[d]! * v.unit[i * v.dimensions + d]!;
  return s;
}
