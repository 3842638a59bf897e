// Cold-start lists: all-time popular and trending (recent baskets weigh more, halving every
// `halfLifeDays`), globally and per category path (every level) when the catalog knows categories.
import type { Basket } from '../interactions/interaction.ts';
import { topK, type Scored } from './ranked-list.ts';

const DAY = 86_400_000;

export interface PopularityLists {
  popular: Scored[];
  trending: Scored[];
  trendingByCategory: Map<string, Scored[]>;
}

export function popularityLists(
  baskets: readonly Basket[],
  now: number,
  halfLifeDays: number,
  categoriesOf: (item: string) => readonly string[],
  k: number,
): PopularityLists {
  const count = new Map<string, number>();
  const recent = new Map<string, number>();
  for (const b of baskets) {
    const weight = 0.5 ** ((now - b.time) / (halfLifeDays * DAY));
    for (const item of b.items) {
      count.set(item, (count.get(item) ?? 0) + 1);
      recent.set(item, (recent.get(item) ?? 0) + weight);
    }
  }
  const byCategory = new Map<string, [string, number][]>();
  for (const [item, score] of recent) {
    for (const category of categoriesOf(item)) {
      let rows = byCategory.get(category);
      if (!rows) byCategory.set(category, (rows = []));
      rows.push([item, score]);
    }
  }
  return {
    popular: topK(count, k),
    trending: topK(recent, k),
    trendingByCategory: new Map([...byCategory].map(([c, rows]) => [c, topK(rows, k)])),
  };
}
