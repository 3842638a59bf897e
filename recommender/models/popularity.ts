// Cold-start lists: all-time popular and trending (recent baskets weigh more, halving every
// `halfLifeDays`), globally and per category path (every level) when the catalog knows categories.
import { compactBaskets, type Baskets } from '../interactions/basket-log.ts';
import type { Basket } from '../interactions/interaction.ts';
import { topCandidates, topK, type Scored } from './ranked-list.ts';

const DAY = 86_400_000;

export interface PopularityLists {
  popular: Scored[];
  trending: Scored[];
  trendingByCategory: Map<string, Scored[]>;
}

export function popularityLists(
  baskets: Baskets | readonly Basket[],
  now: number,
  halfLifeDays: number,
  categoriesOf: (item: string) => readonly string[],
  k: number,
): PopularityLists {
  const b = Array.isArray(baskets) ? compactBaskets(baskets as readonly Basket[]) : (baskets as Baskets);
  const count = new Float64Array(b.items.length);
  const recent = new Float64Array(b.items.length);
  for (let basket = 0; basket < b.count; basket++) {
    const weight = 0.5 ** ((now - b.time[basket]!) / (halfLifeDays * DAY));
    for (let m = b.offsets[basket]!; m < b.offsets[basket + 1]!; m++) {
      count[b.members[m]!]!++;
      recent[b.members[m]!]! += weight;
    }
  }
  const byCategory = new Map<string, [string, number][]>();
  b.items.forEach((item, i) => {
    for (const category of categoriesOf(item)) {
      let rows = byCategory.get(category);
      if (!rows) byCategory.set(category, (rows = []));
      rows.push([item, recent[i]!]);
    }
  });
  // Candidates are ranks in id order, so ties go to the smaller id, as topK's do.
  const ranks = Int32Array.from({ length: b.items.length }, (_, i) => i);
  const byId = ranks.slice().sort((x, y) => (b.items[x]! < b.items[y]! ? -1 : 1));
  const best = (scores: Float64Array): Scored[] => {
    const top = topCandidates(ranks, ranks.length, Math.max(1, k), (r) => scores[byId[r]!]!);
    return topK(
      Array.from(top.ids, (r, n) => [b.items[byId[r]!]!, top.scores[n]!]),
      k,
    );
  };
  return {
    popular: best(count),
    trending: best(recent),
    trendingByCategory: new Map([...byCategory].map(([c, rows]) => [c, topK(rows, k)])),
  };
}
