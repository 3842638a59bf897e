// Does a model recover the planted groups? For each held-out basket, its first planted item asks
// for a list and the basket's other planted items are the answers: recall@k of item-to-item lists
// on co-purchases no model saw, side by side for several listers.
import type { Scored } from '../models/ranked-list.ts';

export interface HeldOutBasket {
  planted: string[];
}

export type Lister = (item: string) => readonly Scored[] | undefined;

export function plantedRecall(
  baskets: Iterable<HeldOutBasket>,
  listers: Record<string, Lister>,
  k: number,
): { baskets: number; recall: Record<string, number> } {
  const sums = Object.fromEntries(Object.keys(listers).map((name) => [name, 0]));
  let count = 0;
  for (const { planted } of baskets) {
    const [query, ...rest] = planted;
    const targets = new Set(rest.filter((i) => i !== query));
    if (query === undefined || targets.size === 0) continue;
    count++;
    for (const [name, list] of Object.entries(listers)) {
      const top = (list(query) ?? []).filter(([id]) => id !== query).slice(0, k);
      sums[name]! += top.filter(([id]) => targets.has(id)).length / Math.min(k, targets.size);
    }
  }
  return {
    baskets: count,
    recall: Object.fromEntries(Object.entries(sums).map(([name, s]) => [name, count === 0 ? 0 : s / count])),
  };
}
