// Turns SearchParams into one Elasticsearch search body: text relevance from the ranking profile,
// base filters in the query, facet selections in post_filter, facet aggregations, sort, page.
import type { estypes } from '@elastic/elasticsearch';
import type { RankingProfile } from '../../ranking/profile.ts';
import { signalBoosts, textQuery, type TextQueryOptions } from '../../ranking/text-query.ts';
import { facetAggregations } from './facets.ts';
import { buildFilters, facetFiltersExcept } from './filters.ts';
import { listFingerprint, type SearchParams } from './params.ts';
import { decodeCursor, sortFor } from './sort.ts';

export const HIT_FIELDS = ['id', 'title', 'brand', 'price', 'list_price', 'currency', 'rating', 'rating_count', 'in_stock', 'categories', 'category_leaf', 'discount_pct', 'popularity'];

export interface BuildOptions {
  profile: RankingProfile;
  /** The category is the page itself (browse), not a shopper's facet selection. */
  categoryIsFixed: boolean;
  text?: TextQueryOptions;
  /** Facets are not needed (relaxation probes, deep pages fetched by cursor keep them). */
  withFacets?: boolean;
}

export function buildSearchBody(p: SearchParams, o: BuildOptions): estypes.SearchRequest {
  const filters = buildFilters(p, o.categoryIsFixed);
  // Without text every product matches and the signals only order them: a bool of should clauses
  // alone would require one to match, dropping products that have no rating or stock data.
  const relevance: estypes.QueryDslQueryContainer = p.q ? textQuery(p.q, o.profile, o.text) : { bool: { must: [{ match_all: {} }], should: signalBoosts(o.profile) } };
  const query: estypes.QueryDslQueryContainer = { bool: { must: [relevance], ...(filters.base.length ? { filter: filters.base } : {}) } };
  const postFilter = facetFiltersExcept(filters);
  const after = p.cursor ? decodeCursor(p.cursor, listFingerprint(p)) : undefined;
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
