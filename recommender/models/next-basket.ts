// "Recommended for you", learned: the ranker is fitted on a time split of the training baskets
// (features as of `windowDays` before their end, labels = each returning customer's first basket
// after that; with `windows` > 1 also the windows before, for more examples), then every customer's
// candidates are scored with features as of the end. Each published item carries the signals that
// put it there: those contributing more to its score than they do to an average candidate.
import type { Basket } from '../interactions/interaction.ts';
import {
  customerCandidates,
  featureNames,
  SIGNAL_NAMES,
  type FeatureOptions,
  type ItemVectors,
} from './next-basket-features.ts';
import {
  contributions,
  trainRanker,
  type Examples,
  type RankerOptions,
  type RankerWeights,
} from './next-basket-ranker.ts';
import type { ListLookup } from './cart.ts';
import type { EmbeddingTable } from './customer-profile.ts';
import { boughtTogether, countCooccurrence, type CooccurrenceOptions } from './cooccurrence.ts';
import { round, type ExplainedScored } from './ranked-list.ts';
import { buildVocabulary } from './vocabulary.ts';

const DAY = 86_400_000;
/** The feature column saying whether the customer bought the item before. */
const BOUGHT = featureNames().indexOf('bought');

export interface NextBasketOptions {
  /** Length of each labelled window at the end of the training baskets. */
  windowDays: number;
  /** Labelled windows, one before the other. */
  windows: number;
  /** Leave out what the customer already bought (for shops where customers do not reorder). */
  excludePurchased: boolean;
  features: FeatureOptions;
  ranker: RankerOptions;
}

/** How the rest of training counts bought-together, so the labelled windows count it the same way. */
export interface TogetherCounting {
  minCount: number;
  cooccurrence: CooccurrenceOptions;
  listSize: number;
}

export interface NextBasketModel {
  lists: Map<string, ExplainedScored[]>;
  weights: RankerWeights;
  /** Mean contribution of each signal over the training candidates: the bar an explanation clears. */
  baseline: number[];
  examples: { windows: number; customers: number; rows: number; positives: number };
}

/** Feature rows of customers as of `asOf`, labelled by their first basket in the window after it. */
function labelledExamples(
  baskets: readonly Basket[],
  asOf: number,
  o: NextBasketOptions,
  counting: TogetherCounting,
  vectors?: ItemVectors,
) {
  const next = new Map<string, Set<string>>();
  for (const b of baskets)
    if (b.user !== undefined && b.time >= asOf && b.time < asOf + o.windowDays * DAY && !next.has(b.user))
      next.set(b.user, new Set(b.items));
  const rows: Float32Array[] = [];
  const labels: number[] = [];
  // Bought-together as it was known then: counted again without the labelled window.
  const earlier = baskets.filter((b) => b.time < asOf);
  const vocab = buildVocabulary(earlier, counting.minCount);
  const together = boughtTogether(
    vocab,
    countCooccurrence(vocab, counting.cooccurrence.maxBasketItems, counting.cooccurrence.basketWeight),
    counting.cooccurrence,
    counting.listSize,
  );
  const found = customerCandidates(earlier, asOf, o.features, (i) => together.get(i), vectors, new Set(next.keys()));
  for (const c of found) {
    const bought = next.get(c.customer)!;
    c.items.forEach((item, i) => {
      rows.push(c.rows[i]!);
      labels.push(bought.has(item) ? 1 : 0);
    });
  }
  return { rows, labels, customers: found.length };
}

export async function trainNextBasket(
  baskets: readonly Basket[],
  o: NextBasketOptions,
  counting: TogetherCounting,
  together: ListLookup,
  vectors?: ItemVectors,
): Promise<NextBasketModel> {
  const end = baskets.at(-1)!.time + 1;
  const ex: Examples = { rows: [], labels: [] };
  let customers = 0;
  let windows = 0;
  for (let w = 1; w <= o.windows; w++) {
    const got = labelledExamples(baskets, end - w * o.windowDays * DAY, o, counting, vectors);
    if (got.customers === 0) break;
    windows++;
    customers += got.customers;
    // One at a time: spreading 100k+ rows into push() overflows the stack.
    for (const r of got.rows) ex.rows.push(r);
    for (const l of got.labels) ex.labels.push(l);
  }
  if (ex.rows.length === 0)
    throw new Error(`no customer came back within the last ${o.windowDays} days of training: nothing to learn from`);
  const weights = await trainRanker(ex, o.ranker);
  const baseline = new Array<number>(SIGNAL_NAMES.length).fill(0);
  for (const r of ex.rows) contributions(weights, r).forEach((c, s) => (baseline[s]! += c / ex.rows.length));

  const lists = new Map<string, ExplainedScored[]>();
  for (const c of customerCandidates(baskets, end, o.features, together, vectors)) {
    const owned = o.excludePurchased ? new Set(c.items.filter((_, i) => c.rows[i]![BOUGHT]! > 0)) : undefined;
    const scored = c.items.flatMap((item, i) => {
      if (owned?.has(item)) return [];
      const parts = contributions(weights, c.rows[i]!);
      return [{ item, logit: parts.reduce((a, b) => a + b, 0), parts }];
    });
    scored.sort((a, b) => b.logit - a.logit || (a.item < b.item ? -1 : 1));
    lists.set(
      c.customer,
      scored
        .slice(0, counting.listSize)
        .map(({ item, logit, parts }) => [item, round(1 / (1 + Math.exp(-logit))), explain(parts, baseline)]),
    );
  }
  return {
    lists,
    weights,
    baseline,
    examples: { windows, customers, rows: ex.rows.length, positives: ex.labels.filter((l) => l === 1).length },
  };
}

/** Unit-length rows of an embedding table, for the embedding-similarity feature. */
export function unitVectors(e: EmbeddingTable): ItemVectors {
  const unit = new Float32Array(e.vectors.length);
  for (let i = 0; i < e.items.length; i++) {
    const row = e.vectors.subarray(i * e.dimensions, (i + 1) * e.dimensions);
    const norm = Math.hypot(...row) || 1;
    for (let d = 0; d < e.dimensions; d++) unit[i * e.dimensions + d] = row[d]! / norm;
  }
  return { index: e.index, dimensions: e.dimensions, unit };
}

/** Signals whose contribution beats their average, strongest first; at least the strongest one. */
export function explain(parts: readonly number[], baseline: readonly number[]): string[] {
  const lift = parts.map((c, s) => ({ signal: SIGNAL_NAMES[s]!, by: c - baseline[s]! }));
  lift.sort((a, b) => b.by - a.by);
  const above = lift.filter((l) => l.by > 0).map((l) => l.signal);
  return above.length > 0 ? above : [lift[0]!.signal];
}
