// Every training parameter with its default; `recommender train` flags override them by name.
import type { CartWeights } from './models/cart.ts';
import type { CooccurrenceOptions } from './models/cooccurrence.ts';
import type { Item2VecOptions } from './models/item2vec.ts';
import type { NeighbourOptions } from './models/neighbours.ts';
import type { NextBasketOptions } from './models/next-basket.ts';

export interface TrainingOptions {
  /** Only interactions before this time (ms since epoch) are used. */
  cutoff: number | undefined;
  /** Items seen in fewer baskets get no embedding (they fall back to content similarity). */
  minCount: number;
  /** Length of every published list. */
  listSize: number;
  /** Trending halves an interaction's weight every this many days. */
  trendingHalfLifeDays: number;
  item2vec: Item2VecOptions;
  neighbours: NeighbourOptions;
  cooccurrence: CooccurrenceOptions;
  /** Most recent distinct items kept per customer, for serving item-based fallbacks. */
  recentItems: number;
  /** The learned "recommended for you" ranker. */
  nextBasket: NextBasketOptions;
  /** Weight of bought-together scores mixed into "similar items" (0 = embeddings only). */
  similarTogetherWeight: number;
  /** How a cart's items' lists are blended at serve time (published with the model). */
  cart: CartWeights;
}

export const defaultTrainingOptions: TrainingOptions = {
  cutoff: undefined,
  minCount: 5,
  listSize: 50,
  trendingHalfLifeDays: 14,
  item2vec: {
    dimensions: 48,
    epochs: 5,
    contextPerItem: 3,
    negatives: 5,
    learningRate: 0.1,
    subsample: 1e-2,
    seed: 42,
    workers: 2,
  },
  neighbours: {
    exactUpTo: 20000,
    cells: 0,
    probeShare: 0.065,
    kmeansIterations: 8,
    refineRounds: 2,
    refineFanout: 20,
    recallSample: 1000,
  },
  cooccurrence: { scoring: 'cosine', basketWeight: 'inverse-size', minSupport: 2, maxBasketItems: 200 },
  recentItems: 20,
  nextBasket: {
    windowDays: 60,
    windows: 1,
    excludePurchased: false,
    maxExamples: 1_000_000,
    workers: 2,
    features: {
      frequency: { groupSize: 1, withinDecay: 1, acrossDecay: 0.9 },
      slowDecay: 0.98,
      neighbours: 100,
      candidatesPerSource: 30,
      maxOwnItems: 300,
      recentDays: 30,
    },
    ranker: { hidden: 8, epochs: 3, batchSize: 1024, learningRate: 0.01, seed: 42 },
  },
  similarTogetherWeight: 0.5,
  cart: { together: 1, similar: 0.3 },
};
