// The shared (cached) answer, personalized for the customer after the cache: only page 1 in the
// merchandised order, and only when the recommender knows something about them.
import { personalize } from '../../ranking/personalize.ts';
import type { QueryDeps } from '../listing.ts';
import type { SearchParams } from './params.ts';
import { rulesOrder } from './request.ts';
import type { SearchResult } from './search-service.ts';

export interface Shopper {
  customer?: string;
  /** Comma-separated product ids, most recent first. */
  recent?: string;
}

export async function personalizedAnswer<T extends SearchResult>(
  deps: QueryDeps,
  result: T,
  p: SearchParams,
  who: Shopper,
): Promise<T & { personalized?: number }> {
  const profile = deps.search.profiles[p.profile];
  if (
    !deps.personal ||
    !profile ||
    (!who.customer && !who.recent) ||
    p.page !== 1 ||
    p.cursor ||
    !rulesOrder(p) ||
    result.redirect
  )
    return result;
  const recent = (who.recent ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .slice(0, 50);
  const similarity = await deps.personal(
    who.customer,
    recent,
    result.hits.slice(0, profile.personal.depth).map((h) => h.id),
  );
  if (!similarity) return result;
  const { hits, moved } = personalize(result.hits, similarity, profile.personal);
  return { ...result, hits, personalized: moved };
}
