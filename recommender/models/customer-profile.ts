// A customer's most recent distinct items, published for the rails' item-based fallback ("from
// your recent items") and for personalizing search; and the item embeddings' table shape.
import type { Basket } from '../interactions/interaction.ts';

/** Customer → their most recent distinct items (at most `recentItems`), most recent first. */
export function recentItems(baskets: readonly Basket[], recentItems: number): Map<string, string[]> {
  // Baskets come oldest first, so the last sighting of an item is its most recent.
  const lastSeen = new Map<string, Map<string, number>>();
  baskets.forEach((b, order) => {
    if (b.user === undefined) return;
    let m = lastSeen.get(b.user);
    if (!m) lastSeen.set(b.user, (m = new Map()));
    for (const item of b.items) m.set(item, order);
  });
  return new Map(
    [...lastSeen].map(([user, m]) => [
      user,
      [...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, recentItems)
        .map(([item]) => item),
    ]),
  );
}

export interface EmbeddingTable {
  items: string[];
  index: Map<string, number>;
  dimensions: number;
  vectors: Float32Array;
}
