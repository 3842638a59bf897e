// Merges several ranked lists into one: each list's scores are scaled to a maximum of 1, then
// summed with a weight per list. Used for a cart (many items' lists) and for mixed rails.
import { topCandidates, topK, type Scored } from './ranked-list.ts';

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

/** A numbered list: the first `length` entries of `ids` and `scores`, best first. */
export interface NumberedList {
  ids: ArrayLike<number>;
  scores: ArrayLike<number>;
  length: number;
  weight: number;
}

/**
 * blend() over numbered lists, with a dense score row reused across calls (one per catalog, not a
 * Map per item), for blending a million items' lists.
 */
export function numberedBlender(size: number) {
  const score = new Float64Array(size);
  const touched = new Int32Array(size);
  return (lists: readonly NumberedList[], k: number, exclude: number) => {
    let n = 0;
    for (const { ids, scores, length, weight } of lists) {
      const max = length > 0 ? scores[0]! : 0;
      if (max <= 0 || weight <= 0) continue;
      for (let i = 0; i < length; i++) {
        const id = ids[i]!;
        if (id === exclude || id < 0) continue;
        if (score[id] === 0) touched[n++] = id;
        score[id]! += (weight * scores[i]!) / max;
      }
    }
    const top = topCandidates(touched, n, k, (id) => score[id]!);
    for (let t = 0; t < n; t++) score[touched[t]!] = 0;
    return top;
  };
}
