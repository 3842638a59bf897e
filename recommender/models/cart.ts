// "Frequently bought together" for a whole cart: every cart item's bought-together and similar
// lists, blended, without what is already in the cart.
import { blend } from './blend.ts';
import type { Scored } from './ranked-list.ts';

export interface CartWeights {
  together: number;
  similar: number;
}

export type ListLookup = (item: string) => readonly Scored[] | undefined;

export function completeCart(
  cart: readonly string[],
  together: ListLookup,
  similar: ListLookup,
  w: CartWeights,
  k: number,
): Scored[] {
  const lists = cart.flatMap((item) => [
    { list: together(item) ?? [], weight: w.together },
    { list: similar(item) ?? [], weight: w.similar },
  ]);
  return blend(lists, k, new Set(cart));
}
