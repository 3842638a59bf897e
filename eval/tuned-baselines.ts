// Every baseline's parameters are chosen on a validation window at the end of the training period
// (never on the test period): the training baskets are split again `validationDays` before their
// end, the same tasks are built on that inner split, each parameter set on a small grid is measured,
// and the best one is refit on all training baskets. The grids span the ranges the papers searched.
import type { Basket } from '../recommender/interactions/interaction.ts';
import { nearestCustomers } from '../recommender/models/customer-neighbours.ts';
import type { FrequencyOptions } from '../recommender/models/personal-frequency.ts';
import { cosineCooccurrenceBaseline, sessionKnnBaseline, type SessionKnnParams } from './cart-baselines.ts';
import {
  frequencyVectors,
  nextBasketData,
  ownHistoryBaseline,
  tifuKnnBaseline,
  tifuKnnFrom,
  userKnnBaseline,
  type TifuParams,
} from './next-basket-baselines.ts';
import { buildTasks, measure, type Recommender, type RecsTasks } from './runners/recs.ts';

const DAY = 86_400_000;

export interface ValidationSplit {
  before: Basket[];
  tasks: RecsTasks;
}

/** The last `days` of the training baskets as a held-out window; undefined when too little is left on either side. */
export function validationSplit(before: readonly Basket[], days: number, seed: number): ValidationSplit | undefined {
  if (before.length === 0) return undefined;
  const cutoff = before.at(-1)!.time - days * DAY;
  const inner = before.filter((b) => b.time < cutoff);
  const tasks = buildTasks(
    inner,
    before.filter((b) => b.time >= cutoff),
    seed,
    1000,
  );
  return inner.length === 0 || tasks.nextBasket.size === 0 ? undefined : { before: inner, tasks };
}

/** The grid entry with the best score (the first on ties, so the order is the preference). */
export function best<P>(grid: readonly P[], score: (p: P) => number): { params: P; score: number } {
  let out: { params: P; score: number } = { params: grid[0] as P, score: -Infinity };
  for (const p of grid) {
    const s = score(p);
    if (s > out.score) out = { params: p, score: s };
  }
  return out;
}

const grid = <A, B>(as: readonly A[], bs: readonly B[]): [A, B][] => as.flatMap((a) => bs.map((b) => [a, b] as [A, B]));

export const GRIDS = {
  decay: [1, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5],
  groupSize: [1, 2, 3, 5, 7],
  withinDecay: [1, 0.9, 0.7],
  k: [10, 25, 50, 100, 200, 300, 500],
  alpha: [0.95, 0.9, 0.8, 0.7, 0.6, 0.5],
  sessionK: [50, 100, 200, 500],
  sessionSample: [250, 1000],
};

export interface TunedBaselinesOptions {
  k: { next: number; completion: number };
  validationDays: number;
  seed: number;
  progress?: (s: string) => void;
}

export function tunedBaselines(before: readonly Basket[], o: TunedBaselinesOptions): Recommender[] {
  const split = validationSplit(before, o.validationDays, o.seed);
  if (!split)
    throw new Error(`no customer returns in the last ${o.validationDays} days of training: no validation window`);
  const recall = (r: Recommender) =>
    measure(r, { ...split.tasks, completion: [] }, split.before, o.k).metrics[`recall@${o.k.next}`]!;
  const hit = (r: Recommender) =>
    measure(r, { ...split.tasks, nextBasket: new Map() }, split.before, o.k).metrics[`hit_rate@${o.k.completion}`]!;
  const inner = nextBasketData(split.before);
  const full = nextBasketData(before);
  const say = (name: string, params: object, score: number) =>
    o.progress?.(`${name}: ${JSON.stringify(params)} on the validation window (${score.toFixed(4)})`);

  const own = best(
    GRIDS.decay.map((decay) => ({ decay })),
    (p) => recall(ownHistoryBaseline(inner, p)),
  );
  say('own history', own.params, own.score);

  // TIFU-KNN in two passes: the decays on the customer's own vector (α = 1), then k and α with them.
  const frequencies: FrequencyOptions[] = grid(GRIDS.groupSize, grid(GRIDS.withinDecay, GRIDS.decay))
    .filter(([m, [rb]]) => m > 1 || rb === 1)
    .map(([groupSize, [withinDecay, acrossDecay]]) => ({ groupSize, withinDecay, acrossDecay }));
  const freq = best(frequencies, (f) => {
    const vectors = frequencyVectors(inner, f, split.tasks.nextBasket.keys());
    return recall(tifuKnnFrom(inner, vectors, new Map(), { k: 0, alpha: 1 }));
  });
  const vectors = frequencyVectors(inner, freq.params);
  const neighbours = nearestCustomers(vectors, Math.max(...GRIDS.k));
  const mix = best(
    grid(GRIDS.k, GRIDS.alpha).map(([k, alpha]) => ({ k, alpha })),
    (p) => recall(tifuKnnFrom(inner, vectors, neighbours, p)),
  );
  const tifu: TifuParams = { ...freq.params, ...mix.params };
  say('TIFU-KNN', tifu, mix.score);

  const userKnn = best(
    GRIDS.k.map((k) => ({ k })),
    (p) => recall(userKnnBaseline(inner, p)),
  );
  say('user-KNN', userKnn.params, userKnn.score);

  const session = best(
    grid(GRIDS.sessionK, GRIDS.sessionSample).map(([k, sample]): SessionKnnParams => ({ k, sample })),
    (p) => hit(sessionKnnBaseline(split.before, p)),
  );
  say('session-kNN', session.params, session.score);

  const withParams = (r: Recommender, params: object): Recommender => ({ ...r, params: { ...params } });
  return [
    withParams(ownHistoryBaseline(full, own.params), own.params),
    withParams(tifuKnnBaseline(full, tifu), tifu),
    withParams(userKnnBaseline(full, userKnn.params), userKnn.params),
    cosineCooccurrenceBaseline(before),
    withParams(sessionKnnBaseline(before, session.params), session.params),
  ];
}
