// Runs a search or category page end to end: the request body, the Elasticsearch call within the
// request's time budget, relaxation when nothing matched, the spelling suggestion, the response.
import type { estypes } from '@elastic/elasticsearch';
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import { BadRequestError } from '../../common/errors.ts';
import type { ProductDocument } from '../../mappings/product-document.ts';
import type { RankingProfile } from '../../ranking/profile.ts';
import type { TextQueryOptions } from '../../ranking/text-query.ts';
import { parseFacets, type Facets } from './facets.ts';
import { buildFilters, facetFiltersExcept } from './filters.ts';
import { listFingerprint, type SearchParams } from './params.ts';
import { buildSearchBody, type BuildOptions } from './request.ts';
import { encodeCursor } from './sort.ts';
import type { Vocabulary } from './spelling.ts';

/** A result as the list shows it: the indexed product's display fields, plus highlights. */
export type Hit = Pick<ProductDocument, 'id' | 'title' | 'brand' | 'price' | 'list_price' | 'discount_pct' | 'currency' | 'rating' | 'rating_count' | 'in_stock'> & {
  categories?: string[];
  category?: string;
  highlight?: { title?: string; description?: string };
};

export interface Relaxation {
  /** The query the results are for. */
  query: string;
  dropped_terms: string[];
  fuzzy: boolean;
}

export interface SearchResult {
  query?: string;
  total: number;
  took: number;
  page: number;
  size: number;
  hits: Hit[];
  facets: Facets;
  next_cursor?: string;
  relaxed?: Relaxation;
  did_you_mean?: string;
  partial?: boolean;
  profile: string;
}

export interface SearchContext {
  es: EsClient;
  alias: string;
  profiles: Record<string, RankingProfile>;
  vocabulary?: () => Vocabulary | undefined;
  /** Elasticsearch gets this long, then the request fails fast (or answers from a stale cache). */
  budgetMs: number;
}

async function execute(ctx: SearchContext, body: estypes.SearchRequest) {
  return ctx.es.search<Record<string, unknown>>(
    { index: ctx.alias, ...body, timeout: `${ctx.budgetMs}ms` },
    { requestTimeout: ctx.budgetMs + 200, maxRetries: 0 },
  );
}

function toHit(h: estypes.SearchHit<Record<string, unknown>>): Hit {
  const s = h._source ?? {};
  const hl = h.highlight;
  return {
    ...(s as Omit<Hit, 'category' | 'highlight'>),
    id: h._id!,
    category: s.category_leaf as string | undefined,
    ...(hl ? { highlight: { ...(hl.title ? { title: hl.title[0] } : {}), ...(hl.description ? { description: hl.description[0] } : {}) } } : {}),
  };
}

/** How many products match the query without each of its terms, under the same filters (one request). */
async function countsWithoutEachTerm(ctx: SearchContext, p: SearchParams, o: BuildOptions, terms: string[]): Promise<number[]> {
  const f = buildFilters(p, o.categoryIsFixed);
  const fields = Object.entries(o.profile.fields).map(([k, w]) => `${k}^${w}`);
  const without = (i: number) => terms.filter((_, j) => j !== i).join(' ');
  const res = await execute(ctx, {
    size: 0,
    query: { bool: { filter: [...f.base, ...facetFiltersExcept(f)] } },
    aggs: { subsets: { filters: { filters: Object.fromEntries(terms.map((_, i) => [`t${i}`, { multi_match: { query: without(i), fields, type: 'cross_fields', operator: 'and' } }])) } } },
  });
  const b = (res.aggregations?.subsets as { buckets: Record<string, { doc_count: number }> }).buckets;
  return terms.map((_, i) => b[`t${i}`]?.doc_count ?? 0);
}

export async function runSearch(ctx: SearchContext, p: SearchParams, categoryIsFixed: boolean): Promise<SearchResult> {
  const profile = ctx.profiles[p.profile];
  if (!profile) throw new BadRequestError(`unknown ranking profile "${p.profile}"`, 'profile');
  const o: BuildOptions = { profile, categoryIsFixed };
  const started = performance.now();
  const run = (params: SearchParams, text?: TextQueryOptions) => execute(ctx, buildSearchBody(params, { ...o, text }));

  let res = await run(p);
  let relaxed: Relaxation | undefined;
  const total = (r: typeof res) => (r.hits.total as estypes.SearchTotalHits).value;
  // Zero results are never the end: drop the least important term, the one whose absence brings
  // back the most products (a misspelled or over-specific word), then allow more typos. Only for
  // the first page of a text query.
  if (total(res) === 0 && p.q && !p.cursor && p.page === 1) {
    const terms = p.q.split(' ');
    let query = p.q;
    let dropped: string[] = [];
    if (terms.length >= 2) {
      const counts = await countsWithoutEachTerm(ctx, p, o, terms);
      const best = counts.indexOf(Math.max(...counts));
      if (counts[best]! > 0) {
        dropped = [terms[best]!];
        query = terms.filter((_, i) => i !== best).join(' ');
        res = await run({ ...p, q: query });
        relaxed = { query, dropped_terms: dropped, fuzzy: false };
      }
    }
    if (total(res) === 0) {
      res = await run({ ...p, q: query }, { fuzzier: true, ...(query.includes(' ') ? { minimumShouldMatch: '-1' } : {}) });
      relaxed = { query, dropped_terms: dropped, fuzzy: true };
    }
  }

  const hits = res.hits.hits.map(toHit);
  const last = res.hits.hits.at(-1);
  const result: SearchResult = {
    ...(p.q ? { query: p.q } : {}),
    total: total(res),
    took: Math.round(performance.now() - started),
    page: p.cursor ? 0 : p.page,
    size: p.size,
    hits,
    facets: parseFacets(p, res.aggregations as Record<string, unknown> | undefined),
    profile: profile.name,
  };
  // A relaxed answer is for another query: pages beyond it are asked for with `relaxed.query`.
  if (hits.length === p.size && last?.sort && !relaxed) result.next_cursor = encodeCursor(last.sort, listFingerprint(p));
  if (relaxed) result.relaxed = relaxed;
  if (res.timed_out) result.partial = true;
  if (p.q) {
    const suggestion = ctx.vocabulary?.()?.suggest(p.q);
    if (suggestion && suggestion !== p.q.toLowerCase()) result.did_you_mean = suggestion;
  }
  return result;
}
