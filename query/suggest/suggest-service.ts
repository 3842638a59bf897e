// Autocomplete in one round trip (_msearch): query suggestions ranked by popularity with the
// typed words highlighted, the categories where matching products live, and a few top products.
// Matching ignores case and accents, completes the word being typed wherever it is in the phrase,
// and tolerates a typo once a word has four characters. Merchandiser rules for the typed text
// apply to the product suggestions: filters, hidden products, boosts and buries, pins first.
import type { estypes } from '@elastic/elasticsearch';
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import { words } from '../../common/words.ts';
import { noEffects, type RuleEffects } from '../../ranking/rules/compose.ts';
import { ruleFilters, weighted } from '../search/rule-clauses.ts';
import { placePins } from '../../ranking/rules/pins.ts';
import { typedPrefix } from './normalize.ts';
import { suggestAliasOf } from './build/suggest-index.ts';
import { FIELDS, idsClause } from '../../mappings/clauses.ts';
import { fuzzyAllowed } from '../search/text-limits.ts';

export interface SuggestContext {
  es: EsClient;
  alias: string;
  budgetMs: number;
}

export interface QuerySuggestion {
  text: string;
  /** The text, HTML-escaped, with the typed prefixes in <mark>. */
  highlighted: string;
  /** A logged query, a catalog phrase, or one of the shopper's own recent searches. */
  source: 'query' | 'catalog' | 'recent';
}

export interface SuggestResult {
  query: string;
  suggestions: QuerySuggestion[];
  categories: { path: string; name: string; count: number }[];
  products: { id: string; title: string; brand?: string; price?: number; currency?: string }[];
  took: number;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/** Marks, in each word of `text`, the longest typed word it starts with. */
export function highlightPrefixes(text: string, typed: string): string {
  const prefixes = words(typed);
  return text
    .split(/(\s+)/)
    .map((part) => {
      const f = fold(part);
      const hit = prefixes.filter((p) => f.startsWith(p)).sort((a, b) => b.length - a.length)[0];
      if (!hit || /^\s+$/.test(part)) return escapeHtml(part);
      // Folding keeps lengths for Latin text; when it does not, mark the whole word.
      const n = fold(part.slice(0, hit.length)) === hit ? hit.length : part.length;
      return `<mark>${escapeHtml(part.slice(0, n))}</mark>${escapeHtml(part.slice(n))}`;
    })
    .join('');
}

// Text scores would favour short phrases over popular ones, so every way of matching has a fixed
// score, far enough apart that popularity (log10(2 + weight), under 10) only orders within a tier:
// phrases that start as typed first (what the shopper is most likely typing; mixing tiers cost
// MRR in eval suggest), a typed word inside a phrase next, a typo last.
const TIER = { starts: 300, inside: 200, typo: 100 };

function suggestionQuery(q: string, size: number): estypes.MsearchMultisearchBody {
  const typed = q.replace(/\s/g, '').length;
  // One or two characters say too little to look inside phrases: only phrases starting that way.
  const anywhere = typed >= 3;
  const typoTolerant = typed >= 4 && fuzzyAllowed(q);
  const fixed = (query: estypes.QueryDslQueryContainer, boost: number): estypes.QueryDslQueryContainer => ({
    constant_score: { filter: query, boost },
  });
  return {
    size,
    _source: ['text', 'source'],
    query: {
      function_score: {
        query: {
          dis_max: {
            queries: [
              fixed({ prefix: { key: typedPrefix(q) } }, TIER.starts),
              ...(anywhere
                ? [
                    fixed(
                      {
                        multi_match: {
                          query: q,
                          type: 'bool_prefix',
                          fields: ['text', 'text._2gram', 'text._3gram'],
                          operator: 'and',
                        },
                      },
                      TIER.inside,
                    ),
                  ]
                : []),
              ...(typoTolerant
                ? [
                    fixed(
                      { match: { prefix: { query: q, operator: 'and', fuzziness: 1, prefix_length: 1 } } },
                      TIER.typo,
                    ),
                  ]
                : []),
            ],
          },
        },
        functions: [{ field_value_factor: { field: 'weight', modifier: 'log2p', missing: 1 } }],
        boost_mode: 'sum',
      },
    },
    // Equal scores (same tier and weight) in a stable order: alphabetical, a phrase before its longer forms.
    sort: ['_score', { key: 'asc' }],
  };
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
              ...(q.replace(/\s/g, '').length >= 4 && fuzzyAllowed(q) ? { fuzziness: 1, prefix_length: 1 } : {}),
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
type ProductSuggestion = SuggestResult['products'][number];

const productsOf = (r: estypes.MsearchMultiSearchItem<Record<string, unknown>>): ProductSuggestion[] =>
  r.hits.hits.map((h) => ({ ...(h._source as ProductSuggestion), id: h._id! }));

export async function runSuggest(
  ctx: SuggestContext,
  q: string,
  sizes = { suggestions: 8, products: 4 },
  effects: RuleEffects = noEffects,
): Promise<SuggestResult> {
  const started = performance.now();
  const withPins = effects.pins.length > 0;
  // Elasticsearch stops each search at the budget too, not only the client.
  const timeout = `${ctx.budgetMs}ms`;
  const res = await ctx.es.msearch<Record<string, unknown>>(
    {
      searches: [
        { index: suggestAliasOf(ctx.alias), ignore_unavailable: true },
        { ...suggestionQuery(q, sizes.suggestions), timeout },
        { index: ctx.alias },
        { ...productQuery(q, sizes.products, effects), timeout },
        ...(withPins ? [{ index: ctx.alias }, { ...pinQuery(effects), timeout }] : []),
      ],
    },
    { requestTimeout: ctx.budgetMs, maxRetries: 0 },
  );
  const [sugg, prod, pins] = res.responses as SearchAnswer[];
  if (!prod || 'error' in prod)
    throw new Error(`product suggestions failed: ${prod && 'error' in prod ? prod.error.type : 'no answer'}`);
  if (pins && 'error' in pins) throw new Error(`pinned product suggestions failed: ${pins.error.type}`);
  const pinned = new Map((pins ? productsOf(pins) : []).map((p) => [p.id, p]));
  const placed = effects.pins.flatMap((p) =>
    pinned.has(p.id) ? [{ position: p.position, hit: pinned.get(p.id)! }] : [],
  );
  const suggestions =
    sugg && !('error' in sugg)
      ? sugg.hits.hits.map((h) => h._source as { text: string; source: 'query' | 'catalog' })
      : [];
  const cats =
    (prod.aggregations?.categories as { buckets: { key: string; doc_count: number }[] } | undefined)?.buckets ?? [];
  return {
    query: q,
    suggestions: suggestions.map((s) => ({
      text: s.text,
      highlighted: highlightPrefixes(s.text, q),
      source: s.source,
    })),
    categories: cats.map((b) => ({ path: b.key, name: b.key.split(' > ').at(-1)!, count: b.doc_count })),
    products: placePins(productsOf(prod), placed, 1, sizes.products),
    took: Math.round(performance.now() - started),
  };
}
