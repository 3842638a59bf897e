// Who is searching, from the request: a customer id and the products they just viewed.
import type { Shopper } from '../search/personalized-answer.ts';

export const shopperOf = (q: { customer?: string; recent?: string }): Shopper => ({
  ...(q.customer ? { customer: q.customer } : {}),
  recent: (q.recent ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
});
