// Merges several ranked lists into one: each list's scores are scaled to a maximum of 1, then
// summed with a weight per list. Used for a cart (many items' lists) and for mixed rails.
import { topK, type Scored } from './ranked-list.ts';

export interface WeightedList {
  list: readonly Scored[];
  weight: number;
}

export function blend(lists: readonly WeightedList[], k: number, exclude: ReadonlySet<string> = new Set()): Scored[] {
  const score = new Map<string, number>();
  for (const { list, weight } of lists) {
    const max = list[0]?.[1] ?? 0;
    if (max <= 0 || weight <= 0) continue;
    for (const [id, s] of list) if (!exclude.has(id)) score.set(id, (score.get(id) ?? 0) + (weight * s) / max);
  }
  return topK(score, k);
}
