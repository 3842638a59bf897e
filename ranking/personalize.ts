// Personal re-ranking of the top of a result list: products close to what the customer has been
// looking at move up, by at most `maxShift` places (at similarity 1). The best text match keeps
// first place and pinned products keep theirs, so personalization reorders close calls but never
// buries what was asked for or what a merchandiser placed.

export interface PersonalOptions {
  /** Places a product may climb at similarity 1; 0 turns personalization off. */
  maxShift: number;
  /** Only the first this many results are reordered. */
  depth: number;
}

/** `similarity` in [-1, 1] by id; products without one keep their place unless others pass them. */
export function personalize<T extends { id: string; pinned?: boolean }>(
  hits: readonly T[],
  similarity: ReadonlyMap<string, number>,
  o: PersonalOptions,
): { hits: T[]; moved: number } {
  const depth = Math.min(o.depth, hits.length);
  const first = hits.findIndex((h) => !h.pinned);
  // The slots personalization may reorder: within depth, not pinned, not the best text match.
  const slots = hits.slice(0, depth).flatMap((h, i) => (h.pinned || i === first ? [] : [i]));
  if (slots.length < 2 || o.maxShift <= 0) return { hits: [...hits], moved: 0 };
  // The half place breaks ties with the product it would land on, so similarity 1 climbs exactly maxShift places.
  const ranked = slots
    .map((slot, n) => ({
      h: hits[slot]!,
      key: n - (o.maxShift + 0.5) * Math.max(0, similarity.get(hits[slot]!.id) ?? 0),
      n,
    }))
    .sort((a, b) => a.key - b.key || a.n - b.n);
  const out = [...hits];
  slots.forEach((slot, n) => (out[slot] = ranked[n]!.h));
  return { hits: out, moved: out.filter((h, i) => h !== hits[i]).length };
}
