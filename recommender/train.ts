// Offline training: baskets in, every list the service serves out. Reproducible for a seed.
import { categoryPathString, type Product } from '../catalog/product.ts';
import { basketsOf, type Basket, type Interaction } from './interactions/interaction.ts';
import { blend } from './models/blend.ts';
import { contentNeighbours } from './models/content-similarity.ts';
import { boughtTogether, countCooccurrence } from './models/cooccurrence.ts';
import { recentItems, type EmbeddingTable } from './models/customer-profile.ts';
import { trainItem2Vec, type EpochProgress } from './models/item2vec.ts';
import { nearestNeighbours } from './models/neighbours.ts';
import { trainNextBasket, unitVectors, type ExplainedScored, type NextBasketModel } from './models/next-basket.ts';
import { popularityLists } from './models/popularity.ts';
import type { Scored } from './models/ranked-list.ts';
import { buildVocabulary } from './models/vocabulary.ts';
import type { TrainingOptions } from './training-options.ts';

export interface ModelMetadata {
  trainedAt: string;
  /** Time span of the baskets trained on. */
  window: { from: string | null; to: string | null; cutoff: string | null };
  options: TrainingOptions;
  counts: {
    interactions: number;
    baskets: number;
    customers: number;
    items: number;
    embedded: number;
    coldItems: number;
  };
  /** Mean skip-gram loss per epoch. */
  loss: number[];
  seconds: { total: number; item2vec: number; nextBasket: number };
  /** What the next-basket ranker learned from. */
  nextBasket: NextBasketModel['examples'];
  backend: string;
}

export interface TrainedModel {
  metadata: ModelMetadata;
  embeddings: EmbeddingTable;
  /** Item → similar items (embeddings, mixed with bought-together; content for cold items). */
  similar: Map<string, Scored[]>;
  /** Item → items bought with it. */
  together: Map<string, Scored[]>;
  /** Customer → recommended items, each with the signals that put it there. */
  forUser: Map<string, ExplainedScored[]>;
  /** Customer → their most recent distinct items. */
  recent: Map<string, string[]>;
  popular: Scored[];
  trending: Scored[];
  trendingByCategory: Map<string, Scored[]>;
}

export interface TrainingInput {
  interactions: readonly Interaction[];
  /** Catalog products, for categories and content similarity; optional. */
  products?: readonly Product[];
}

export type TrainingProgress = { stage: string } | ({ stage: 'item2vec' } & EpochProgress);

export async function train(
  input: TrainingInput,
  o: TrainingOptions,
  progress: (p: TrainingProgress) => void = () => {},
): Promise<TrainedModel> {
  const started = Date.now();
  const interactions =
    o.cutoff === undefined ? input.interactions : input.interactions.filter((x) => x.time < o.cutoff!);
  const baskets: Basket[] = basketsOf(interactions);
  if (baskets.length === 0) throw new Error('no interactions to train on (check the input and the cutoff)');
  const end = baskets.at(-1)!.time;
  const categoriesOf = categoryLookup(input.products ?? []);

  progress({ stage: 'vocabulary' });
  const vocab = buildVocabulary(baskets, o.minCount);
  progress({ stage: 'co-occurrence' });
  const together = boughtTogether(
    vocab,
    countCooccurrence(vocab, o.cooccurrence.maxBasketItems, o.cooccurrence.basketWeight),
    o.cooccurrence,
    o.listSize,
  );

  const i2vStarted = Date.now();
  const trained = await trainItem2Vec(vocab, o.item2vec, (p) => progress({ stage: 'item2vec', ...p }));
  const i2vSeconds = (Date.now() - i2vStarted) / 1000;
  const embeddings: EmbeddingTable = {
    items: vocab.items,
    index: vocab.index,
    dimensions: trained.dimensions,
    vectors: trained.vectors,
  };

  progress({ stage: 'neighbours' });
  const nearest = await nearestNeighbours(vocab.items, trained.vectors, trained.dimensions, o.listSize);
  const similar = new Map<string, Scored[]>();
  for (const [item, list] of nearest) {
    similar.set(
      item,
      blend(
        [
          { list, weight: 1 },
          { list: together.get(item) ?? [], weight: o.similarTogetherWeight },
        ],
        o.listSize,
        new Set([item]),
      ),
    );
  }
  const cold = (input.products ?? []).filter((p) => !similar.has(p.id));
  if (cold.length > 0) {
    progress({ stage: 'content similarity' });
    const coldIds = new Set(cold.map((p) => p.id));
    for (const [item, list] of contentNeighbours(input.products!, (id) => coldIds.has(id), o.listSize))
      similar.set(item, list);
  }

  progress({ stage: 'customers' });
  const recent = recentItems(baskets, o.recentItems);
  const nbStarted = Date.now();
  const nextBasket = await trainNextBasket(
    baskets,
    o.nextBasket,
    o,
    (item) => together.get(item),
    unitVectors(embeddings),
  );
  const nbSeconds = (Date.now() - nbStarted) / 1000;
  const pop = popularityLists(baskets, end, o.trendingHalfLifeDays, categoriesOf, o.listSize);

  const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());
  return {
    metadata: {
      trainedAt: new Date().toISOString(),
      window: { from: iso(baskets[0]!.time), to: iso(end), cutoff: iso(o.cutoff) },
      options: o,
      counts: {
        interactions: interactions.length,
        baskets: baskets.length,
        customers: recent.size,
        items: new Set(interactions.map((x) => x.item)).size,
        embedded: vocab.items.length,
        coldItems: cold.length,
      },
      loss: trained.loss,
      seconds: { total: (Date.now() - started) / 1000, item2vec: i2vSeconds, nextBasket: nbSeconds },
      nextBasket: nextBasket.examples,
      backend: trained.backend,
    },
    embeddings,
    similar,
    together,
    forUser: nextBasket.lists,
    recent,
    ...pop,
  };
}

/** Every category path a product sits under ("Toys", "Toys > Trains"), when the catalog has categories. */
function categoryLookup(products: readonly Product[]): (item: string) => readonly string[] {
  const byId = new Map(
    products.map((p) => [p.id, (p.categories ?? []).map((_, i, all) => categoryPathString(all.slice(0, i + 1)))]),
  );
  return (item) => byId.get(item) ?? [];
}
