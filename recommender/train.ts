// Offline training: interactions in (a stream, read once), every list the service serves out.
// Reproducible for a seed with one item2vec worker. Each stage reports progress and its time.
import { categoryPathString, type Product } from '../catalog/product.ts';
import { collectBaskets, customerBaskets, type Baskets } from './interactions/basket-log.ts';
import type { Interaction } from './interactions/interaction.ts';
import { numberedBlender } from './models/blend.ts';
import { contentNeighbours } from './models/content-similarity.ts';
import { boughtTogether, countCooccurrence } from './models/cooccurrence.ts';
import { recentItems, type EmbeddingTable } from './models/customer-profile.ts';
import { trainItem2Vec, type EpochProgress } from './models/item2vec.ts';
import { ListTable, mapView } from './models/list-table.ts';
import { mergeCandidates, neighbourRecall, refineNeighbours, vectorSearch } from './models/neighbours.ts';
import { nextBasketExamples, nextBasketLists, signalBaselines, type ExampleCounts } from './models/next-basket.ts';
import { unitVectors } from './models/next-basket-features.ts';
import { trainRanker } from './models/next-basket-ranker.ts';
import { popularityLists } from './models/popularity.ts';
import type { ExplainedScored, Scored } from './models/ranked-list.ts';
import { loadTf } from './models/tf.ts';
import { buildVocabulary } from './models/vocabulary.ts';
import { stageTimer, type StageTiming } from './stage-timer.ts';
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
    /** Skip-gram pairs trained on, all epochs. */
    pairs: number;
  };
  /** Mean skip-gram loss per epoch. */
  loss: number[];
  seconds: { total: number; item2vec: number; nextBasket: number };
  /** Wall time of every stage, in order. */
  stages: StageTiming[];
  /** What the next-basket ranker learned from. */
  nextBasket: ExampleCounts;
  /** TensorFlow.js backend of the dense work (neighbour search, the ranker); item2vec runs on `workers` threads. */
  backend: string;
  workers: number;
  /** How neighbours were found, and the approximate search's recall@listSize against exact on a sample. */
  neighbours: { kind: 'exact' | 'ivf'; cells: number; recall: number | null };
}

export interface TrainedModel {
  metadata: ModelMetadata;
  embeddings: EmbeddingTable;
  /** Item → similar items (embeddings, mixed with bought-together; content for cold items). */
  similar: ReadonlyMap<string, Scored[]>;
  /** Item → items bought with it. */
  together: ReadonlyMap<string, Scored[]>;
  /** Customer → recommended items, each with the signals that put it there. */
  forUser: ReadonlyMap<string, ExplainedScored[]>;
  /** Customer → their most recent distinct items. */
  recent: ReadonlyMap<string, string[]>;
  popular: Scored[];
  trending: Scored[];
  trendingByCategory: Map<string, Scored[]>;
}

export interface TrainingInput {
  /** A list or a stream (read once, never held whole). */
  interactions: Iterable<Interaction> | AsyncIterable<Interaction>;
  /** Catalog products, for categories and content similarity; optional. */
  products?: readonly Product[];
}

export type TrainingProgress = { stage: string } | ({ stage: 'item2vec' } & EpochProgress);

export async function train(
  input: TrainingInput,
  o: TrainingOptions,
  progress: (p: TrainingProgress) => void = () => {},
  /** Progress lines (rate, ETA) of every stage. */
  log?: (line: string) => void,
): Promise<TrainedModel> {
  const started = Date.now();
  const stages = stageTimer(log);
  progress({ stage: 'read' });
  const baskets = await stages.run('read', undefined, (tick) => collectBaskets(input.interactions, o.cutoff, tick));
  if (baskets.count === 0) throw new Error('no interactions to train on (check the input and the cutoff)');
  let end = -Infinity;
  let from = Infinity;
  for (const t of baskets.time) {
    end = Math.max(end, t);
    from = Math.min(from, t);
  }
  const categoriesOf = categoryLookup(input.products ?? []);

  progress({ stage: 'vocabulary' });
  const vocab = await stages.run('vocabulary', undefined, () => buildVocabulary(baskets, o.minCount));
  progress({ stage: 'co-occurrence' });
  const together = await stages.run('co-occurrence', vocab.items.length, (tick) =>
    boughtTogether(
      vocab,
      countCooccurrence(vocab, o.cooccurrence.maxBasketItems, o.cooccurrence.basketWeight),
      o.cooccurrence,
      o.listSize,
      tick,
    ),
  );

  const i2vStarted = Date.now();
  const trained = await stages.run('item2vec', vocab.basketCount * o.item2vec.epochs, (tick) =>
    trainItem2Vec(vocab, o.item2vec, (p) => progress({ stage: 'item2vec', ...p }), tick),
  );
  const i2vSeconds = (Date.now() - i2vStarted) / 1000;
  const d = trained.dimensions;
  const embeddings: EmbeddingTable = {
    items: vocab.items,
    index: vocab.index,
    dimensions: d,
    vectors: trained.vectors,
  };

  progress({ stage: 'neighbours' });
  const search = await stages.run('neighbour index', undefined, (tick) =>
    vectorSearch(trained.vectors, d, o.neighbours, o.item2vec.seed, () => tick()),
  );
  try {
    const self = Int32Array.from({ length: vocab.items.length }, (_, i) => i);
    const rounds = search.kind === 'ivf' ? o.neighbours.refineRounds : 0;
    const nearest = await stages.run('neighbours', vocab.items.length * (1 + rounds), async (tick) => {
      const found = await search.search(trained.vectors, o.listSize, self, tick);
      if (search.kind === 'ivf') {
        // Exact scores for likely neighbours the cells missed: co-purchases, then NN-descent rounds.
        mergeCandidates(found, trained.vectors, trained.vectors, d, (i) => together.rowIds(i), self);
        refineNeighbours(found, trained.vectors, d, rounds, o.neighbours.refineFanout, self, tick);
      }
      return found;
    });
    const recall =
      search.kind === 'ivf' && o.neighbours.recallSample > 0
        ? await stages.run('neighbour recall', o.neighbours.recallSample, async (tick) => {
            const r = await neighbourRecall(
              nearest,
              trained.vectors,
              d,
              20,
              o.neighbours.recallSample,
              o.item2vec.seed,
            );
            tick(o.neighbours.recallSample);
            return r;
          })
        : null;

    const similar = await stages.run('similar', vocab.items.length, (tick) =>
      similarLists(vocab.items, nearest, together, o, tick),
    );
    const cold = (input.products ?? []).filter((p) => !vocab.index.has(p.id));
    const coldLists = new Map<string, Scored[]>();
    if (cold.length > 0) {
      progress({ stage: 'content similarity' });
      const coldIds = new Set(cold.map((p) => p.id));
      await stages.run('content similarity', cold.length, () => {
        for (const [item, list] of contentNeighbours(input.products!, (id) => coldIds.has(id), o.listSize))
          coldLists.set(item, list);
      });
    }

    progress({ stage: 'customers' });
    const recent = await stages.run('recent items', undefined, () => recentItems(baskets, o.recentItems));
    const history = { b: baskets, byCustomer: customerBaskets(baskets) };
    const vectors = unitVectors(trained.vectors, d, vocab.ofItem);
    const examples = await stages.run('next-basket examples', undefined, (tick) =>
      nextBasketExamples(history, o.nextBasket, o, vectors, tick),
    );
    // A young shop has no customer who came back yet: no personalized lists, and the for-user
    // rail answers from a customer's recent items and trending until it has.
    if (examples.count === 0)
      log?.(`next-basket: no customer came back within ${o.nextBasket.windowDays} days; no personalized lists\n`);
    const ranker =
      examples.count === 0
        ? undefined
        : await stages.run('next-basket ranker', examples.count, async (tick) => {
            const weights = await trainRanker(examples, o.nextBasket.ranker);
            tick(examples.count);
            return { weights, baseline: signalBaselines(weights, examples) };
          });
    const forUser = !ranker
      ? new Map<string, ExplainedScored[]>()
      : await stages.run('next-basket lists', baskets.users.length, (tick) =>
          nextBasketLists(
            history,
            o.nextBasket,
            ranker.weights,
            ranker.baseline,
            { table: together, vocab },
            vectors,
            o.listSize,
            tick,
          ),
        );
    const pop = await stages.run('popularity', undefined, () =>
      popularityLists(baskets, end, o.trendingHalfLifeDays, categoriesOf, o.listSize),
    );
    const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());
    return {
      metadata: {
        trainedAt: new Date().toISOString(),
        window: { from: iso(from), to: iso(end), cutoff: iso(o.cutoff) },
        options: o,
        counts: {
          interactions: baskets.interactions,
          baskets: baskets.count,
          customers: baskets.users.length,
          items: baskets.items.length,
          embedded: vocab.items.length,
          coldItems: cold.length,
          pairs: trained.pairs,
        },
        loss: trained.loss,
        seconds: {
          total: (Date.now() - started) / 1000,
          item2vec: i2vSeconds,
          nextBasket: stages.timings
            .filter((t) => t.stage.startsWith('next-basket'))
            .reduce((sum, t) => sum + t.seconds, 0),
        },
        stages: stages.timings,
        nextBasket: examples.counts,
        backend: (await loadTf()).backend,
        workers: trained.workers,
        neighbours: { kind: search.kind, cells: search.cells, recall },
      },
      embeddings,
      similar: withExtra(similar, coldLists),
      together,
      forUser,
      recent,
      ...pop,
    };
  } finally {
    search.dispose();
  }
}

/** Embedding neighbours blended with bought-together scores (`similarTogetherWeight`). */
function similarLists(
  items: string[],
  nearest: { ids: Int32Array; scores: Float32Array; k: number },
  together: ListTable,
  o: TrainingOptions,
  tick: () => void,
): ListTable {
  const out = new ListTable(items, items, o.listSize);
  const blend = numberedBlender(items.length);
  for (let i = 0; i < items.length; i++) {
    let length = 0;
    while (length < nearest.k && nearest.ids[i * nearest.k + length]! >= 0) length++;
    const top = blend(
      [
        {
          ids: nearest.ids.subarray(i * nearest.k),
          scores: nearest.scores.subarray(i * nearest.k),
          length,
          weight: 1,
        },
        {
          ids: together.ids.subarray(i * together.width),
          scores: together.scores.subarray(i * together.width),
          length: together.lengths[i]!,
          weight: o.similarTogetherWeight,
        },
      ],
      o.listSize,
      i,
    );
    out.setRow(i, top.ids, top.scores);
    tick();
  }
  return out;
}

/** A table's lists plus a few more (content neighbours of never-bought items), read as one map. */
const withExtra = (table: ListTable, extra: Map<string, Scored[]>): ReadonlyMap<string, Scored[]> =>
  extra.size === 0
    ? table
    : mapView({
        get: (key) => table.get(key) ?? extra.get(key),
        has: (key) => table.has(key) || extra.has(key),
        size: () => table.size + extra.size,
        entries: function* () {
          yield* table.entries();
          yield* extra.entries();
        },
      });

/** Every category path a product sits under ("Toys", "Toys > Trains"), when the catalog has categories. */
function categoryLookup(products: readonly Product[]): (item: string) => readonly string[] {
  const byId = new Map(
    products.map((p) => [p.id, (p.categories ?? []).map((_, i, all) => categoryPathString(all.slice(0, i + 1)))]),
  );
  return (item) => byId.get(item) ?? [];
}

export type { Baskets };
