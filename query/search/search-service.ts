// Runs a search or category page end to end: the request body, the Elasticsearch call within the
// request's time budget, relaxation when nothing matched, the spelling suggestion, the response.
import type { estypes } from '@elastic/elasticsearch';
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import { BadRequestError } from '../../common/errors.ts';
import type { ProductDocument } from '../../mappings/product-document.ts';
import { explainScore, type ScoreExplanation } from './explain.ts';
import type { LearnedQuery } from '../../ranking/learn/learned.ts';
import { profileNamed, type RankingProfile } from '../../ranking/profile.ts';
import { noEffects, type RuleEffects } from '../../ranking/rules/compose.ts';
import { ruleFilters } from './rule-clauses.ts';
import { placePins, pinWindow } from '../../ranking/rules/pins.ts';
import type { TextQueryOptions } from './text-query.ts';
import { fuzzyAllowed, MAX_FUZZIER_WORDS, MAX_RELAXED_WORDS } from './text-limits.ts';
import { parseFacets, type Facets } from './facets.ts';
import { buildFilters, facetFiltersExcept } from './filters.ts';
import { listFingerprint, type SearchParams } from './params.ts';
import { buildSearchBody, HIT_FIELDS, rulesOrder, type BuildOptions } from './request.ts';
import { decodeCursor, encodeCursor } from './sort.ts';
import type { Vocabulary } from './spelling.ts';
import { idsClause } from '../../mappings/clauses.ts';

/** A result as the list shows it: the indexed product's display fields, plus highlights. */
export type Hit = Pick<
  ProductDocument,
  | 'id'
  | 'title'
  | 'brand'
  | 'price'
  | 'list_price'
  | 'discount_pct'
  | 'currency'
  | 'rating'
  | 'rating_count'
  | 'in_stock'
> & {
  categories?: string[];
  category?: string;
  highlight?: { title?: string; description?: string };
  /** Placed here by a merchandiser rule. */
  pinned?: true;
  /** With explain=true (admin): where the score came from, and the position without any rule. */
  explain?: ScoreExplanation & { position_without_rules?: number | null };
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
  /** A rule sends this query to a page instead of results. */
  redirect?: string;
  /** A rule replaced the shopper's query with this one. */
  rewritten_query?: string;
}

export interface SearchContext {
  es: EsClient;
  alias: string;
  profiles: Record<string, RankingProfile>;
  vocabulary?: () => Vocabulary | undefined;
  /** What shoppers chose for a query before (learned from clicks), when known. */
  learned?: (q: string) => Promise<LearnedQuery | undefined>;
  /** Elasticsearch gets this long, then the request fails fast (or answers from a stale cache). */
  budgetMs: number;
  /** Signs and checks paging cursors. */
  cursorKey: string;
}

/** Relaxation steps are taken only while this much of the request's budget is left. */
const MIN_STEP_MS = 100;

/**
 * One Elasticsearch search within what is left of the request's budget (the whole budget when no
 * deadline is given): Elasticsearch stops collecting at `timeout`, the client gives up a little later.
 */
async function execute(ctx: SearchContext, body: estypes.SearchRequest, deadline?: number) {
  const ms = Math.max(MIN_STEP_MS, Math.round(deadline === undefined ? ctx.budgetMs : deadline - performance.now()));
  return ctx.es.search<Record<string, unknown>>(
    { index: ctx.alias, ...body, timeout: `${ms}ms` },
    { requestTimeout: ms + 200, maxRetries: 0 },
  );
}

function toHit(h: estypes.SearchHit<Record<string, unknown>>): Hit {
  const s = h._source ?? {};
  const hl = h.highlight;
  return {
    ...(s as Omit<Hit, 'category' | 'highlight'>),
    id: h._id!,
    category: s.category_leaf as string | undefined,
    ...(hl
      ? {
          highlight: {
            ...(hl.title ? { title: hl.title[0] } : {}),
            ...(hl.description ? { description: hl.description[0] } : {}),
          },
        }
      : {}),
  };
}

/** matched_queries is a list of names (or names with scores in newer Elasticsearch versions). */
const namedMatches = (m: string[] | Record<string, number> | undefined): string[] =>
  Array.isArray(m) ? m : Object.keys(m ?? {});

/** How many products match the query without each of its terms, under the same filters (one request). */
async function countsWithoutEachTerm(
  ctx: SearchContext,
  p: SearchParams,
  o: BuildOptions,
  terms: string[],
  deadline: number,
): Promise<number[]> {
  const f = buildFilters(p, o.categoryIsFixed);
  const rules = ruleFilters(o.effects ?? noEffects);
  const fields = Object.entries(o.profile.fields).map(([k, w]) => `${k}^${w}`);
  const without = (i: number) => terms.filter((_, j) => j !== i).join(' ');
  const res = await execute(
    ctx,
    {
      size: 0,
      query: { bool: { filter: [...f.base, ...rules.filter, ...facetFiltersExcept(f)], must_not: rules.mustNot } },
      aggs: {
        subsets: {
          filters: {
            filters: Object.fromEntries(
              terms.map((_, i) => [
                `t${i}`,
                { multi_match: { query: without(i), fields, type: 'cross_fields', operator: 'and' } },
              ]),
            ),
          },
        },
      },
    },
    deadline,
  );
  const b =
    (res.aggregations?.subsets as { buckets: Record<string, { doc_count: number }> } | undefined)?.buckets ?? {};
  return terms.map((_, i) => b[`t${i}`]?.doc_count ?? 0);
}

/** The pinned products that pass the request's filters and the rules' filters, by id. */
async function eligiblePins(
  ctx: SearchContext,
  p: SearchParams,
  o: BuildOptions,
  ids: string[],
): Promise<Map<string, Hit>> {
  const f = buildFilters(p, o.categoryIsFixed);
  const rules = ruleFilters(o.effects ?? noEffects);
  const res = await execute(ctx, {
    size: ids.length,
    query: {
      bool: {
        filter: [idsClause(ids), ...f.base, ...rules.filter, ...facetFiltersExcept(f)],
        must_not: rules.mustNot,
      },
    },
    _source: HIT_FIELDS,
  });
  return new Map(res.hits.hits.map((h) => [h._id!, { ...toHit(h), pinned: true as const }]));
}

export async function runSearch(
  ctx: SearchContext,
  shopper: SearchParams,
  categoryIsFixed: boolean,
  effects: RuleEffects = noEffects,
  explain = false,
): Promise<SearchResult> {
  const profile = profileNamed(ctx.profiles, shopper.profile);
  if (!profile) throw new BadRequestError(`unknown ranking profile "${shopper.profile}"`, 'profile');
  const started = performance.now();
  if (effects.redirect) {
    return {
      ...(shopper.q ? { query: shopper.q } : {}),
      total: 0,
      took: 0,
      page: shopper.page,
      size: shopper.size,
      hits: [],
      facets: {},
      profile: profile.name,
      redirect: effects.redirect.url,
    };
  }
  const p = effects.rewrite && shopper.q ? { ...shopper, q: effects.rewrite.query } : shopper;
  // Pins go on page-numbered lists in the merchandised order; cursor pages continue the list
  // without them, so a pinned product never shows twice.
  const pinIds = rulesOrder(p) ? effects.pins.map((x) => x.id) : [];
  const learned = p.q ? await ctx.learned?.(p.q) : undefined;
  const o: BuildOptions = {
    profile,
    categoryIsFixed,
    effects,
    pinned: pinIds,
    ...(learned ? { learned } : {}),
    ...(p.cursor ? { after: decodeCursor(p.cursor, listFingerprint(p), ctx.cursorKey) } : {}),
  };
  const pins = pinIds.length > 0 && !p.cursor ? await eligiblePins(ctx, p, o, pinIds) : new Map<string, Hit>();
  const placed = effects.pins.filter((x) => pins.has(x.id));
  const window = pinWindow(placed, p.page, p.size);
  // Every step after the first shares what is left of the request's budget.
  const deadline = started + ctx.budgetMs;
  const timeLeft = () => deadline - performance.now() >= MIN_STEP_MS;
  const run = (params: SearchParams, text?: TextQueryOptions, until?: number) =>
    execute(
      ctx,
      {
        ...buildSearchBody(params, { ...o, text }),
        ...(p.cursor ? {} : { from: window.from, size: window.size }),
        ...(explain ? { explain: true } : {}),
      },
      until,
    );

  let res = await run(p);
  let relaxed: Relaxation | undefined;
  const total = (r: typeof res) => (r.hits.total as estypes.SearchTotalHits).value;
  // Zero results are never the end: drop the least important term, the one whose absence brings
  // back the most products (a misspelled or over-specific word), then allow more typos. Only for
  // the first page of a text query, only while the request's budget lasts, and typos only for
  // words short enough for typo tolerance.
  if (total(res) === 0 && p.q && !p.cursor && p.page === 1) {
    const terms = p.q.split(' ');
    let query = p.q;
    let dropped: string[] = [];
    if (terms.length >= 2 && terms.length <= MAX_RELAXED_WORDS && timeLeft()) {
      const counts = await countsWithoutEachTerm(ctx, p, o, terms, deadline);
      const best = counts.indexOf(Math.max(...counts));
      if (counts[best]! > 0 && timeLeft()) {
        dropped = [terms[best]!];
        query = terms.filter((_, i) => i !== best).join(' ');
        res = await run({ ...p, q: query }, undefined, deadline);
        relaxed = { query, dropped_terms: dropped, fuzzy: false };
      }
    }
    if (total(res) === 0 && fuzzyAllowed(query, MAX_FUZZIER_WORDS) && timeLeft()) {
      res = await run(
        { ...p, q: query },
        { fuzzier: true, ...(query.includes(' ') ? { minimumShouldMatch: '-1' } : {}) },
        deadline,
      );
      relaxed = { query, dropped_terms: dropped, fuzzy: true };
    }
  }

  const organic = res.hits.hits.map((h) => ({
    ...toHit(h),
    ...(h._explanation ? { explain: explainScore(h._explanation, namedMatches(h.matched_queries), effects) } : {}),
  }));
  const hits = p.cursor
    ? organic
    : placePins(
        organic,
        placed.map((x) => ({ position: x.position, hit: pins.get(x.id)! })),
        p.page,
        p.size,
      );
  const last = res.hits.hits.at(-1);
  const result: SearchResult = {
    ...(shopper.q ? { query: shopper.q } : {}),
    ...(p.q !== shopper.q ? { rewritten_query: p.q } : {}),
    total: total(res) + placed.length,
    took: Math.round(performance.now() - started),
    page: p.cursor ? 0 : p.page,
    size: p.size,
    hits,
    facets: parseFacets(p, res.aggregations as Record<string, unknown> | undefined),
    profile: profile.name,
  };
  // A relaxed answer is for another query: pages beyond it are asked for with `relaxed.query`.
  if (organic.length === (p.cursor ? p.size : window.size) && last?.sort && !relaxed)
    result.next_cursor = encodeCursor(last.sort, listFingerprint(p), ctx.cursorKey);
  if (relaxed) result.relaxed = relaxed;
  if (res.timed_out) result.partial = true;
  if (p.q) {
    const suggestion = ctx.vocabulary?.()?.suggest(p.q);
    if (suggestion && suggestion !== p.q.toLowerCase()) result.did_you_mean = suggestion;
  }
  return result;
}

/** The page with each hit's score explained and its position had no rule applied (admin debugging; never cached). */
export async function explained(
  ctx: SearchContext,
  p: SearchParams,
  categoryIsFixed: boolean,
  effects: RuleEffects,
): Promise<SearchResult> {
  const [ruled, plain] = await Promise.all([
    runSearch(ctx, p, categoryIsFixed, effects, true),
    runSearch(ctx, { ...p, page: 1, size: Math.min(100, p.page * p.size + effects.pins.length) }, categoryIsFixed),
  ]);
  const before = new Map(plain.hits.map((h, i) => [h.id, i + 1]));
  return {
    ...ruled,
    hits: ruled.hits.map((h) => ({
      ...h,
      explain: {
        ...(h.explain ?? { score: 0, text: 0, signals: {}, rules: [] }),
        position_without_rules: before.get(h.id) ?? null,
      },
    })),
  };
}
