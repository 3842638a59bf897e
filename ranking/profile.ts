// A ranking profile: how text relevance and business signals are weighed. Profiles are data, named
// and versioned, so experiments can pick one per request (`profile=`) and evaluations compare them.
export interface RankingProfile {
  name: string;
  version: number;
  /** Field boosts of the text match. */
  fields: Record<string, number>;
  /** Extra weight when the whole query appears as a phrase in the title (with this slop). */
  phrase: { boost: number; slop: number };
  /** Extra weight when the query matches what the product is (its title before "for …"), not what it fits. */
  headBoost: number;
  /** Extra weight for unstemmed (exact word form) title matches. */
  exactTitleBoost: number;
  /** How many of the query's words a product must match (Elasticsearch minimum_should_match); absent: all. */
  minimumShouldMatch?: string;
  /** Fuzzy matches count this much of an exact one; 0 turns typo tolerance off. */
  fuzzyWeight: number;
  /** Typos allowed by term length, as Elasticsearch's AUTO:low,high. */
  fuzziness: string;
  /** Business signals: saturating rank_feature boosts added to the text score, so they stay bounded. */
  signals: { popularity: number; rating: number; inStock: number };
  /**
   * Learned from clicks (ranking/learn): a clicked product gains `clicks` × its share of the
   * query's clicks, a product in a clicked category `intent` × that category's share. Bounded by
   * the weights, since shares are at most 1.
   */
  learned: { clicks: number; intent: number };
  /** Re-ranking by a customer's recent items (ranking/personalize.ts). */
  personal: { maxShift: number; depth: number };
}

export const defaultProfile: RankingProfile = {
  name: 'default',
  version: 2,
  fields: { title: 3, brand: 2, category_text: 1.5, description: 0.3 },
  phrase: { boost: 2, slop: 1 },
  // A query of three or more words may miss one: long queries often carry a word no product has.
  minimumShouldMatch: '2<-1',
  headBoost: 1,
  exactTitleBoost: 1,
  fuzzyWeight: 0.4,
  fuzziness: 'AUTO:4,8',
  signals: { popularity: 0.6, rating: 0.4, inStock: 0.5 },
  learned: { clicks: 100, intent: 2 },
  personal: { maxShift: 3, depth: 24 },
};

/**
 * Plain BM25: the words over the same fields, unweighted, and nothing else (no phrase or title
 * bonuses, typos, business or learned signals, personalization): the known-worse ranking experiments
 * and the experiments benchmark compare the default against.
 */
export const plainProfile: RankingProfile = {
  name: 'plain',
  version: 1,
  fields: { title: 1, brand: 1, category_text: 1, description: 1 },
  phrase: { boost: 0, slop: 0 },
  minimumShouldMatch: '2<-1',
  headBoost: 0,
  exactTitleBoost: 0,
  fuzzyWeight: 0,
  fuzziness: 'AUTO',
  signals: { popularity: 0, rating: 0, inStock: 0 },
  learned: { clicks: 0, intent: 0 },
  personal: { maxShift: 0, depth: 0 },
};

export const profiles: Record<string, RankingProfile> = { default: defaultProfile, plain: plainProfile };

/** The profile of that name: an own entry only, so "__proto__" or "toString" name no profile. */
export const profileNamed = (all: Record<string, RankingProfile>, name: string): RankingProfile | undefined =>
  Object.hasOwn(all, name) ? all[name] : undefined;
