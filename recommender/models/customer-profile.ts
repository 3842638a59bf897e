// "Recommended for you": each customer's items, weighted by recency (halving every
// `halfLifeDays`), blended from three views of what they may want next — the items themselves
// (customers reorder), items near their embedding profile, and items bought with theirs.
// Histories are kept in compressed rows of item numbers, not a Map per customer, so hundreds of
// thousands of customers fit; the profile search goes through the same vector search as items.
import { compactBaskets, type Baskets } from '../interactions/basket-log.ts';
import type { Basket } from '../interactions/interaction.ts';
import { ListTable } from './list-table.ts';
import type { VectorSearch } from './neighbours.ts';
import { topCandidates } from './ranked-list.ts';
import type { Vocabulary } from './vocabulary.ts';

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

/** Customer r's distinct items (basket-log numbers), most recent first, with recency-weighted counts. */
export interface Histories {
  users: string[];
  offsets: Int32Array;
  items: Int32Array;
  weights: Float64Array;
}

export function compactHistories(b: Baskets, now: number, o: Pick<ProfileOptions, 'halfLifeDays'>): Histories {
  const userCount = b.users.length;
  const perUser = new Int32Array(userCount + 1);
  for (let k = 0; k < b.count; k++) if (b.user[k]! >= 0) perUser[b.user[k]! + 1]!++;
  for (let u = 0; u < userCount; u++) perUser[u + 1]! += perUser[u]!;
  const basketsOf = new Int32Array(perUser[userCount]!);
  const fill = perUser.slice(0, userCount);
  for (let k = 0; k < b.count; k++) if (b.user[k]! >= 0) basketsOf[fill[b.user[k]!]!++] = k;
  const weight = new Float64Array(b.items.length);
  const last = new Float64Array(b.items.length).fill(-Infinity);
  const touched = new Int32Array(b.items.length);
  const offsets = new Int32Array(userCount + 1);
  const items: number[] = [];
  const weights: number[] = [];
  for (let u = 0; u < userCount; u++) {
    let n = 0;
    for (let p = perUser[u]!; p < perUser[u + 1]!; p++) {
      const k = basketsOf[p]!;
      const w = 0.5 ** ((now - b.time[k]!) / (o.halfLifeDays * DAY));
      for (let m = b.offsets[k]!; m < b.offsets[k + 1]!; m++) {
        const item = b.members[m]!;
        if (last[item] === -Infinity) touched[n++] = item;
        weight[item]! += w;
        // Later baskets win ties of time: the log is in arrival order.
        if (b.time[k]! >= last[item]!) last[item] = b.time[k]!;
      }
    }
    const mine = Array.from(touched.subarray(0, n)).sort((x, y) => last[y]! - last[x]!);
    for (const item of mine) {
      items.push(item);
      weights.push(weight[item]!);
      weight[item] = 0;
      last[item] = -Infinity;
    }
    offsets[u + 1] = items.length;
  }
  return { users: b.users, offsets, items: Int32Array.from(items), weights: Float64Array.from(weights) };
}

export interface EmbeddingTable {
  items: string[];
  index: Map<string, number>;
  dimensions: number;
  vectors: Float32Array;
}

export interface CustomerHistory {
  /** Item → recency-weighted count. */
  weights: Map<string, number>;
  /** Distinct items, most recent first. */
  recent: string[];
}

/** The histories of a list of baskets as Maps (small data: tests and evaluation). */
export function customerHistories(
  baskets: readonly Basket[],
  now: number,
  o: Pick<ProfileOptions, 'halfLifeDays' | 'recentItems'>,
): Map<string, CustomerHistory> {
  const b = compactBaskets(baskets);
  const h = compactHistories(b, now, o);
  const out = new Map<string, CustomerHistory>();
  h.users.forEach((user, u) => {
    const mine = Array.from(h.items.subarray(h.offsets[u]!, h.offsets[u + 1]!), (i) => b.items[i]!);
    const weights = h.weights.subarray(h.offsets[u]!, h.offsets[u + 1]!);
    if (mine.length > 0)
      out.set(user, {
        weights: new Map(mine.map((item, i) => [item, weights[i]!])),
        recent: mine.slice(0, o.recentItems),
      });
  });
  return out;
}

/** Each customer's most recent distinct items. */
export function recentItems(h: Histories, names: readonly string[], count: number): ListTable {
  const out = new ListTable(h.users, names, count);
  h.users.forEach((_, u) => {
    const ids = h.items.subarray(h.offsets[u]!, Math.min(h.offsets[u + 1]!, h.offsets[u]! + count));
    out.setRow(
      u,
      ids,
      Array.from(ids, (_, i) => ids.length - i),
    );
  });
  return out;
}

/** Per-customer lists over the basket-log items; `together` is keyed by vocabulary numbers. */
export async function customerRecommendations(
  h: Histories,
  names: readonly string[],
  v: Vocabulary,
  emb: { vectors: Float32Array; dimensions: number; search: VectorSearch },
  together: ListTable,
  o: ProfileOptions,
  k: number,
  onCustomers: (n: number) => void = () => {},
): Promise<ListTable> {
  const d = emb.dimensions;
  const userCount = h.users.length;
  const profiles = new Float32Array(userCount * d);
  for (let u = 0; u < userCount; u++) {
    let norm = 0;
    for (let p = h.offsets[u]!; p < h.offsets[u + 1]!; p++) {
      const row = v.ofItem[h.items[p]!]!;
      if (row < 0) continue;
      for (let t = 0; t < d; t++) profiles[u * d + t]! += h.weights[p]! * emb.vectors[row * d + t]!;
    }
    for (let t = 0; t < d; t++) norm += profiles[u * d + t]! ** 2;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let t = 0; t < d; t++) profiles[u * d + t]! *= inv;
  }
  const near = await emb.search.search(profiles, k * 3);
  const out = new ListTable(h.users, names, k);
  const score = new Float64Array(names.length);
  const togetherScore = new Float64Array(names.length);
  const touched = new Int32Array(names.length);
  for (let u = 0; u < userCount; u++) {
    let n = 0;
    const add = (item: number, s: number) => {
      if (score[item] === 0) touched[n++] = item;
      score[item]! += s;
    };
    const from = h.offsets[u]!;
    const to = h.offsets[u + 1]!;
    let maxWeight = 0;
    for (let p = from; p < to; p++) maxWeight = Math.max(maxWeight, h.weights[p]!);
    if (maxWeight > 0) for (let p = from; p < to; p++) add(h.items[p]!, (o.weights.repeat * h.weights[p]!) / maxWeight);
    const nearAt = u * near.k;
    const maxNear = near.scores[nearAt]!;
    for (let c = 0; c < near.k && near.ids[nearAt + c]! >= 0; c++)
      if (near.scores[nearAt + c]! > 0 && maxNear > 0)
        add(v.itemOf[near.ids[nearAt + c]!]!, (o.weights.embedding * near.scores[nearAt + c]!) / maxNear);
    // Bought together with their items, weighted by how much and how lately they bought each.
    let m = 0;
    const mates: number[] = [];
    for (let p = from; p < to; p++) {
      const row = v.ofItem[h.items[p]!]!;
      if (row < 0) continue;
      for (let c = 0; c < together.lengths[row]!; c++) {
        const item = v.itemOf[together.ids[row * together.width + c]!]!;
        if (togetherScore[item] === 0) mates[m++] = item;
        togetherScore[item]! += h.weights[p]! * together.scores[row * together.width + c]!;
      }
    }
    let maxTogether = 0;
    for (const item of mates) maxTogether = Math.max(maxTogether, togetherScore[item]!);
    for (const item of mates) {
      if (maxTogether > 0) add(item, (o.weights.together * togetherScore[item]!) / maxTogether);
      togetherScore[item] = 0;
    }
    if (o.excludePurchased) for (let p = from; p < to; p++) score[h.items[p]!] = 0;
    const top = topCandidates(touched, n, k, (item) => score[item]!);
    out.setRow(u, top.ids, top.scores);
    for (let t = 0; t < n; t++) score[touched[t]!] = 0;
    onCustomers(1);
  }
  return out;
}
