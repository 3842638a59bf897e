// Who is searching, from the request: the verified customer and the products they just viewed.
import type { Shopper } from '../search/personalized-answer.ts';
import type { Customers } from './customers.ts';

export const shopperOf = (q: { customer?: string; recent?: string }, customers: Customers): Shopper => {
  const customer = customers.customerOf(q.customer);
  return {
    ...(customer ? { customer } : {}),
    recent: (q.recent ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  };
};
