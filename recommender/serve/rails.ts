// The four rails. Each walks its sources in order (e.g. personalized → from recent items →
// category trending → popular), joins product fields, applies the request's filters, and tops a
// short list up from the next source; the answer names the source of each item. What the learner
// learned since the last training (trending now, carted together now, a customer's latest items)
// joins the trained lists, so a rail follows shoppers between trainings. When Redis fails
// the answer is degraded (Elasticsearch more-like-this for similar items, else the last popular
// list held in process), flagged, and never an error.
import { NotFoundError } from '../../common/errors.ts';
import type { Logger } from '../../common/logger.ts';
import { completeCart } from '../models/cart.ts';
import { blend } from '../models/blend.ts';
import type { ExplainedScored, Scored } from '../models/ranked-list.ts';
import { ALL_CATEGORIES } from '../publish/keys.ts';
import type { Manifest } from '../publish/publish.ts';
import type { ProductSummary } from '../publish/product-summary.ts';
import type { RecsStore } from '../../stores/recommendations.ts';
import type { LiveRailStore } from '../../stores/live-rails.ts';
import { recentItemsOf } from './recent-items.ts';

export type RailSource =
  | 'personalized'
  | 'recent-items'
  | 'similar'
  | 'bought-together'
  | 'bought-together-now'
  | 'category-trending'
  | 'trending-now'
  | 'trending'
  | 'popular'
  | 'more-like-this'
  | 'popular-cached';

export interface RailFilters {
  inStock?: boolean;
  /** Category path; items under it pass. */
  category?: string;
  minPrice?: number;
  maxPrice?: number;
  exclude?: readonly string[];
}

export interface RailItem extends ProductSummary {
  score: number;
  source: RailSource;
  /** For personalized items: the signals that put the item there, strongest first. */
  signals?: string[];
}

export interface RailAnswer {
  source: RailSource | null;
  version: string | null;
  degraded?: true;
  items: RailItem[];
}

interface Candidate {
  source: RailSource;
  load: () => Promise<readonly (Scored | ExplainedScored)[] | undefined>;
}

/** Similar products from the search index, for when Redis is down. */
export type DegradedSimilar = (id: string, size: number) => Promise<ProductSummary[]>;

export interface RailsOptions {
  store: RecsStore;
  log: Logger;
  degradedSimilar?: DegradedSimilar;
  /** What the learner published since the last training; none: trained lists only. */
  live?: LiveRailStore;
  /** Lists are this long; filters pick from them. */
  maxSize: number;
  /** The live revision is read at most this often (as the published version's pointer is). */
  revisionTtlMs?: number;
}

export function passes(p: ProductSummary, f: RailFilters): boolean {
  if (f.inStock && p.in_stock === false) return false;
  if (f.category && !(p.category === f.category || p.category?.startsWith(`${f.category} > `))) return false;
  if (f.minPrice !== undefined && (p.price === undefined || p.price < f.minPrice)) return false;
  if (f.maxPrice !== undefined && (p.price === undefined || p.price > f.maxPrice)) return false;
  return true;
}

export function createRails(o: RailsOptions) {
  const { store, live } = o;
  const recentItems = recentItemsOf(store, live);
  let popularHeld: { version: string; items: ProductSummary[] } | undefined;
  let revision: { value: string; at: number } | undefined;
  const liveRevision = async (): Promise<string> => {
    if (!live) return '';
    const now = performance.now();
    if (!revision || now - revision.at >= (o.revisionTtlMs ?? 1000))
      revision = { value: await live.revision(), at: now };
    return revision.value;
  };

  async function collect(m: Manifest, candidates: Candidate[], f: RailFilters, size: number): Promise<RailAnswer> {
    const seen = new Set(f.exclude ?? []);
    const items: RailItem[] = [];
    for (const c of candidates) {
      const fresh = ((await c.load()) ?? []).filter(([id]) => !seen.has(id));
      // Product fields are joined a chunk at a time: most answers fill up from the first chunk.
      const chunk = Math.max(2 * size, 10);
      for (let start = 0; start < fresh.length && items.length < size; start += chunk) {
        const part = fresh.slice(start, start + chunk);
        const products = await store.products(
          m.version,
          part.map(([id]) => id),
        );
        for (const [id, score, signals] of part) {
          const p = products.get(id);
          if (!p || !passes(p, f)) continue;
          seen.add(id);
          items.push(signals ? { ...p, score, source: c.source, signals } : { ...p, score, source: c.source });
          if (items.length >= size) break;
        }
      }
      if (items.length >= size) break;
    }
    return { source: items[0]?.source ?? null, version: m.version, items };
  }

  const trendingCandidates = (m: Manifest, category: string | undefined): Candidate[] => [
    ...(category
      ? [
          {
            source: 'category-trending' as const,
            load: async () => (await store.lists(m.version, 'trending', [category]))[0],
          },
        ]
      : []),
    ...(live ? [{ source: 'trending-now' as const, load: () => live.trending() }] : []),
    { source: 'trending', load: async () => (await store.lists(m.version, 'trending', [ALL_CATEGORIES]))[0] },
    { source: 'popular', load: async () => m.popular },
  ];

  /** Lists of several items as one, the first items' lists weighing most. */
  const blendLists = (lists: readonly (readonly Scored[] | undefined)[], exclude: readonly string[]) =>
    blend(
      lists.map((list, i) => ({ list: list ?? [], weight: 1 / (i + 1) })),
      o.maxSize,
      new Set(exclude),
    );

  /** The popular list with product fields, kept in process for when Redis is down. */
  async function holdPopular(m: Manifest): Promise<void> {
    if (popularHeld?.version === m.version) return;
    const products = await store.products(
      m.version,
      m.popular.map(([id]) => id),
    );
    popularHeld = { version: m.version, items: m.popular.flatMap(([id]) => products.get(id) ?? []) };
  }

  async function degraded(e: unknown, f: RailFilters, size: number, similarTo?: string): Promise<RailAnswer> {
    o.log.warn({ err: e }, 'recommendations degraded: Redis unavailable');
    const exclude = new Set(f.exclude ?? []);
    if (similarTo !== undefined && o.degradedSimilar) {
      try {
        const found = (await o.degradedSimilar(similarTo, o.maxSize))
          .filter((p) => !exclude.has(p.id) && passes(p, f))
          .slice(0, size);
        return {
          source: 'more-like-this',
          version: null,
          degraded: true,
          items: found.map((p, i) => ({ ...p, score: 1 / (i + 1), source: 'more-like-this' })),
        };
      } catch (err) {
        o.log.warn({ err }, 'more-like-this fallback failed too');
      }
    }
    const held = (popularHeld?.items ?? []).filter((p) => !exclude.has(p.id) && passes(p, f)).slice(0, size);
    return {
      source: held.length ? 'popular-cached' : null,
      version: popularHeld?.version ?? null,
      degraded: true,
      items: held.map((p, i) => ({ ...p, score: 1 / (i + 1), source: 'popular-cached' })),
    };
  }

  /** Runs a rail against the current version; answers empty when nothing is published. */
  async function run(
    f: RailFilters,
    size: number,
    build: (m: Manifest) => Promise<Candidate[]>,
    similarTo?: string,
  ): Promise<RailAnswer> {
    let m: Manifest | undefined;
    try {
      m = await store.current();
      if (!m) return { source: null, version: null, items: [] };
      await holdPopular(m);
      return await collect(m, await build(m), f, size);
    } catch (e) {
      if (e instanceof NotFoundError) throw e;
      return degraded(e, f, size, similarTo);
    }
  }

  return {
    /**
     * What answers are read from now: the published version, and a tag that also changes with each
     * live publication (for caching answers); undefined when nothing is published, or Redis is down.
     */
    async generation(): Promise<{ version: string; tag: string } | undefined> {
      try {
        const version = (await store.current())?.version;
        return version === undefined ? undefined : { version, tag: `${version}/${await liveRevision()}` };
      } catch {
        return undefined;
      }
    },

    similar: (id: string, f: RailFilters, size: number) =>
      run(
        f,
        size,
        async (m) => {
          const [[list], self] = await Promise.all([
            store.lists(m.version, 'similar', [id]),
            store.products(m.version, [id]),
          ]);
          if (!list && !self.has(id)) throw new NotFoundError(`no product "${id}"`);
          return [{ source: 'similar', load: async () => list }, ...trendingCandidates(m, self.get(id)?.category)];
        },
        id,
      ),

    boughtTogether: (cart: readonly string[], f: RailFilters, size: number) =>
      run({ ...f, exclude: [...(f.exclude ?? []), ...cart] }, size, async (m) => {
        const [together, similar, known, togetherNow] = await Promise.all([
          store.lists(m.version, 'together', cart),
          store.lists(m.version, 'similar', cart),
          store.products(m.version, cart),
          live?.together(cart) ?? [],
        ]);
        if (known.size === 0 && together.every((l) => !l) && togetherNow.every((l) => !l))
          throw new NotFoundError(`none of the items ${cart.map((i) => `"${i}"`).join(', ')} is a known product`);
        const t = new Map(cart.map((id, i) => [id, together[i]]));
        const s = new Map(cart.map((id, i) => [id, similar[i]]));
        const blended = completeCart(
          cart,
          (id) => t.get(id),
          (id) => s.get(id),
          m.cart,
          o.maxSize,
        );
        return [
          { source: 'bought-together', load: async () => blended },
          { source: 'bought-together-now', load: async () => blendLists(togetherNow, cart) },
          ...trendingCandidates(m, known.get(cart[0]!)?.category),
        ];
      }),

    forUser: (user: string, recentGiven: readonly string[], f: RailFilters, size: number) =>
      run(f, size, async (m) => [
        { source: 'personalized', load: () => store.personalized(m.version, user) },
        {
          source: 'recent-items',
          // Read only when the personalized list falls short: most answers never need it.
          load: async () => {
            const recent = recentGiven.length > 0 ? recentGiven : await recentItems(m.version, user);
            return blendLists(await store.lists(m.version, 'similar', recent), recent);
          },
        },
        ...trendingCandidates(m, f.category),
      ]),

    trending: (category: string | undefined, f: RailFilters, size: number) =>
      run(f, size, async (m) => trendingCandidates(m, category)),
  };
}

export type Rails = ReturnType<typeof createRails>;
