// "Recommended for you", learned: the ranker is fitted on a time split of the training baskets
// (features as of `windowDays` before their end, labels = each returning customer's first basket
// after that; with `windows` > 1 also the windows before, for more examples), then every customer's
// candidates are scored with features as of the end. Each published item carries the signals that
// put it there: those contributing more to its score than they do to an average candidate.
import { seededRandom } from '../../common/random.ts';
import { boughtTogether, countCooccurrence, type CooccurrenceOptions } from './cooccurrence.ts';
import type { Baskets, CustomerBaskets } from '../interactions/basket-log.ts';
import { ExplainedTable, ListTable, packSignals } from './list-table.ts';
import {
  BOUGHT,
  customerFeatures,
  FEATURES,
  SIGNAL_NAMES,
  type BasketHistory,
  type FeatureOptions,
  type ItemVectors,
  type NumberedLists,
} from './next-basket-features.ts';
import { contributionsOf, type Examples, type RankerOptions, type RankerWeights } from './next-basket-ranker.ts';
import { runShares, shared, sharedArray, startWorkers } from './threads.ts';
import { buildVocabulary } from './vocabulary.ts';

const DAY = 86_400_000;

export interface NextBasketOptions {
  /** Length of each labelled window at the end of the training baskets. */
  windowDays: number;
  /** Labelled windows, one before the other. */
  windows: number;
  /** Leave out what the customer already bought (for shops where customers do not reorder). */
  excludePurchased: boolean;
  /**
   * Training rows kept at most: customers are taken in a seeded random order until it is reached,
   * so memory and the ranker's time stay bounded on a large log.
   */
  maxExamples: number;
  /** Threads listing the customers (each list is the same whatever the count). */
  workers: number;
  features: FeatureOptions;
  ranker: RankerOptions;
}

/** How the rest of training counts bought-together, so the labelled windows count it the same way. */
export interface TogetherCounting {
  minCount: number;
  cooccurrence: CooccurrenceOptions;
  listSize: number;
}

/** What the ranker learned from. */
export interface ExampleCounts {
  windows: number;
  customers: number;
  rows: number;
  positives: number;
}

/** Just after the last basket: the moment lists are served as of. */
export const endOf = (h: BasketHistory): number => {
  let end = -Infinity;
  for (const t of h.b.time) end = Math.max(end, t);
  return end + 1;
};

/** Rows that grow by doubling, for an unknown number of examples. */
class ExampleBuffer {
  x = new Float32Array(1 << 16);
  y = new Uint8Array((1 << 16) / FEATURES);
  count = 0;
  push(row: ArrayLike<number>, label: number): void {
    if ((this.count + 1) * FEATURES > this.x.length) {
      const x = new Float32Array(this.x.length * 2);
      x.set(this.x);
      this.x = x;
      const y = new Uint8Array(this.y.length * 2);
      y.set(this.y);
      this.y = y;
    }
    this.x.set(row, this.count * FEATURES);
    this.y[this.count++] = label;
  }
}

/** Bought-together lists counted from the baskets before `asOf` only. */
export function togetherAsOf(b: Baskets, counting: TogetherCounting, asOf = Infinity): NumberedLists {
  const vocab = buildVocabulary(b, counting.minCount, asOf);
  return {
    vocab,
    table: boughtTogether(
      vocab,
      countCooccurrence(vocab, counting.cooccurrence.maxBasketItems, counting.cooccurrence.basketWeight),
      counting.cooccurrence,
      counting.listSize,
    ),
  };
}

/** Feature rows of returning customers as of each labelled window's start, labelled by their first basket in it. */
export function nextBasketExamples(
  h: BasketHistory,
  o: NextBasketOptions,
  counting: TogetherCounting,
  vectors?: ItemVectors,
  onCustomer: () => void = () => {},
): Examples & { counts: ExampleCounts } {
  const { b, byCustomer: c } = h;
  const end = endOf(h);
  const buffer = new ExampleBuffer();
  const label = new Int32Array(b.items.length).fill(-1);
  let customers = 0;
  let windows = 0;
  let positives = 0;
  for (let w = 1; w <= o.windows && buffer.count < o.maxExamples; w++) {
    const asOf = end - w * o.windowDays * DAY;
    const next = new Int32Array(b.users.length).fill(-1);
    const returning: number[] = [];
    for (let u = 0; u < b.users.length; u++)
      for (let p = c.offsets[u]!; p < c.offsets[u + 1]!; p++) {
        const t = b.time[c.baskets[p]!]!;
        if (t >= asOf + o.windowDays * DAY) break;
        if (t >= asOf) {
          next[u] = c.baskets[p]!;
          returning.push(u);
          break;
        }
      }
    const random = seededRandom(o.ranker.seed + w);
    for (let i = returning.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [returning[i], returning[j]] = [returning[j]!, returning[i]!];
    }
    // Bought-together as it was known then: counted again without the labelled window.
    const then = togetherAsOf(b, counting, asOf);
    let found = 0;
    customerFeatures(h, asOf, o.features, then, vectors, returning, (u, items, rows) => {
      const k = next[u]!;
      for (let m = b.offsets[k]!; m < b.offsets[k + 1]!; m++) label[b.members[m]!] = u;
      for (let r = 0; r < items.length; r++) {
        const bought = label[items[r]!] === u ? 1 : 0;
        positives += bought;
        buffer.push(rows.subarray(r * FEATURES, (r + 1) * FEATURES), bought);
      }
      found++;
      onCustomer();
      return buffer.count < o.maxExamples;
    });
    label.fill(-1);
    if (found === 0) break;
    windows++;
    customers += found;
  }
  return {
    x: buffer.x,
    y: buffer.y,
    count: buffer.count,
    counts: { windows, customers, rows: buffer.count, positives },
  };
}

/** Mean contribution of each signal over the training rows: the bar an explanation clears. */
export function signalBaselines(w: RankerWeights, ex: Examples): number[] {
  const parts = contributionsOf(w);
  const out = new Float64Array(SIGNAL_NAMES.length);
  const sum = new Array<number>(SIGNAL_NAMES.length).fill(0);
  for (let i = 0; i < ex.count; i++) {
    parts(ex.x.subarray(i * FEATURES, (i + 1) * FEATURES), out);
    out.forEach((c, s) => (sum[s]! += c / ex.count));
  }
  return sum;
}

/**
 * Every customer's list as of the end of the baskets, each item with the signals that put it there;
 * with `o.workers` > 1 the customers are split between worker threads over shared tables.
 */
export async function nextBasketLists(
  h: BasketHistory,
  o: NextBasketOptions,
  weights: RankerWeights,
  baseline: readonly number[],
  together: NumberedLists,
  vectors: ItemVectors | undefined,
  listSize: number,
  onCustomer: (n?: number) => void = () => {},
): Promise<ExplainedTable> {
  const { b } = h;
  const threads = Math.max(1, Math.floor(o.workers));
  const out = new ExplainedTable(
    new ListTable(b.users, b.items, listSize, {
      ids: sharedArray(Int32Array, 4, b.users.length * listSize),
      scores: sharedArray(Float32Array, 4, b.users.length * listSize),
      lengths: sharedArray(Uint16Array, 2, b.users.length),
    }),
    SIGNAL_NAMES,
    sharedArray(Uint32Array, 4, b.users.length * listSize),
  );
  if (threads === 1) {
    listCustomers({ h, o, weights, baseline, together, vectors }, range(b.users.length, 0, 1), out, onCustomer);
    return out;
  }
  const common = {
    baskets: {
      offsets: shared(b.offsets),
      members: shared(b.members),
      time: shared(b.time),
      count: b.count,
      items: b.items.length,
      users: b.users.length,
    },
    byCustomer: { offsets: shared(h.byCustomer.offsets), baskets: shared(h.byCustomer.baskets) },
    together: {
      ids: shared(together.table.ids),
      scores: shared(together.table.scores),
      lengths: shared(together.table.lengths),
      width: together.table.width,
      ofItem: shared(together.vocab.ofItem),
      itemOf: shared(together.vocab.itemOf),
    },
    vectors: vectors && { ...vectors, unit: shared(vectors.unit), rowOf: shared(vectors.rowOf) },
    o,
    weights,
    baseline: [...baseline],
    listSize,
    out: { ids: out.lists.ids, scores: out.lists.scores, lengths: out.lists.lengths, signals: out.signals },
  };
  const workers = startWorkers(import.meta.url, 'next-basket-worker', threads);
  try {
    await runShares<ListsShare, number>(
      workers,
      Array.from({ length: threads }, (_, w) => ({ ...common, customers: range(b.users.length, w, threads) })),
      onCustomer,
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out;
}

/** Customers from..count in steps: interleaved shares, so each thread gets old and new customers alike. */
const range = (count: number, from: number, step: number): Int32Array =>
  Int32Array.from({ length: Math.max(0, Math.ceil((count - from) / step)) }, (_, i) => from + i * step);

/** A worker's share of `nextBasketLists`: the tables it reads (shared), and where it writes its customers' rows. */
export interface ListsShare {
  baskets: Pick<Baskets, 'offsets' | 'members' | 'time' | 'count'> & { items: number; users: number };
  byCustomer: CustomerBaskets;
  together: {
    ids: Int32Array;
    scores: Float32Array;
    lengths: Uint16Array;
    width: number;
    ofItem: Int32Array;
    itemOf: Int32Array;
  };
  vectors: ItemVectors | undefined;
  o: NextBasketOptions;
  weights: RankerWeights;
  baseline: number[];
  listSize: number;
  customers: Int32Array;
  out: { ids: Int32Array; scores: Float32Array; lengths: Uint16Array; signals: Uint32Array };
}

/** Lists a share's customers into the shared output tables (on a worker thread); answers how many. */
export function listShare(s: ListsShare, progress: (n: number) => void): number {
  // Ids are not needed here: the tables are read and written by number.
  const b: Baskets = {
    ...s.baskets,
    items: new Array<string>(s.baskets.items),
    users: new Array<string>(s.baskets.users),
    user: new Int32Array(0),
    interactions: 0,
  };
  const t = s.together;
  const table = new ListTable(new Array<string>(t.lengths.length), [], t.width, t);
  const out = new ExplainedTable(new ListTable(b.users, b.items, s.listSize, s.out), SIGNAL_NAMES, s.out.signals);
  let done = 0;
  listCustomers(
    {
      h: { b, byCustomer: s.byCustomer },
      o: s.o,
      weights: s.weights,
      baseline: s.baseline,
      together: { table, vocab: t },
      vectors: s.vectors,
    },
    s.customers,
    out,
    () => {
      if (++done % 1000 === 0) progress(1000);
    },
  );
  progress(done % 1000);
  return done;
}

/** What customers are listed from: their baskets, the ranker, bought-together and the item vectors. */
interface Listing {
  h: BasketHistory;
  o: NextBasketOptions;
  weights: RankerWeights;
  baseline: readonly number[];
  together: NumberedLists;
  vectors: ItemVectors | undefined;
}

/** Scores the given customers' candidates and writes their lists into `out`. */
function listCustomers(
  { h, o, weights, baseline, together, vectors }: Listing,
  customers: Int32Array,
  out: ExplainedTable,
  onCustomer: () => void,
): void {
  const listSize = out.lists.width;
  const parts = contributionsOf(weights);
  const signals = SIGNAL_NAMES.length;
  let scratch = new Float64Array(0);
  let logits = new Float64Array(0);
  customerFeatures(h, endOf(h), o.features, together, vectors, customers, (u, items, rows) => {
    if (logits.length < items.length) {
      logits = new Float64Array(items.length);
      scratch = new Float64Array(items.length * signals);
    }
    const kept: number[] = [];
    for (let r = 0; r < items.length; r++) {
      if (o.excludePurchased && rows[r * FEATURES + BOUGHT]! > 0) continue;
      const mine = scratch.subarray(r * signals, (r + 1) * signals);
      parts(rows.subarray(r * FEATURES, (r + 1) * FEATURES), mine);
      logits[r] = mine.reduce((a, x) => a + x, 0);
      kept.push(r);
    }
    kept.sort((x, y) => logits[y]! - logits[x]! || items[x]! - items[y]!);
    const top = kept.slice(0, listSize);
    out.setRow(
      u,
      top.map((r) => items[r]!),
      top.map((r) => 1 / (1 + Math.exp(-logits[r]!))),
      top.map((r) => packSignals(explain(scratch.subarray(r * signals, (r + 1) * signals), baseline))),
    );
    onCustomer();
    return true;
  });
}

/** Signals (numbers in `SIGNAL_NAMES`) whose contribution beats their average, strongest first; at least the strongest one. */
export function explain(parts: ArrayLike<number>, baseline: readonly number[]): number[] {
  const lift = Array.from(baseline, (bar, s) => ({ s, by: parts[s]! - bar }));
  lift.sort((x, y) => y.by - x.by);
  const above = lift.filter((l) => l.by > 0).map((l) => l.s);
  return above.length > 0 ? above : [lift[0]!.s];
}
