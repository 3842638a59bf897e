// Recommendations held out by time: train on interactions before a cutoff, then measure
// - next basket: each returning customer's first basket after the cutoff, ranked from their history
//   (recall@k, NDCG@k with binary gains);
// - basket completion: one item of each later basket hidden, ranked from the rest (HitRate@k);
// - catalog coverage and popularity bias of everything recommended.
// Baselines get the same tasks in the same run: global popularity, raw co-occurrence, and whatever
// external rankers (the Python reference libraries) answered.
import { seededRandom } from '../../common/random.ts';
import type { Product } from '../../catalog/product.ts';
import { basketsOf, type Basket, type Interaction } from '../../recommender/interactions/interaction.ts';
import { completeCart } from '../../recommender/models/cart.ts';
import { boughtTogether, countCooccurrence } from '../../recommender/models/cooccurrence.ts';
import { buildVocabulary } from '../../recommender/models/vocabulary.ts';
import { topK } from '../../recommender/models/ranked-list.ts';
import { train, type TrainedModel } from '../../recommender/train.ts';
import type { TrainingOptions } from '../../recommender/training-options.ts';
import { ndcg, recall } from '../metrics.ts';

export interface RecsTasks {
  /** Customer → their first basket after the cutoff (the items to predict). */
  nextBasket: Map<string, string[]>;
  /** Later baskets with one item hidden, and whose they are (guests: undefined). */
  completion: { id: string; user: string | undefined; cart: string[]; hidden: string }[];
  /** Customer → every item they bought before the cutoff: a target among them is a repeat, else explore. */
  bought: Map<string, Set<string>>;
}

/** Answers one task or both; rankings are item ids, best first. */
export interface Recommender {
  name: string;
  forUser?(user: string, k: number): string[];
  forCart?(cart: readonly string[], k: number): string[];
  trainSeconds: number;
  /** Parameters chosen on the validation window, when it has any. */
  params?: Record<string, unknown>;
}

export interface RecsMetrics {
  [metric: string]: number;
}

/** Next-basket recall over the target items whose training popularity falls in one quintile. */
export interface PopularityBucket {
  /** e.g. "80–100%": the most bought fifth of the catalog. */
  bucket: string;
  targets: number;
  recall: number;
}

export interface RecsEvalReport {
  runner: 'recs';
  /** Time of the first test basket. */
  test_from: string | null;
  train: { interactions: number; baskets: number };
  tasks: { next_basket_customers: number; completion_baskets: number };
  k: { next_basket: number; completion: number };
  /** Per recommender, our model first. */
  results: {
    name: string;
    metrics: RecsMetrics;
    train_seconds: number;
    params?: Record<string, unknown>;
    recall_by_popularity: PopularityBucket[];
  }[];
  /** Per next-basket customer, recall@k of each recommender. */
  per_user: { id: string; metrics: Record<string, number> }[];
  metadata: TrainedModel['metadata'];
}

export function buildTasks(
  before: readonly Basket[],
  after: readonly Basket[],
  seed: number,
  maxCompletion = 5000,
): RecsTasks {
  const known = new Set(before.flatMap((b) => b.items));
  const bought = new Map<string, Set<string>>();
  for (const b of before) {
    if (!b.user) continue;
    let items = bought.get(b.user);
    if (!items) bought.set(b.user, (items = new Set()));
    for (const i of b.items) items.add(i);
  }
  const nextBasket = new Map<string, string[]>();
  for (const b of after) {
    if (!b.user || !bought.has(b.user) || nextBasket.has(b.user)) continue;
    const items = b.items.filter((i) => known.has(i));
    if (items.length > 0) nextBasket.set(b.user, items);
  }
  const random = seededRandom(seed);
  const completion: RecsTasks['completion'] = [];
  for (const b of after) {
    const items = b.items.filter((i) => known.has(i));
    if (items.length < 2 || completion.length >= maxCompletion) continue;
    const hidden = items[Math.floor(random() * items.length)]!;
    completion.push({ id: b.id, user: b.user, cart: items.filter((i) => i !== hidden), hidden });
  }
  return { nextBasket, completion, bought };
}

const ids = (list: readonly (readonly [string, ...unknown[]])[]): string[] => list.map(([id]) => id);

export function ourRecommender(model: TrainedModel, trainSeconds: number): FullRecommender {
  const popular = ids(model.popular);
  const cartWeights = model.metadata.options.cart;
  return {
    name: 'shopsearch',
    trainSeconds,
    forUser: (user, k) => ids(model.forUser.get(user) ?? model.popular).slice(0, k),
    forCart: (cart, k) => {
      const list = ids(
        completeCart(
          cart,
          (i) => model.together.get(i),
          (i) => model.similar.get(i),
          cartWeights,
          k,
        ),
      );
      return list.length >= k ? list : [...new Set([...list, ...popular.filter((p) => !cart.includes(p))])].slice(0, k);
    },
  };
}

/** A recommender that answers both tasks. */
export type FullRecommender = Recommender & Required<Pick<Recommender, 'forUser' | 'forCart'>>;

export function popularityBaseline(before: readonly Basket[]): FullRecommender {
  const count = new Map<string, number>();
  for (const b of before) for (const i of b.items) count.set(i, (count.get(i) ?? 0) + 1);
  const ranked = [...count].sort((a, b) => b[1] - a[1]).map(([i]) => i);
  return {
    name: 'popularity',
    trainSeconds: 0,
    forUser: (_user, k) => ranked.slice(0, k),
    forCart: (cart, k) => ranked.filter((i) => !cart.includes(i)).slice(0, k),
  };
}

/** Raw pair counts, no popularity correction: for a customer, summed over everything they bought. */
export function cooccurrenceBaseline(before: readonly Basket[], minCount: number): FullRecommender {
  const started = Date.now();
  const vocab = buildVocabulary(before, minCount);
  const together = boughtTogether(
    vocab,
    countCooccurrence(vocab, Infinity),
    { scoring: 'count', basketWeight: 'uniform', minSupport: 1, maxBasketItems: Infinity },
    200,
  );
  const history = new Map<string, string[]>();
  for (const b of before) if (b.user) history.set(b.user, [...(history.get(b.user) ?? []), ...b.items]);
  const pop = popularityBaseline(before);
  const sum = (items: readonly string[], k: number, exclude: Set<string>) => {
    const score = new Map<string, number>();
    for (const i of items)
      for (const [j, c] of together.get(i) ?? []) if (!exclude.has(j)) score.set(j, (score.get(j) ?? 0) + c);
    return ids(topK(score, k));
  };
  const seconds = (Date.now() - started) / 1000;
  return {
    name: 'co-occurrence',
    trainSeconds: seconds,
    forUser: (user, k) => fill(sum(history.get(user) ?? [], k, new Set()), pop.forUser(user, k), k),
    forCart: (cart, k) => fill(sum(cart, k, new Set(cart)), pop.forCart(cart, k), k),
  };
}

/** A ranking topped up from a fallback, as a service would, so short lists are not penalized twice. */
export const fill = (ranked: string[], fallback: string[], k: number): string[] =>
  [...new Set([...ranked, ...fallback])].slice(0, k);

const BUCKETS = 5;
const bucketOf = (percentile: number) => Math.min(BUCKETS - 1, Math.floor(percentile * BUCKETS));
const bucketName = (b: number) => `${(b * 100) / BUCKETS}–${((b + 1) * 100) / BUCKETS}%`;

/** Sums of a metric over the cases that have it, split by whether the target was bought before. */
class Split {
  private sums = { all: 0, repeat: 0, explore: 0 };
  private counts = { all: 0, repeat: 0, explore: 0 };
  add(part: 'all' | 'repeat' | 'explore', value: number): void {
    this.sums[part] += value;
    this.counts[part]++;
  }
  /** name, repeat_name, explore_name: each the mean over the cases with such targets. */
  metrics(name: string): RecsMetrics {
    const mean = (part: keyof Split['sums']) => (this.counts[part] === 0 ? 0 : this.sums[part] / this.counts[part]);
    return { [name]: mean('all'), [`repeat_${name}`]: mean('repeat'), [`explore_${name}`]: mean('explore') };
  }
}

/**
 * Next-basket recall and NDCG (each also over the customer's repeat targets alone and their new
 * ones alone, averaged over the customers who have such targets, as Li et al. 2023 do), the share
 * of repeats among what is recommended, basket completion HitRate (split by whether the cart's
 * customer bought the hidden item before), coverage and popularity bias. Tasks a recommender does
 * not answer are not measured.
 */
export function measure(
  r: Recommender,
  tasks: RecsTasks,
  before: readonly Basket[],
  k: { next: number; completion: number },
): { metrics: RecsMetrics; perUser: Map<string, number>; byPopularity: PopularityBucket[] } {
  const count = new Map<string, number>();
  for (const b of before) for (const i of b.items) count.set(i, (count.get(i) ?? 0) + 1);
  // Popularity percentile of each known item: 1 = the most bought.
  const byCount = [...count].sort((a, b) => a[1] - b[1]);
  const percentile = new Map(byCount.map(([i], n) => [i, byCount.length > 1 ? n / (byCount.length - 1) : 1]));
  const shown = new Set<string>();
  let popularitySum = 0;
  let shownCount = 0;
  const note = (list: string[]) => {
    for (const i of list) {
      shown.add(i);
      popularitySum += percentile.get(i) ?? 0;
      shownCount++;
    }
  };
  const recalls = new Split();
  const ndcgs = new Split();
  let repeatShown = 0;
  const perUser = new Map<string, number>();
  // Micro-averaged per bucket: does the model find the rarely bought items customers go on to buy?
  const bucketTargets = new Array<number>(BUCKETS).fill(0);
  const bucketHits = new Array<number>(BUCKETS).fill(0);
  const forUser = r.forUser?.bind(r);
  if (forUser)
    for (const [user, target] of tasks.nextBasket) {
      const ranked = forUser(user, k.next);
      note(ranked);
      const bought = tasks.bought.get(user) ?? new Set<string>();
      repeatShown += ranked.filter((i) => bought.has(i)).length / Math.max(1, ranked.length);
      const top = new Set(ranked.slice(0, k.next));
      for (const i of target) {
        const b = bucketOf(percentile.get(i) ?? 0);
        bucketTargets[b]!++;
        if (top.has(i)) bucketHits[b]!++;
      }
      const judge = (items: string[], part: 'all' | 'repeat' | 'explore') => {
        if (items.length === 0) return 0;
        const judged = new Map(items.map((i) => [i, 1]));
        const rec = recall(ranked, judged, k.next);
        recalls.add(part, rec);
        ndcgs.add(part, ndcg(ranked, judged, k.next, { linear: true }));
        return rec;
      };
      perUser.set(user, judge(target, 'all'));
      judge(
        target.filter((i) => bought.has(i)),
        'repeat',
      );
      judge(
        target.filter((i) => !bought.has(i)),
        'explore',
      );
    }
  const hits = new Split();
  const forCart = r.forCart?.bind(r);
  if (forCart)
    for (const t of tasks.completion) {
      const ranked = forCart(t.cart, k.completion);
      note(ranked);
      const hit = ranked.slice(0, k.completion).includes(t.hidden) ? 1 : 0;
      hits.add('all', hit);
      hits.add(t.user !== undefined && tasks.bought.get(t.user)?.has(t.hidden) ? 'repeat' : 'explore', hit);
    }
  const users = Math.max(1, tasks.nextBasket.size);
  return {
    metrics: {
      ...(forUser
        ? {
            ...recalls.metrics(`recall@${k.next}`),
            ...ndcgs.metrics(`ndcg@${k.next}`),
            [`repeat_share@${k.next}`]: repeatShown / users,
          }
        : {}),
      ...(forCart ? hits.metrics(`hit_rate@${k.completion}`) : {}),
      coverage: shown.size / Math.max(1, count.size),
      popularity_bias: shownCount === 0 ? 0 : popularitySum / shownCount,
    },
    perUser,
    byPopularity: bucketTargets.map((targets, b) => ({
      bucket: bucketName(b),
      targets,
      recall: targets === 0 ? 0 : bucketHits[b]! / targets,
    })),
  };
}

export interface RecsEvalOptions {
  /** What the models learn from: everything before the cutoff, or a separate train file. */
  train: readonly Interaction[];
  /** What they are measured on. */
  test: readonly Interaction[];
  /** Catalog products, for categories and content similarity; optional. */
  products?: readonly Product[];
  options: TrainingOptions;
  k: { next: number; completion: number };
  /** Rankers trained elsewhere (e.g. the Python baselines), given the same tasks. */
  external?: (before: readonly Basket[], tasks: RecsTasks) => Promise<Recommender[]>;
  progress?: (s: string) => void;
}

export async function evalRecs(o: RecsEvalOptions): Promise<RecsEvalReport> {
  const before = basketsOf(o.train);
  const after = basketsOf(o.test);
  const tasks = buildTasks(before, after, o.options.item2vec.seed);
  o.progress?.(
    `${before.length} training baskets; ${tasks.nextBasket.size} customers to predict, ${tasks.completion.length} baskets to complete`,
  );
  const started = Date.now();
  const model = await train({ interactions: o.train, products: o.products }, o.options, (p) =>
    o.progress?.('epoch' in p ? `item2vec epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)}` : p.stage),
  );
  const recommenders = [
    ourRecommender(model, (Date.now() - started) / 1000),
    popularityBaseline(before),
    cooccurrenceBaseline(before, o.options.minCount),
    ...((await o.external?.(before, tasks)) ?? []),
  ];
  const measured = recommenders.map((r) => ({ r, ...measure(r, tasks, before, o.k) }));
  return {
    runner: 'recs',
    test_from: after.length > 0 ? new Date(after[0]!.time).toISOString() : null,
    train: { interactions: model.metadata.counts.interactions, baskets: before.length },
    tasks: { next_basket_customers: tasks.nextBasket.size, completion_baskets: tasks.completion.length },
    k: { next_basket: o.k.next, completion: o.k.completion },
    results: measured.map(({ r, metrics, byPopularity }) => ({
      name: r.name,
      metrics,
      train_seconds: Math.round(r.trainSeconds * 10) / 10,
      ...(r.params ? { params: r.params } : {}),
      recall_by_popularity: byPopularity,
    })),
    per_user: [...tasks.nextBasket.keys()].map((id) => ({
      id,
      metrics: Object.fromEntries(
        measured.filter(({ r }) => r.forUser).map(({ r, perUser }) => [r.name, perUser.get(id) ?? 0]),
      ),
    })),
    metadata: model.metadata,
  };
}
