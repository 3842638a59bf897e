// What the next-basket ranker knows about a (customer, item) pair as of a moment: candidates and
// their features, grouped by the signal that produces them, so each group's part of the score can
// be told to the customer ("you buy this every month", "customers like you buy it").
// Everything is computed from the baskets before `asOf` only: the ranker is trained on features
// as of a past moment against what customers bought after it, and serves features as of now.
// Items are basket-log numbers throughout; per-customer work runs in dense scratch arrays indexed
// by item number (reset through the list of what was touched), so a customer costs their lines,
// their neighbours' strongest items and their candidates, never a Map.
import type { Baskets, CustomerBaskets } from '../interactions/basket-log.ts';
import { neighbourSearch, type SparseRows } from './customer-neighbours.ts';
import type { ListTable } from './list-table.ts';
import { basketWeight, type FrequencyOptions } from './personal-frequency.ts';
import { topCandidates } from './ranked-list.ts';
import type { Vocabulary } from './vocabulary.ts';

const DAY = 86_400_000;
/** Items of each neighbour's frequency vector that count towards a customer's neighbour score. */
const NEIGHBOUR_ITEMS = 100;
/** The customer's most recent baskets whose bought-together lists are summed. */
const RECENT_BASKETS = 3;

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

export const featureNames = (): string[] => [...SIGNAL_NAMES.flatMap((s) => SIGNALS[s]), ...CONTEXT];
export const FEATURES = featureNames().length;
/** The feature column saying whether the customer bought the item before. */
export const BOUGHT = featureNames().indexOf('bought');

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

/** The compact baskets with each customer's baskets in time order. */
export interface BasketHistory {
  b: Baskets;
  byCustomer: CustomerBaskets;
}

/** Bought-together lists by vocabulary number, and the vocabulary numbering of basket-log items. */
export interface NumberedLists {
  table: ListTable;
  vocab: Pick<Vocabulary, 'ofItem' | 'itemOf'>;
}

/** Unit-length item vectors, for the customer-to-item embedding similarity. */
export interface ItemVectors {
  /** Vector row of each basket-log item (-1 when it has none). */
  rowOf: Int32Array;
  dimensions: number;
  /** Row-major, each row unit length. */
  unit: Float32Array;
}

/** Shop-wide item figures as of a moment, by item number. */
interface ItemStats {
  count: Float64Array;
  recent: Float64Array;
  previous: Float64Array;
  /** Share of the item's customers who bought it in more than one basket (smoothed; 0 when none did). */
  repeatRate: Float64Array;
}

/** Each customer's baskets before `asOf`: the first `before[u]` of their time-ordered baskets. */
function basketsBefore(h: BasketHistory, asOf: number): Int32Array {
  const { b, byCustomer: c } = h;
  const before = new Int32Array(b.users.length);
  for (let u = 0; u < b.users.length; u++) {
    let n = 0;
    while (c.offsets[u]! + n < c.offsets[u + 1]! && b.time[c.baskets[c.offsets[u]! + n]!]! < asOf) n++;
    before[u] = n;
  }
  return before;
}

/**
 * Shop-wide counts, and every customer's personal item frequency (compressed rows: the customer's
 * distinct items), in one pass over the baskets before `asOf`.
 */
function countHistory(h: BasketHistory, before: Int32Array, asOf: number, o: FeatureOptions) {
  const { b, byCustomer: c } = h;
  const items = b.items.length;
  const stats: ItemStats = {
    count: new Float64Array(items),
    recent: new Float64Array(items),
    previous: new Float64Array(items),
    repeatRate: new Float64Array(items),
  };
  for (let k = 0; k < b.count; k++) {
    if (b.time[k]! >= asOf) continue;
    const age = (asOf - b.time[k]!) / DAY;
    const into = age < o.recentDays ? stats.recent : age < 2 * o.recentDays ? stats.previous : undefined;
    for (let m = b.offsets[k]!; m < b.offsets[k + 1]!; m++) {
      stats.count[b.members[m]!]!++;
      if (into) into[b.members[m]!]!++;
    }
  }
  const buyers = new Int32Array(items);
  const again = new Int32Array(items);
  const times = new Int32Array(items);
  const weight = new Float64Array(items);
  const touched = new Int32Array(items);
  const offsets = new Int32Array(b.users.length + 1);
  const own: number[] = [];
  const values: number[] = [];
  for (let u = 0; u < b.users.length; u++) {
    const n = before[u]!;
    let t = 0;
    for (let j = 0; j < n; j++) {
      const k = c.baskets[c.offsets[u]! + j]!;
      const w = basketWeight(n - 1 - j, n, o.frequency);
      for (let m = b.offsets[k]!; m < b.offsets[k + 1]!; m++) {
        const item = b.members[m]!;
        if (times[item] === 0) touched[t++] = item;
        times[item]!++;
        weight[item]! += w;
      }
    }
    for (let i = 0; i < t; i++) {
      const item = touched[i]!;
      buyers[item]!++;
      if (times[item]! > 1) again[item]!++;
      own.push(item);
      values.push(weight[item]!);
      times[item] = 0;
      weight[item] = 0;
    }
    offsets[u + 1] = own.length;
  }
  for (let i = 0; i < items; i++) if (buyers[i]! > 0) stats.repeatRate[i] = (again[i]! + 1) / (buyers[i]! + 2);
  const frequencies: SparseRows = { offsets, items: Int32Array.from(own), values: Float64Array.from(values) };
  return { stats, frequencies };
}

/** Each customer's `keep` heaviest items: what they pass on as a neighbour. */
function strongest(f: SparseRows, itemCount: number, keep: number): SparseRows {
  const rows = f.offsets.length - 1;
  const offsets = new Int32Array(rows + 1);
  const items: number[] = [];
  const values: number[] = [];
  const value = new Float64Array(itemCount);
  for (let r = 0; r < rows; r++) {
    const mine = f.items.subarray(f.offsets[r]!, f.offsets[r + 1]!);
    for (let p = f.offsets[r]!; p < f.offsets[r + 1]!; p++) value[f.items[p]!] = f.values[p]!;
    const top = mine.length > keep ? topCandidates(mine, mine.length, keep, (i) => value[i]!).ids : mine;
    for (const i of top) {
      items.push(i);
      values.push(value[i]!);
    }
    for (const i of mine) value[i] = 0;
    offsets[r + 1] = items.length;
  }
  return { offsets, items: Int32Array.from(items), values: Float64Array.from(values) };
}

/**
 * Visits each of `customers` (customer numbers; those without baskets before `asOf` are skipped)
 * with their candidates and feature rows (`FEATURES` a row, in `featureNames()` order). The arrays
 * are reused: read them before returning from `visit`, which answers whether to go on.
 */
export function customerFeatures(
  h: BasketHistory,
  asOf: number,
  o: FeatureOptions,
  together: NumberedLists,
  vectors: ItemVectors | undefined,
  customers: Iterable<number>,
  visit: (customer: number, items: Int32Array, rows: Float32Array) => boolean,
): void {
  const { b, byCustomer: c } = h;
  const itemCount = b.items.length;
  const before = basketsBefore(h, asOf);
  const { stats, frequencies: f } = countHistory(h, before, asOf, o);
  const neighbours = neighbourSearch(f, itemCount, 2000);
  // What a neighbour passes on is their strongest items: the tail of a wholesale customer's
  // hundreds of lines costs time and barely moves the mean.
  const passed = strongest(f, itemCount, NEIGHBOUR_ITEMS);
  const everyItem = Int32Array.from({ length: itemCount }, (_, i) => i);
  const trending = topCandidates(everyItem, itemCount, o.candidatesPerSource, (i) => stats.recent[i]!).ids;

  // Per-customer scratch, by item number.
  const own = new Float64Array(itemCount);
  const slow = new Float64Array(itemCount);
  const holding = new Int32Array(itemCount);
  const first = new Float64Array(itemCount);
  const last = new Float64Array(itemCount);
  const lastIndex = new Int32Array(itemCount);
  const mixed = new Float64Array(itemCount);
  const sharedBy = new Int32Array(itemCount);
  const withLast = new Float64Array(itemCount);
  const withRecent = new Float64Array(itemCount);
  const mark = new Int32Array(itemCount).fill(-1);
  const inLast = new Int32Array(itemCount).fill(-1);
  const fromNeighbours = new Int32Array(itemCount);
  const fromRecent = new Int32Array(itemCount);
  const fresh = new Int32Array(itemCount);
  const maxCandidates = o.maxOwnItems + 3 * o.candidatesPerSource;
  const candidates = new Int32Array(maxCandidates);
  const rows = new Float32Array(maxCandidates * FEATURES);
  const d = vectors?.dimensions ?? 0;
  const profile = new Float64Array(d);
  const lists = together.table;

  for (const u of customers) {
    const n = before[u]!;
    if (n === 0) continue;
    const history = c.baskets.subarray(c.offsets[u]!, c.offsets[u]! + n);
    const mine = f.items.subarray(f.offsets[u]!, f.offsets[u + 1]!);
    for (let p = f.offsets[u]!; p < f.offsets[u + 1]!; p++) own[f.items[p]!] = f.values[p]!;

    // The customer's own record per item, and who is asking.
    let repeats = 0;
    let lines = 0;
    for (let j = 0; j < n; j++) {
      const k = history[j]!;
      const w = o.slowDecay ** (n - 1 - j) / n;
      let seen = 0;
      for (let m = b.offsets[k]!; m < b.offsets[k + 1]!; m++) {
        const item = b.members[m]!;
        if (holding[item]! > 0) seen++;
        else first[item] = b.time[k]!;
        slow[item]! += w;
        holding[item]!++;
        last[item] = b.time[k]!;
        lastIndex[item] = j;
      }
      const size = b.offsets[k + 1]! - b.offsets[k]!;
      lines += size;
      if (j > 0) repeats += seen / size;
    }
    const lastBasket = history[n - 1]!;
    for (let m = b.offsets[lastBasket]!; m < b.offsets[lastBasket + 1]!; m++) inLast[b.members[m]!] = u;
    const context = [
      Math.log1p(n),
      Math.log1p((asOf - b.time[lastBasket]!) / DAY),
      n > 1 ? repeats / (n - 1) : 0,
      Math.log1p(lines / n),
    ];

    // Similar customers: the mean of their strongest items, and how many of them buy each.
    const near = neighbours.nearest(u, o.neighbours).ids;
    const nearCount = near.length;
    const shareOf = Math.max(1, nearCount);
    let nn = 0;
    for (let r = 0; r < nearCount; r++) {
      const other = near[r]!;
      for (let p = passed.offsets[other]!; p < passed.offsets[other + 1]!; p++) {
        const item = passed.items[p]!;
        if (sharedBy[item] === 0) fromNeighbours[nn++] = item;
        sharedBy[item]!++;
        mixed[item]! += passed.values[p]! / nearCount;
      }
    }

    // Bought with the last baskets (halving per basket back), each basket's lists over its size.
    let nr = 0;
    const recentFrom = Math.max(0, n - RECENT_BASKETS);
    for (let j = recentFrom; j < n; j++) {
      const k = history[j]!;
      const weight = 0.5 ** (n - 1 - j);
      const size = b.offsets[k + 1]! - b.offsets[k]!;
      for (let m = b.offsets[k]!; m < b.offsets[k + 1]!; m++) {
        const row = together.vocab.ofItem[b.members[m]!]!;
        if (row < 0) continue;
        for (let e = 0; e < lists.lengths[row]!; e++) {
          const item = together.vocab.itemOf[lists.ids[row * lists.width + e]!]!;
          const s = lists.scores[row * lists.width + e]! / size;
          if (withRecent[item] === 0) fromRecent[nr++] = item;
          withRecent[item]! += weight * s;
          if (j === n - 1) withLast[item]! += s;
        }
      }
    }

    // Candidates: their most frequent items, then the best new ones from each source, then trending.
    let nc = 0;
    const add = (ids: ArrayLike<number>) => {
      for (let i = 0; i < ids.length; i++)
        if (mark[ids[i]!] !== u) {
          mark[ids[i]!] = u;
          candidates[nc++] = ids[i]!;
        }
    };
    add(topCandidates(mine, mine.length, o.maxOwnItems, (i) => own[i]!).ids);
    for (const [source, count, score] of [
      [fromNeighbours, nn, mixed],
      [fromRecent, nr, withRecent],
    ] as const) {
      let nf = 0;
      for (let i = 0; i < count; i++) if (holding[source[i]!] === 0 && mark[source[i]!] !== u) fresh[nf++] = source[i]!;
      add(topCandidates(fresh, nf, o.candidatesPerSource, (i) => score[i]!).ids);
    }
    add(trending);

    // The customer's profile: their item vectors weighted by the slow frequency.
    let profiled = false;
    if (vectors) {
      profile.fill(0);
      for (const item of mine) {
        const row = vectors.rowOf[item]!;
        if (row < 0) continue;
        profiled = true;
        for (let t = 0; t < d; t++) profile[t]! += slow[item]! * vectors.unit[row * d + t]!;
      }
      let norm = 0;
      for (let t = 0; t < d; t++) norm += profile[t]! ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let t = 0; t < d; t++) profile[t]! /= norm;
    }

    for (let r = 0; r < nc; r++) {
      const item = candidates[r]!;
      const times = holding[item]!;
      const row = rows.subarray(r * FEATURES, (r + 1) * FEATURES);
      let x = 0;
      // bought-before
      row[x++] = times > 0 ? 1 : 0;
      row[x++] = own[item]!;
      row[x++] = slow[item]!;
      row[x++] = Math.log1p(times);
      row[x++] = times / n;
      row[x++] = times > 0 ? Math.log1p(n - 1 - lastIndex[item]!) : 0;
      row[x++] = times > 0 ? Math.log1p((asOf - last[item]!) / DAY) : 0;
      row[x++] = inLast[item] === u ? 1 : 0;
      // How far into its usual gap between purchases the item is (1 = due now).
      row[x++] =
        times > 1 ? Math.min(4, (asOf - last[item]!) / Math.max(1, (last[item]! - first[item]!) / (times - 1))) : 0;
      row[x++] = stats.repeatRate[item]!;
      // similar-customers
      row[x++] = mixed[item]!;
      row[x++] = sharedBy[item]! / shareOf;
      // bought-with-recent
      row[x++] = withLast[item]!;
      row[x++] = withRecent[item]!;
      // similar-to-history
      let similarity = 0;
      const vr = profiled ? vectors!.rowOf[item]! : -1;
      for (let t = 0; vr >= 0 && t < d; t++) similarity += profile[t]! * vectors!.unit[vr * d + t]!;
      row[x++] = similarity;
      // trending
      row[x++] = Math.log1p(stats.count[item]!);
      row[x++] = Math.log1p(stats.recent[item]!);
      row[x++] = Math.log((1 + stats.recent[item]!) / (1 + stats.previous[item]!));
      for (const value of context) row[x++] = value;
    }
    if (!visit(u, candidates.subarray(0, nc), rows.subarray(0, nc * FEATURES))) return;

    for (const item of mine) {
      own[item] = 0;
      slow[item] = 0;
      holding[item] = 0;
    }
    for (let i = 0; i < nn; i++) {
      mixed[fromNeighbours[i]!] = 0;
      sharedBy[fromNeighbours[i]!] = 0;
    }
    for (let i = 0; i < nr; i++) {
      withRecent[fromRecent[i]!] = 0;
      withLast[fromRecent[i]!] = 0;
    }
  }
}

/** Unit-length rows of an embedding table, addressed by basket-log item through `rowOf`. */
export function unitVectors(vectors: Float32Array, dimensions: number, rowOf: Int32Array): ItemVectors {
  const unit = new Float32Array(vectors.length);
  for (let i = 0; i < vectors.length / dimensions; i++) {
    let norm = 0;
    for (let t = 0; t < dimensions; t++) norm += vectors[i * dimensions + t]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let t = 0; t < dimensions; t++) unit[i * dimensions + t] = vectors[i * dimensions + t]! / norm;
  }
  return { rowOf, dimensions, unit };
}
