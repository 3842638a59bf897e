// Who is searching, from the request: the verified customer, the products they just viewed, the session.
import type { Shopper } from '../search/personalized-answer.ts';
import type { Customers } from './customers.ts';

export const shopperOf = (
  q: { customer?: string; recent?: string; session?: string },
  customers: Customers,
): Shopper => {
  const customer = customers.customerOf(q.customer);
  return {
    ...(customer ? { customer } : {}),
    ...(q.session ? { session: q.session } : {}),
    recent: (q.recent ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  };
};
