// The next-basket baselines the literature found hardest to beat (Li et al., "A Next Basket
// Recommendation Reality Check", TOIS 2023): a customer's own recency-decayed history, TIFU-KNN
// (Hu et al., SIGIR 2020) and user-KNN. None needs training beyond counting; each is topped up from
// popularity, as the service tops up its rails. Parameters come from `tuneOnValidation`.
import type { Basket } from '../recommender/interactions/interaction.ts';
import { mixWithNeighbours, nearestCustomers, type Neighbour } from '../recommender/models/customer-neighbours.ts';
import {
  basketsByCustomer,
  personalFrequency,
  type FrequencyOptions,
} from '../recommender/models/personal-frequency.ts';
import { topK } from '../recommender/models/ranked-list.ts';
import { fill, popularityBaseline, type Recommender } from './runners/recs.ts';

export interface TifuParams extends FrequencyOptions {
  /** Nearest customers averaged. */
  k: number;
  /** Weight of the customer's own vector against their neighbours' mean. */
  alpha: number;
}

export interface UserKnnParams {
  k: number;
}

/** What every next-basket baseline starts from, computed once per training window. */
export interface NextBasketData {
  before: readonly Basket[];
  histories: Map<string, Basket[]>;
  popular: (k: number) => string[];
}

export function nextBasketData(before: readonly Basket[]): NextBasketData {
  const pop = popularityBaseline(before);
  return { before, histories: basketsByCustomer(before), popular: (k) => pop.forUser('', k) };
}

const ranked = (scores: Map<string, number>, k: number): string[] => topK(scores, k).map(([id]) => id);

function userRecommender(name: string, d: NextBasketData, score: (user: string) => Map<string, number>): Recommender {
  return {
    name,
    trainSeconds: 0,
    forUser: (user, k) => fill(ranked(score(user), k), d.popular(k), k),
  };
}

/** Decayed personal frequencies of every customer (or of `only`), for one choice of decays. */
export function frequencyVectors(
  d: NextBasketData,
  o: FrequencyOptions,
  only?: Iterable<string>,
): Map<string, Map<string, number>> {
  const users = only ? [...only].filter((u) => d.histories.has(u)) : [...d.histories.keys()];
  return new Map(users.map((user) => [user, personalFrequency(d.histories.get(user)!, o)]));
}

/** The customer's own items, weighted `decay`^(baskets since). */
export function ownHistoryBaseline(d: NextBasketData, p: { decay: number }): Recommender {
  const vectors = frequencyVectors(d, { groupSize: 1, withinDecay: 1, acrossDecay: p.decay });
  return userRecommender('own history', d, (user) => vectors.get(user) ?? new Map());
}

/** TIFU-KNN from precomputed vectors and neighbour lists (the tuner reuses them across k and α). */
export function tifuKnnFrom(
  d: NextBasketData,
  vectors: Map<string, Map<string, number>>,
  neighbours: Map<string, Neighbour[]>,
  p: Pick<TifuParams, 'k' | 'alpha'>,
): Recommender {
  return userRecommender('TIFU-KNN', d, (user) => {
    const own = vectors.get(user);
    return own ? mixWithNeighbours(own, (neighbours.get(user) ?? []).slice(0, p.k), vectors, p.alpha) : new Map();
  });
}

export function tifuKnnBaseline(d: NextBasketData, p: TifuParams): Recommender {
  const vectors = frequencyVectors(d, p);
  return tifuKnnFrom(d, vectors, nearestCustomers(vectors, p.k), p);
}

/** Classic user-based CF: the k most similar customers (cosine of bought-or-not), each item scored by the similarity of those who bought it. */
export function userKnnBaseline(d: NextBasketData, p: UserKnnParams): Recommender {
  const bought = new Map(
    [...d.histories].map(([user, h]) => [user, new Map(h.flatMap((b) => b.items.map((i) => [i, 1] as const)))]),
  );
  const neighbours = nearestCustomers(bought, p.k);
  return userRecommender('user-KNN', d, (user) => {
    const score = new Map<string, number>();
    for (const n of neighbours.get(user) ?? [])
      for (const item of bought.get(n.customer)!.keys()) score.set(item, (score.get(item) ?? 0) + n.similarity);
    return score;
  });
}
