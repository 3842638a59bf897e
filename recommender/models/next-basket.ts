// "Recommended for you", learned: the ranker is fitted on a time split of the training baskets
// (features as of `windowDays` before their end, labels = each returning customer's first basket
// after that; with `windows` > 1 also the windows before, for more examples), then every customer's
// candidates are scored with features as of the end. Each published item carries the signals that
// put it there: those contributing more to its score than they do to an average candidate.
import { seededRandom } from '../../common/random.ts';
import { boughtTogether, countCooccurrence, type CooccurrenceOptions } from './cooccurrence.ts';
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

const endOf = (h: BasketHistory): number => {
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
    const vocab = buildVocabulary(b, counting.minCount, asOf);
    const then: NumberedLists = {
      vocab,
      table: boughtTogether(
        vocab,
        countCooccurrence(vocab, counting.cooccurrence.maxBasketItems, counting.cooccurrence.basketWeight),
        counting.cooccurrence,
        counting.listSize,
      ),
    };
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

/** Every customer's list as of the end of the baskets, each item with the signals that put it there. */
export function nextBasketLists(
  h: BasketHistory,
  o: NextBasketOptions,
  weights: RankerWeights,
  baseline: readonly number[],
  together: NumberedLists,
  vectors: ItemVectors | undefined,
  listSize: number,
  onCustomer: () => void = () => {},
): ExplainedTable {
  const { b } = h;
  const out = new ExplainedTable(new ListTable(b.users, b.items, listSize), SIGNAL_NAMES);
  const parts = contributionsOf(weights);
  const signals = SIGNAL_NAMES.length;
  let scratch = new Float64Array(0);
  let logits = new Float64Array(0);
  const everyone = Array.from({ length: b.users.length }, (_, u) => u);
  customerFeatures(h, endOf(h), o.features, together, vectors, everyone, (u, items, rows) => {
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
  return out;
}

/** Signals (numbers in `SIGNAL_NAMES`) whose contribution beats their average, strongest first; at least the strongest one. */
export function explain(parts: ArrayLike<number>, baseline: readonly number[]): number[] {
  const lift = Array.from(baseline, (bar, s) => ({ s, by: parts[s]! - bar }));
  lift.sort((x, y) => y.by - x.by);
  const above = lift.filter((l) => l.by > 0).map((l) => l.s);
  return above.length > 0 ? above : [lift[0]!.s];
}
