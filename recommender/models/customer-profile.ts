// A customer's most recent distinct items, published for the rails' item-based fallback ("from
// your recent items") and for personalizing search; and the item embeddings' table shape.
// Kept in a list table of item numbers, not a Map per customer, so hundreds of thousands of
// customers fit.
import { compactBaskets, customerBaskets, type Baskets } from '../interactions/basket-log.ts';
import type { Basket } from '../interactions/interaction.ts';
import { idsOnly, ListTable } from './list-table.ts';

/** Customer → their most recent distinct items (at most `count`), most recent first. */
export function recentItems(baskets: Baskets | readonly Basket[], count: number): ReadonlyMap<string, string[]> {
  const b = Array.isArray(baskets) ? compactBaskets(baskets as readonly Basket[]) : (baskets as Baskets);
  const byCustomer = customerBaskets(b);
  const out = new ListTable(b.users, b.items, count);
  const seen = new Int32Array(b.items.length).fill(-1);
  const ids: number[] = [];
  for (let u = 0; u < b.users.length; u++) {
    ids.length = 0;
    // Newest basket first, so an item's first sighting is its most recent.
    for (let p = byCustomer.offsets[u + 1]! - 1; p >= byCustomer.offsets[u]! && ids.length < count; p--) {
      const k = byCustomer.baskets[p]!;
      for (let m = b.offsets[k]!; m < b.offsets[k + 1]! && ids.length < count; m++) {
        const item = b.members[m]!;
        if (seen[item] === u) continue;
        seen[item] = u;
        ids.push(item);
      }
    }
    out.setRow(
      u,
      ids,
      ids.map((_, i) => ids.length - i),
    );
  }
  return idsOnly(out);
}

export interface EmbeddingTable {
  items: string[];
  index: Map<string, number>;
  dimensions: number;
  vectors: Float32Array;
}
