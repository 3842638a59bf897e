// How far the next-basket ranker is from what its candidates and features allow, measured on the
// same tasks as `eval recs`: the ranker (without item embeddings, which add nothing measurable),
// a stronger learner over the very same feature rows (gradient-boosted trees, when the Python
// side is available), the customer's own decayed frequency alone, and two orders no model can
// reach: every bought candidate first, and every bought repeat first; and, when given, the tuned
// next-basket baselines. If the trees gain little over the ranker, the features, not the model,
// are what hold recall back.
import { basketsOf, type Basket, type Interaction } from '../recommender/interactions/interaction.ts';
import { collectBaskets, customerBaskets } from '../recommender/interactions/basket-log.ts';
import { BOUGHT, customerFeatures, FEATURES, featureNames } from '../recommender/models/next-basket-features.ts';
import { endOf, nextBasketExamples, togetherAsOf } from '../recommender/models/next-basket.ts';
import { contributionsOf, trainRanker, type Examples } from '../recommender/models/next-basket-ranker.ts';
import type { TrainingOptions } from '../recommender/training-options.ts';
import { buildTasks, measure, type RecsMetrics, type Recommender } from './runners/recs.ts';

/** Every to-be-measured customer's candidates as of the cutoff, and whether they bought each. */
export interface CandidateRows {
  /** `FEATURES` a row, row-major, in `featureNames()` order. */
  x: Float32Array;
  /** 1 when the customer bought the candidate in their first basket after the cutoff. */
  y: Uint8Array;
  count: number;
  /** Customer id → their rows [start, end) and each row's item id. */
  customers: Map<string, { start: number; items: string[] }>;
}

/** Scores the candidate rows with a learner trained on the labelled window's rows (one score a row). */
export type RowScorer = (train: Examples, candidates: CandidateRows) => Promise<Float32Array>;

export interface CeilingOptions {
  train: readonly Interaction[];
  test: readonly Interaction[];
  options: TrainingOptions;
  k: number;
  /** Named learners over the same rows (e.g. gradient-boosted trees in Python). */
  learners?: Record<string, RowScorer>;
  /** Next-basket baselines to measure alongside (e.g. TIFU-KNN tuned on a validation window). */
  baselines?: (before: readonly Basket[]) => Recommender[];
}

export interface CeilingReport {
  runner: 'ranker-ceiling';
  features: string[];
  rows: { train: number; positives: number; candidates: number };
  customers: number;
  /** Share of the target items that are among the candidates at all. */
  candidate_coverage: number;
  results: { name: string; metrics: RecsMetrics; seconds: number }[];
}

/** Candidates of the customers to measure, as of the end of the training baskets. */
function candidateRows(
  h: Parameters<typeof customerFeatures>[0],
  o: TrainingOptions,
  targets: Map<string, string[]>,
): CandidateRows {
  const { b } = h;
  const number = new Map(b.users.map((u, i) => [u, i]));
  const wanted = [...targets.keys()].flatMap((u) => (number.has(u) ? [number.get(u)!] : []));
  const x: number[] = [];
  const y: number[] = [];
  const customers: CandidateRows['customers'] = new Map();
  customerFeatures(h, endOf(h), o.nextBasket.features, togetherAsOf(b, o), undefined, wanted, (u, items, rows) => {
    const user = b.users[u]!;
    const bought = new Set(targets.get(user));
    const ids = Array.from(items, (i) => b.items[i]!);
    customers.set(user, { start: y.length, items: ids });
    for (const id of ids) y.push(bought.has(id) ? 1 : 0);
    for (const v of rows.subarray(0, items.length * FEATURES)) x.push(v);
    return true;
  });
  return { x: Float32Array.from(x), y: Uint8Array.from(y), count: y.length, customers };
}

/** A recommender answering each customer's candidates in the order of their row scores. */
function byScore(name: string, rows: CandidateRows, score: (row: number) => number): Recommender {
  return {
    name,
    trainSeconds: 0,
    forUser: (user, k) => {
      const c = rows.customers.get(user);
      if (!c) return [];
      const order = c.items.map((_, r) => r);
      const s = order.map((r) => score(c.start + r));
      order.sort((p, q) => s[q]! - s[p]! || p - q);
      return order.slice(0, k).map((r) => c.items[r]!);
    },
  };
}

export async function rankerCeiling(o: CeilingOptions): Promise<CeilingReport> {
  const before = basketsOf(o.train);
  const tasks = buildTasks(before, basketsOf(o.test), o.options.item2vec.seed);
  if (tasks.nextBasket.size === 0)
    throw new Error('no customer with a history buys after the cutoff: nothing to measure');
  const b = await collectBaskets(o.train);
  const h = { b, byCustomer: customerBaskets(b) };
  const examples = nextBasketExamples(h, o.options.nextBasket, o.options);
  const rows = candidateRows(h, o.options, tasks.nextBasket);
  const column = (name: string) => featureNames().indexOf(name);
  const frequency = column('frequency');
  const scorers: Record<string, () => Promise<(row: number) => number>> = {
    'ranker (additive network)': async () => {
      const parts = contributionsOf(await trainRanker(examples, o.options.nextBasket.ranker));
      const out = new Float64Array(featureNames().length);
      const logits = Float64Array.from({ length: rows.count }, (_, r) => {
        parts(rows.x.subarray(r * FEATURES, (r + 1) * FEATURES), out);
        return out.reduce((a, v) => a + v, 0);
      });
      return (r) => logits[r]!;
    },
    'own decayed frequency': async () => (r) => rows.x[r * FEATURES + frequency]!,
    'bought candidates first (no model can)': async () => (r) => rows.y[r]!,
    'bought repeats first (no model can)': async () => (r) => rows.y[r]! * (rows.x[r * FEATURES + BOUGHT]! > 0 ? 1 : 0),
  };
  for (const [name, learner] of Object.entries(o.learners ?? {}))
    scorers[name] = async () => {
      const s = await learner(examples, rows);
      return (r) => s[r]!;
    };
  const results = [];
  for (const [name, fit] of Object.entries(scorers)) {
    const started = Date.now();
    const score = await fit();
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const { metrics } = measure(byScore(name, rows, score), tasks, before, { next: o.k, completion: o.k });
    results.push({ name, metrics, seconds });
  }
  for (const r of o.baselines?.(before).filter((x) => x.forUser) ?? []) {
    const { metrics } = measure(r, { ...tasks, completion: [] }, before, { next: o.k, completion: o.k });
    results.push({ name: r.params ? `${r.name} ${JSON.stringify(r.params)}` : r.name, metrics, seconds: 0 });
  }
  let targets = 0;
  let covered = 0;
  for (const [user, items] of tasks.nextBasket) {
    targets += items.length;
    const c = rows.customers.get(user);
    if (c) covered += items.filter((i) => c.items.includes(i)).length;
  }
  return {
    runner: 'ranker-ceiling',
    features: featureNames(),
    rows: { train: examples.count, positives: examples.counts.positives, candidates: rows.count },
    customers: tasks.nextBasket.size,
    candidate_coverage: targets === 0 ? 0 : covered / targets,
    results,
  };
}
