// The shared (cached) answer, personalized for the customer after the cache: only page 1 in the
// merchandised order, and only when the recommender knows something about them.
import type { RankingProfile } from '../../ranking/profile.ts';
import { personalize } from '../../ranking/personalize.ts';
import type { HistorySimilarity } from '../../recommender/serve/history-similarity.ts';
import type { SearchParams } from './params.ts';
import { rulesOrder } from './request.ts';
import type { SearchResult } from './search-service.ts';

/** Who is searching: a customer id and/or the product ids they just viewed, most recent first. */
export interface Shopper {
  customer?: string;
  recent: readonly string[];
  /** The browsing session: what experiments assign a variant by. */
  session?: string;
}

export async function personalizedAnswer<T extends SearchResult>(
  similarity: HistorySimilarity | undefined,
  profile: RankingProfile | undefined,
  result: T,
  p: SearchParams,
  who: Shopper,
): Promise<T & { personalized?: number }> {
  const eligible = p.page === 1 && !p.cursor && rulesOrder(p) && !result.redirect;
  if (!similarity || !profile || (!who.customer && who.recent.length === 0) || !eligible) return result;
  const close = await similarity(
    who.customer,
    who.recent.slice(0, 50),
    result.hits.slice(0, profile.personal.depth).map((h) => h.id),
  );
  if (!close) return result;
  const { hits, moved } = personalize(result.hits, close, profile.personal);
  return { ...result, hits, personalized: moved };
}
