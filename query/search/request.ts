// Turns SearchParams into one Elasticsearch search body: text relevance from the ranking profile,
// base filters in the query, facet selections in post_filter, facet aggregations, sort, page.
import type { estypes } from '@elastic/elasticsearch';
import type { RankingProfile } from '../../ranking/profile.ts';
import { noEffects, type RuleEffects } from '../../ranking/rules/compose.ts';
import { ruleFilters, weighted } from './rule-clauses.ts';
import type { LearnedQuery } from '../../ranking/learn/learned.ts';
import { signalBoosts, textQuery, withLearned, type TextQueryOptions } from './text-query.ts';
import { facetAggregations } from './facets.ts';
import { buildFilters, facetFiltersExcept } from './filters.ts';
import type { SearchParams } from './params.ts';
import { sortFor } from './sort.ts';
import { notIds } from '../../mappings/clauses.ts';

export const HIT_FIELDS = [
  'id',
  'title',
  'brand',
  'price',
  'list_price',
  'currency',
  'rating',
  'rating_count',
  'in_stock',
  'categories',
  'category_leaf',
  'discount_pct',
  'popularity',
];

export interface BuildOptions {
  profile: RankingProfile;
  /** The category is the page itself (browse), not a shopper's facet selection. */
  categoryIsFixed: boolean;
  text?: TextQueryOptions;
  /** Facets are not needed (relaxation probes, deep pages fetched by cursor keep them). */
  withFacets?: boolean;
  /** Merchandiser rules that apply to this request. */
  effects?: RuleEffects;
  /** Pinned products, placed by the caller: left out of this list. */
  pinned?: readonly string[];
  /** What shoppers chose for this query before. */
  learned?: LearnedQuery;
  /** Where the previous page ended (the verified cursor of `p.cursor`). */
  after?: estypes.FieldValue[];
}

/** The shopper's words, or any of a rule's expansions of them: a product scores by its best match. */
function textRelevance(q: string, o: BuildOptions): estypes.QueryDslQueryContainer {
  const alternatives = o.effects?.expansions ?? [];
  const text =
    alternatives.length === 0
      ? textQuery(q, o.profile, o.text)
      : { dis_max: { queries: [q, ...alternatives].map((t) => textQuery(t, o.profile, o.text)) } };
  return withLearned(text, o.learned, o.profile);
}

/** Boosts, buries and pins order by relevance (or popularity on category pages); a shopper's own sort wins. */
export const rulesOrder = (p: SearchParams): boolean => p.sort === 'relevance' || p.sort === 'popularity';

export function buildSearchBody(p: SearchParams, o: BuildOptions): estypes.SearchRequest {
  const filters = buildFilters(p, o.categoryIsFixed);
  const effects = o.effects ?? noEffects;
  const rules = ruleFilters(effects);
  // Without text every product matches and the signals only order them: a bool of should clauses
  // alone would require one to match, dropping products that have no rating or stock data.
  const text: estypes.QueryDslQueryContainer = p.q
    ? textRelevance(p.q, o)
    : { bool: { must: [{ match_all: {} }], should: signalBoosts(o.profile) } };
  const relevance = p.sort === 'relevance' ? weighted(text, effects) : text;
  const base = [...filters.base, ...rules.filter];
  const query: estypes.QueryDslQueryContainer = {
    bool: {
      must: [relevance],
      ...(base.length ? { filter: base } : {}),
      ...(rules.mustNot.length ? { must_not: rules.mustNot } : {}),
    },
  };
  // Pinned products leave the list but still count in the facets.
  const postFilter = [...facetFiltersExcept(filters), ...(o.pinned?.length ? [notIds(o.pinned)] : [])];
  const after = p.cursor ? o.after : undefined;
  return {
    query,
    ...(postFilter.length ? { post_filter: { bool: { filter: postFilter } } } : {}),
    ...(o.withFacets === false ? {} : { aggs: facetAggregations(p, filters) }),
    sort: sortFor(p.sort, p.q !== undefined),
    size: p.size,
    ...(after ? { search_after: after } : { from: (p.page - 1) * p.size }),
    track_total_hits: true,
    _source: HIT_FIELDS,
    ...(p.q
      ? {
          highlight: {
            encoder: 'html', // highlighted text is HTML-escaped; only <mark> is markup
            pre_tags: ['<mark>'],
            post_tags: ['</mark>'],
            fields: { title: { number_of_fragments: 0 }, description: { fragment_size: 160, number_of_fragments: 1 } },
          },
        }
      : {}),
  };
}
