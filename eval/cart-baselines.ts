// Basket-completion baselines: cosine co-occurrence summed over the cart, and session-kNN (Jannach
// and Ludewig, RecSys 2017; the strongest simple session method in Ludewig et al. 2021): the k past
// baskets most similar to the cart (cosine of item sets, candidates among the `sample` most recent
// baskets holding each cart item) vote for their items with their similarity.
import type { Basket } from '../recommender/interactions/interaction.ts';
import { pairScore } from '../recommender/models/cooccurrence.ts';
import { topK } from '../recommender/models/ranked-list.ts';
import { fill, popularityBaseline, type FullRecommender, type Recommender } from './runners/recs.ts';

export interface SessionKnnParams {
  k: number;
  sample: number;
}

export function cosineCooccurrenceBaseline(before: readonly Basket[]): Recommender {
  const pop = popularityBaseline(before);
  const count = new Map<string, number>();
  const pairs = new Map<string, Map<string, number>>();
  for (const b of before)
    for (const i of b.items) {
      count.set(i, (count.get(i) ?? 0) + 1);
      let row = pairs.get(i);
      if (!row) pairs.set(i, (row = new Map()));
      for (const j of b.items) if (j !== i) row.set(j, (row.get(j) ?? 0) + 1);
    }
  return {
    name: 'cosine co-occurrence',
    trainSeconds: 0,
    forCart: (cart, k) => {
      const inCart = new Set(cart);
      const score = new Map<string, number>();
      for (const i of cart)
        for (const [j, c] of pairs.get(i) ?? [])
          if (!inCart.has(j))
            score.set(j, (score.get(j) ?? 0) + pairScore('cosine', c, count.get(i)!, count.get(j)!, before.length));
      return toppedUp(score, pop, cart, k);
    },
  };
}

/** The k best scored items, topped up from popularity as the service tops up its rails. */
function toppedUp(score: Map<string, number>, pop: FullRecommender, cart: readonly string[], k: number): string[] {
  return fill(
    topK(score, k).map(([id]) => id),
    pop.forCart(cart, k),
    k,
  );
}

export function sessionKnnBaseline(before: readonly Basket[], p: SessionKnnParams): Recommender {
  const pop = popularityBaseline(before);
  // Item → the baskets holding it, most recent first.
  const holding = new Map<string, number[]>();
  for (let b = before.length - 1; b >= 0; b--)
    for (const i of before[b]!.items) {
      let list = holding.get(i);
      if (!list) holding.set(i, (list = []));
      if (list.length < p.sample) list.push(b);
    }
  return {
    name: 'session-kNN',
    trainSeconds: 0,
    forCart: (cart, k) => {
      const inCart = new Set(cart);
      const overlap = new Map<number, number>();
      for (const i of cart) for (const b of holding.get(i) ?? []) overlap.set(b, (overlap.get(b) ?? 0) + 1);
      const nearest = [...overlap]
        .map(([b, n]) => [b, n / Math.sqrt(cart.length * before[b]!.items.length)] as const)
        .sort((x, y) => y[1] - x[1] || y[0] - x[0])
        .slice(0, p.k);
      const score = new Map<string, number>();
      for (const [b, sim] of nearest)
        for (const j of before[b]!.items) if (!inCart.has(j)) score.set(j, (score.get(j) ?? 0) + sim);
      return toppedUp(score, pop, cart, k);
    },
  };
}
