// Who is searching, from the request: a customer id, the products they just viewed, the session.
import type { Shopper } from '../search/personalized-answer.ts';

export const shopperOf = (q: { customer?: string; recent?: string; session?: string }): Shopper => ({
  ...(q.customer ? { customer: q.customer } : {}),
  ...(q.session ? { session: q.session } : {}),
  recent: (q.recent ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
});
