// The products part of autocomplete: a few top products for what was typed and the categories they
// live in, from Elasticsearch, with the merchandiser rules for the typed text (filters, hidden
// products, boosts and buries, pins first). It is the part that needs the index and most of the
// work, so it is the part dropped first: answers are cached per typed text (keyed by index version
// and the rules in force); at most `maxInFlight` lookups run at once and none starts while this
// process's event loop lags more than the wait (its answer could not arrive in time, and the work
// would slow every other keystroke): such keystrokes go without products. A keystroke waits at
// most `waitMs`; a lookup that comes late still fills the cache for the next shopper typing the
// same letters.
import type { estypes } from '@elastic/elasticsearch';
import { Counter, type Registry } from 'prom-client';
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import { memoryCache, parsedBytes } from '../../common/memory-cache.ts';
import { FIELDS, idsClause } from '../../mappings/clauses.ts';
import type { RuleEffects } from '../../ranking/rules/compose.ts';
import { placePins } from '../../ranking/rules/pins.ts';
import { type AnswerDeps, rulesFor } from '../search/answers.ts';
import { typedPrefix } from './normalize.ts';
import { eventLoopLagMs } from './event-loop-lag.ts';
import { ruleFilters, weighted } from '../search/rule-clauses.ts';

export interface ProductPart {
  categories: { path: string; name: string; count: number }[];
  products: { id: string; title: string; brand?: string; price?: number; currency?: string }[];
}

export interface ProductLookup {
  part: ProductPart;
  /** The index version the products come from. */
  version: string;
  cached: boolean;
}

export interface ProductSuggestions {
  /** Products and categories for `q`, or undefined when they cannot come within the wait. */
  lookup(q: string): Promise<ProductLookup | undefined>;
}

export interface ProductSuggestionOptions {
  es: EsClient;
  alias: string;
  /** Products per answer. */
  size: number;
  /** How long a keystroke waits for products before it is answered without them. */
  waitMs: number;
  /** Time Elasticsearch gets for a lookup (a late one still fills the cache). */
  timeoutMs: number;
  maxInFlight: number;
  /** Bytes of cached lookups; 0 turns the cache off. */
  cacheBytes: number;
  ttlMs: number;
  registry: Registry;
}

const PRODUCT_FIELDS = ['id', 'title', 'brand', 'price', 'currency'];

function productQuery(q: string, size: number, effects: RuleEffects): estypes.MsearchMultisearchBody {
  const rules = ruleFilters(effects);
  const pinned = effects.pins.map((p) => p.id);
  const text: estypes.QueryDslQueryContainer = {
    bool: {
      must: [
        {
          match: {
            [FIELDS.titlePrefix]: {
              query: q,
              operator: 'and',
              ...(q.replace(/\s/g, '').length >= 4 ? { fuzziness: 1, prefix_length: 1 } : {}),
            },
          },
        },
      ],
      should: [
        { match_phrase_prefix: { [FIELDS.title]: { query: q } } },
        { rank_feature: { field: FIELDS.popularitySignal, saturation: {} } },
      ],
    },
  };
  return {
    size,
    _source: PRODUCT_FIELDS,
    query: {
      bool: {
        must: [weighted(text, effects)],
        filter: rules.filter,
        must_not: [...rules.mustNot, ...(pinned.length ? [idsClause(pinned)] : [])],
      },
    },
    aggs: { categories: { terms: { field: FIELDS.categoryLeaf, size: 3 } } },
  };
}

/** The pinned products the rules' filters and hides let through. */
function pinQuery(effects: RuleEffects): estypes.MsearchMultisearchBody {
  const rules = ruleFilters(effects);
  return {
    size: effects.pins.length,
    _source: PRODUCT_FIELDS,
    query: {
      bool: { filter: [idsClause(effects.pins.map((p) => p.id)), ...rules.filter], must_not: rules.mustNot },
    },
  };
}

type SearchAnswer = estypes.MsearchMultiSearchItem<Record<string, unknown>> | estypes.ErrorResponseBase;
type ProductSuggestion = ProductPart['products'][number];

const productsOf = (r: estypes.MsearchMultiSearchItem<Record<string, unknown>>): ProductSuggestion[] =>
  r.hits.hits.map((h) => ({ ...(h._source as ProductSuggestion), id: h._id! }));

/** One `_msearch`: the products (with the category aggregation) and, when rules pin some, the pinned ones. */
async function fetchProducts(o: ProductSuggestionOptions, q: string, effects: RuleEffects): Promise<ProductPart> {
  const withPins = effects.pins.length > 0;
  const res = await o.es.msearch<Record<string, unknown>>(
    {
      searches: [
        { index: o.alias },
        productQuery(q, o.size, effects),
        ...(withPins ? [{ index: o.alias }, pinQuery(effects)] : []),
      ],
    },
    { requestTimeout: o.timeoutMs, maxRetries: 0 },
  );
  const [prod, pins] = res.responses as SearchAnswer[];
  if (!prod || 'error' in prod)
    throw new Error(`product suggestions failed: ${prod && 'error' in prod ? prod.error.type : 'no answer'}`);
  if (pins && 'error' in pins) throw new Error(`pinned product suggestions failed: ${pins.error.type}`);
  const pinned = new Map((pins ? productsOf(pins) : []).map((p) => [p.id, p]));
  const placed = effects.pins.flatMap((p) =>
    pinned.has(p.id) ? [{ position: p.position, hit: pinned.get(p.id)! }] : [],
  );
  const cats =
    (prod.aggregations?.categories as { buckets: { key: string; doc_count: number }[] } | undefined)?.buckets ?? [];
  return {
    categories: cats.map((b) => ({ path: b.key, name: b.key.split(' > ').at(-1)!, count: b.doc_count })),
    products: placePins(productsOf(prod), placed, 1, o.size),
  };
}

type Outcome = 'cached' | 'fetched' | 'late' | 'shed' | 'failed';

export function productSuggestions(d: AnswerDeps, o: ProductSuggestionOptions): ProductSuggestions {
  const cache =
    o.cacheBytes > 0
      ? memoryCache<{ part: ProductPart; length: number }>({
          maxBytes: o.cacheBytes,
          ttlMs: o.ttlMs,
          sizeOf: (e) => parsedBytes(e.length),
        })
      : undefined;
  const inflight = new Map<string, Promise<ProductPart>>();
  const outcomes = new Counter({
    name: 'shop_suggest_products_total',
    help: 'Product parts of autocomplete answers by outcome: cached, fetched, late (past the wait), shed (too many lookups running, or the event loop lagging), failed',
    labelNames: ['outcome'],
    registers: [o.registry],
  });

  const find = async (q: string): Promise<[Outcome, ProductLookup | undefined]> => {
    const rules = await rulesFor(d, { q });
    const version = await d.live.get();
    const key = `${version}\u0000${rules.key}\u0000${typedPrefix(q)}`;
    const hit = cache?.get(key);
    if (hit) return ['cached', { part: hit.part, version, cached: true }];
    let pending = inflight.get(key);
    if (!pending) {
      if (inflight.size >= o.maxInFlight || eventLoopLagMs() > o.waitMs) return ['shed', undefined];
      pending = fetchProducts(o, q, rules.effects);
      inflight.set(key, pending);
      pending.then(
        (part) => cache?.set(key, { part, length: JSON.stringify(part).length }),
        () => {},
      );
      void pending.finally(() => inflight.delete(key)).catch(() => {});
    }
    return ['fetched', { part: await pending, version, cached: false }];
  };

  return {
    async lookup(q) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<['late', undefined]>((resolve) => {
        timer = setTimeout(() => resolve(['late', undefined]), o.waitMs);
      });
      const [outcome, found] = await Promise.race([
        find(q).catch((): ['failed', undefined] => ['failed', undefined]),
        late,
      ]);
      clearTimeout(timer);
      outcomes.inc({ outcome });
      return found;
    },
  };
}
