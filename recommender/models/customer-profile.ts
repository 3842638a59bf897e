// "Recommended for you": each customer's recent items, weighted by recency (halving every
// `halfLifeDays`), blended from three views of what they may want next — the items themselves
// (customers reorder), items near their embedding profile, and items bought with theirs.
import type { Basket } from '../interactions/interaction.ts';
import { loadTf } from './tf.ts';
import { topK, type Scored } from './ranked-list.ts';

const DAY = 86_400_000;

export interface ProfileOptions {
  halfLifeDays: number;
  /** Weights of the three views; each view is scaled to a maximum of 1 per customer first. */
  weights: { repeat: number; embedding: number; together: number };
  /** Leave out what the customer already bought (off for shops where customers reorder). */
  excludePurchased: boolean;
  /** Most recent distinct items kept per customer, for serving item-based fallbacks. */
  recentItems: number;
}

export interface CustomerHistory {
  /** Item → recency-weighted count. */
  weights: Map<string, number>;
  /** Distinct items, most recent first. */
  recent: string[];
}

export function customerHistories(
  baskets: readonly Basket[],
  now: number,
  o: Pick<ProfileOptions, 'halfLifeDays' | 'recentItems'>,
): Map<string, CustomerHistory> {
  const out = new Map<string, CustomerHistory>();
  for (const b of baskets) {
    if (b.user === undefined) continue;
    let h = out.get(b.user);
    if (!h) out.set(b.user, (h = { weights: new Map(), recent: [] }));
    const w = 0.5 ** ((now - b.time) / (o.halfLifeDays * DAY));
    for (const item of b.items) h.weights.set(item, (h.weights.get(item) ?? 0) + w);
  }
  // Baskets come oldest first, so the last sighting of an item is its most recent.
  const lastSeen = new Map<string, Map<string, number>>();
  baskets.forEach((b, order) => {
    if (b.user === undefined) return;
    let m = lastSeen.get(b.user);
    if (!m) lastSeen.set(b.user, (m = new Map()));
    for (const item of b.items) m.set(item, order);
  });
  for (const [user, h] of out) {
    h.recent = [...lastSeen.get(user)!]
      .sort((a, b) => b[1] - a[1])
      .slice(0, o.recentItems)
      .map(([item]) => item);
  }
  return out;
}

export interface EmbeddingTable {
  items: string[];
  index: Map<string, number>;
  dimensions: number;
  vectors: Float32Array;
}

const scaled = (m: Map<string, number>): Map<string, number> => {
  const max = Math.max(0, ...m.values());
  return max > 0 ? new Map([...m].map(([k, v]) => [k, v / max])) : m;
};

/** Per-customer lists; `together` gives an item's bought-together list. */
export async function customerRecommendations(
  histories: Map<string, CustomerHistory>,
  emb: EmbeddingTable,
  together: (item: string) => Scored[] | undefined,
  o: ProfileOptions,
  k: number,
): Promise<Map<string, Scored[]>> {
  const users = [...histories.keys()];
  const nearest = await nearestToProfiles(
    users.map((u) => histories.get(u)!.weights),
    emb,
    k * 3,
  );
  const out = new Map<string, Scored[]>();
  users.forEach((user, u) => {
    const h = histories.get(user)!;
    const views = {
      repeat: scaled(h.weights),
      embedding: scaled(new Map(nearest[u])),
      together: scaled(sumTogether(h.weights, together)),
    };
    const score = new Map<string, number>();
    for (const view of ['repeat', 'embedding', 'together'] as const) {
      for (const [item, s] of views[view]) score.set(item, (score.get(item) ?? 0) + o.weights[view] * s);
    }
    if (o.excludePurchased) for (const item of h.weights.keys()) score.delete(item);
    out.set(user, topK(score, k));
  });
  return out;
}

function sumTogether(
  weights: Map<string, number>,
  together: (item: string) => Scored[] | undefined,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const [item, w] of weights)
    for (const [other, s] of together(item) ?? []) out.set(other, (out.get(other) ?? 0) + w * s);
  return out;
}

/** For each weighted item set, the items nearest its weighted mean embedding (batched matMul). */
async function nearestToProfiles(
  profiles: Map<string, number>[],
  emb: EmbeddingTable,
  k: number,
  batch = 512,
): Promise<[string, number][][]> {
  const { tf } = await loadTf();
  const all = tf.tensor2d(emb.vectors, [emb.items.length, emb.dimensions]);
  const out: [string, number][][] = [];
  try {
    for (let start = 0; start < profiles.length; start += batch) {
      const rows = profiles.slice(start, start + batch);
      const p = new Float32Array(rows.length * emb.dimensions);
      rows.forEach((weights, r) => {
        for (const [item, w] of weights) {
          const i = emb.index.get(item);
          if (i === undefined) continue;
          for (let d = 0; d < emb.dimensions; d++)
            p[r * emb.dimensions + d]! += w * emb.vectors[i * emb.dimensions + d]!;
        }
      });
      const width = Math.min(k, emb.items.length);
      const { values, indices } = tf.tidy(() => {
        const m = tf.tensor2d(p, [rows.length, emb.dimensions]);
        const unit = m.div(tf.maximum(tf.norm(m, 'euclidean', 1, true), 1e-9));
        return tf.topk(tf.matMul(unit, all, false, true), width);
      });
      const [vals, idx] = [await values.data(), await indices.data()];
      values.dispose();
      indices.dispose();
      rows.forEach((_, r) => {
        const list: [string, number][] = [];
        for (let c = 0; c < width; c++)
          if (vals[r * width + c]! > 0) list.push([emb.items[idx[r * width + c]!]!, vals[r * width + c]!]);
        out.push(list);
      });
    }
    return out;
  } finally {
    all.dispose();
  }
}
