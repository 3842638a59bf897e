// Items that appear in enough baskets to learn from, numbered densely for the models.
import type { Basket } from '../interactions/interaction.ts';

export interface Vocabulary {
  items: string[];
  index: Map<string, number>;
  /** Baskets each item appears in. */
  counts: Int32Array;
  /** Baskets with at least two known items, as item numbers. */
  baskets: Int32Array[];
}

export function buildVocabulary(baskets: readonly Basket[], minCount: number): Vocabulary {
  const seen = new Map<string, number>();
  for (const b of baskets) for (const item of b.items) seen.set(item, (seen.get(item) ?? 0) + 1);
  const items = [...seen]
    .filter(([, n]) => n >= minCount)
    .map(([item]) => item)
    .sort();
  const index = new Map(items.map((item, i) => [item, i]));
  const counts = Int32Array.from(items, (item) => seen.get(item)!);
  const numbered = baskets
    .map((b) =>
      Int32Array.from(
        b.items.filter((i) => index.has(i)),
        (i) => index.get(i)!,
      ),
    )
    .filter((b) => b.length >= 2);
  return { items, index, counts, baskets: numbered };
}
