// How close products are to what a customer has been looking at: the cosine between each product's
// embedding and the mean of their recent items' embeddings (the learner's latest ones first), from
// the published model. Undefined
// when there is nothing to go on (no model, no history, no embedded recent item) or Redis is down,
// so callers leave their order alone.
import type { LiveRailStore } from '../../stores/live-rails.ts';
import type { RecsStore } from '../../stores/recommendations.ts';
import { recentItemsOf } from './recent-items.ts';

export type HistorySimilarity = (
  customer: string | undefined,
  recent: readonly string[],
  ids: readonly string[],
) => Promise<Map<string, number> | undefined>;

export function historySimilarity(store: RecsStore, live?: LiveRailStore): HistorySimilarity {
  const recentItems = recentItemsOf(store, live);
  return async (customer, recentGiven, ids) => {
    try {
      const m = await store.current();
      if (!m) return undefined;
      const recent = recentGiven.length > 0 ? recentGiven : customer ? await recentItems(m.version, customer) : [];
      if (recent.length === 0) return undefined;
      const vectors = await store.embeddings(m.version, [...new Set([...recent, ...ids])]);
      const known = recent.filter((id) => vectors.has(id));
      if (known.length === 0) return undefined;
      const dims = vectors.get(known[0]!)!.length;
      const mean = new Array<number>(dims).fill(0);
      for (const id of known) vectors.get(id)!.forEach((x, d) => (mean[d]! += x));
      const norm = Math.hypot(...mean) || 1;
      const sims = new Map<string, number>();
      for (const id of ids) {
        const v = vectors.get(id);
        if (v) sims.set(id, v.reduce((s, x, d) => s + x * mean[d]!, 0) / norm);
      }
      return sims;
    } catch {
      return undefined;
    }
  };
}
