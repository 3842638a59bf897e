// The relevance part of a search: the user's words matched across title, brand, category and
// description, exact matches above fuzzy ones, phrase and exact-title bonuses, and business signals
// added with saturating rank_feature functions so they reorder close calls but cannot lift an
// irrelevant product above relevant ones. User text only ever goes into match-type queries, never
// into query_string, so it is never parsed as query syntax.
import type { LearnedQuery } from '../../ranking/learn/learned.ts';
import type { RankingProfile } from '../../ranking/profile.ts';
import { categoryClause, FIELDS, idsClause, inStockClause, type Query } from '../../mappings/clauses.ts';
import { fuzzyAllowed } from './text-limits.ts';

export interface TextQueryOptions {
  /** "and": every term must match; "or" with a minimum: used when relaxing a zero-result query. */
  minimumShouldMatch?: string;
  /** Typo tolerance beyond the profile's (relaxation's last step). */
  fuzzier?: boolean;
}

const weighted = (fields: Record<string, number>): string[] => Object.entries(fields).map(([f, w]) => `${f}^${w}`);

export function textQuery(q: string, profile: RankingProfile, opts: TextQueryOptions = {}): Query {
  const msm = opts.minimumShouldMatch ?? profile.minimumShouldMatch;
  const operator = msm ? 'or' : 'and';
  const exact: Query = {
    multi_match: {
      query: q,
      fields: weighted(profile.fields),
      type: 'cross_fields',
      operator,
      ...(msm ? { minimum_should_match: msm } : {}),
    },
  };
  const fuzzyWeight = opts.fuzzier ? Math.max(profile.fuzzyWeight, 0.3) : profile.fuzzyWeight;
  const matchers: Query[] = [exact];
  // Typo tolerance only for short queries of short words (text-limits.ts): its cost grows with both.
  if (fuzzyWeight > 0 && fuzzyAllowed(q)) {
    matchers.push({
      multi_match: {
        query: q,
        fields: weighted(profile.fields),
        type: 'best_fields',
        operator,
        fuzziness: opts.fuzzier ? 'AUTO:3,6' : profile.fuzziness,
        prefix_length: opts.fuzzier ? 0 : 1,
        max_expansions: 20,
        boost: fuzzyWeight,
        ...(msm ? { minimum_should_match: msm } : {}),
      },
    });
  }
  const should: Query[] = [];
  if (profile.phrase.boost > 0)
    should.push({
      match_phrase: { [FIELDS.title]: { query: q, slop: profile.phrase.slop, boost: profile.phrase.boost } },
    });
  if (profile.headBoost > 0)
    should.push({
      match: {
        [FIELDS.titleHead]: {
          query: q,
          operator,
          ...(msm ? { minimum_should_match: msm } : {}),
          boost: profile.headBoost,
        },
      },
    });
  if (profile.exactTitleBoost > 0)
    should.push({ match: { [FIELDS.titlePlain]: { query: q, operator: 'and', boost: profile.exactTitleBoost } } });
  should.push(...signalBoosts(profile));
  return {
    bool: {
      // dis_max: a product scores by its best way of matching, so a fuzzy hit never adds to an exact one.
      must: [matchers.length === 1 ? exact : { dis_max: { queries: matchers } }],
      ...(should.length > 0 ? { should } : {}),
    },
  };
}

/** Business signals as bounded additive boosts; also used on browse pages, where there is no text. */
export function signalBoosts(profile: RankingProfile): Query[] {
  const out: Query[] = [];
  if (profile.signals.popularity > 0)
    out.push({ rank_feature: { field: FIELDS.popularitySignal, saturation: {}, boost: profile.signals.popularity } });
  if (profile.signals.rating > 0)
    out.push({
      rank_feature: { field: FIELDS.ratingSignal, saturation: { pivot: 3.5 }, boost: profile.signals.rating },
    });
  if (profile.signals.inStock > 0)
    out.push({ constant_score: { filter: inStockClause(true), boost: profile.signals.inStock } });
  return out;
}

/**
 * The text match widened and reweighted by what shoppers chose for this query: clicked products
 * match even when the words miss them (shoppers' words are not the catalog's), and clicked
 * products and categories gain bounded additive boosts.
 */
export function withLearned(text: Query, learned: LearnedQuery | undefined, profile: RankingProfile): Query {
  if (!learned || (profile.learned.clicks <= 0 && profile.learned.intent <= 0)) return text;
  const clicked = learned.products.map(([id]) => id);
  const should: Query[] = [
    ...(profile.learned.clicks > 0
      ? learned.products.map(([id, share]) => ({
          constant_score: { filter: idsClause([id]), boost: share * profile.learned.clicks },
        }))
      : []),
    ...(profile.learned.intent > 0
      ? learned.categories.map(([path, share]) => ({
          constant_score: { filter: categoryClause(path), boost: share * profile.learned.intent },
        }))
      : []),
  ];
  const retrieve =
    clicked.length > 0 && profile.learned.clicks > 0
      ? [{ constant_score: { filter: idsClause(clicked), boost: 0 } }]
      : [];
  return {
    bool: {
      must: [retrieve.length ? { bool: { should: [text, ...retrieve], minimum_should_match: 1 } } : text],
      should,
    },
  };
}
