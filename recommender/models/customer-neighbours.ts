// The k most similar customers of each customer, by the cosine of their sparse item vectors.
// Only customers who share an item can be similar, so scores are summed through an inverted index
// (item → customers) instead of comparing every pair. An item's list keeps its `maxPostings`
// heaviest customers: a staple bought by everyone would otherwise cost customers² and says little
// about taste, and the bound keeps the cost linear in the number of customers.
// Vectors are compressed rows of item numbers (training: hundreds of thousands of customers);
// `nearestCustomers` reads and answers Maps for the evaluation's baselines through the same search.
import { topCandidates } from './ranked-list.ts';

/** Row r's items are items[offsets[r] .. offsets[r + 1]), with their values. */
export interface SparseRows {
  offsets: Int32Array;
  items: Int32Array;
  values: Float64Array;
}

/** Row r's neighbours are ids[r·k .. r·k + lengths[r]), most similar first. */
export interface NeighbourRows {
  k: number;
  ids: Int32Array;
  similarity: Float64Array;
  lengths: Int32Array;
}

/** The k most similar rows of one row (other rows only), most similar first. */
export interface NeighbourSearch {
  nearest(row: number, k: number): { ids: Int32Array; scores: Float64Array };
}

/**
 * The inverted index of the rows (item → its heaviest `maxPostings` holders); each query then costs
 * the postings of its own items, so callers ask only for the rows they use (training examples stop
 * at a budget of rows, and visit only the customers they reach).
 */
export function neighbourSearch(v: SparseRows, itemCount: number, maxPostings = 2000): NeighbourSearch {
  const rows = v.offsets.length - 1;
  const unit = new Float64Array(v.values.length);
  for (let r = 0; r < rows; r++) {
    let norm = 0;
    for (let p = v.offsets[r]!; p < v.offsets[r + 1]!; p++) norm += v.values[p]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let p = v.offsets[r]!; p < v.offsets[r + 1]!; p++) unit[p] = v.values[p]! / norm;
  }
  // Postings by item: every row holding it, its heaviest `maxPostings` kept.
  const start = new Int32Array(itemCount + 1);
  for (const item of v.items) start[item + 1]!++;
  for (let i = 0; i < itemCount; i++) start[i + 1]! += start[i]!;
  const who = new Int32Array(v.items.length);
  const fill = start.slice(0, itemCount);
  for (let r = 0; r < rows; r++) for (let p = v.offsets[r]!; p < v.offsets[r + 1]!; p++) who[fill[v.items[p]!]!++] = p;
  const rowOf = new Int32Array(v.items.length);
  for (let r = 0; r < rows; r++) rowOf.fill(r, v.offsets[r]!, v.offsets[r + 1]!);
  const end = new Int32Array(itemCount);
  for (let i = 0; i < itemCount; i++) {
    const list = who.subarray(start[i]!, start[i + 1]!);
    if (list.length > maxPostings)
      list.set(Int32Array.from(list).sort((a, b) => unit[b]! - unit[a]! || rowOf[a]! - rowOf[b]!));
    end[i] = start[i]! + Math.min(list.length, maxPostings);
  }
  // Postings as (row, unit value) pairs side by side: the query loop reads them in order.
  const postingRow = new Int32Array(who.length);
  const postingValue = new Float64Array(who.length);
  for (let q = 0; q < who.length; q++) {
    postingRow[q] = rowOf[who[q]!]!;
    postingValue[q] = unit[who[q]!]!;
  }
  const score = new Float64Array(rows);
  const touched = new Int32Array(rows);
  return {
    nearest(me, k) {
      let n = 0;
      for (let p = v.offsets[me]!; p < v.offsets[me + 1]!; p++) {
        const item = v.items[p]!;
        const mine = unit[p]!;
        for (let q = start[item]!; q < end[item]!; q++) {
          const other = postingRow[q]!;
          if (other === me) continue;
          if (score[other] === 0) touched[n++] = other;
          score[other]! += mine * postingValue[q]!;
        }
      }
      const best = topCandidates(touched, n, k, (r) => score[r]!);
      for (let t = 0; t < n; t++) score[touched[t]!] = 0;
      return best;
    },
  };
}

/** Neighbours of every row, among all rows. */
export function nearestRows(v: SparseRows, itemCount: number, k: number, maxPostings = 2000): NeighbourRows {
  const rows = v.offsets.length - 1;
  const search = neighbourSearch(v, itemCount, maxPostings);
  const out: NeighbourRows = {
    k,
    ids: new Int32Array(rows * k).fill(-1),
    similarity: new Float64Array(rows * k),
    lengths: new Int32Array(rows),
  };
  for (let me = 0; me < rows; me++) {
    const best = search.nearest(me, k);
    out.ids.set(best.ids, me * k);
    out.similarity.set(best.scores, me * k);
    out.lengths[me] = best.ids.length;
  }
  return out;
}

export type SparseVector = ReadonlyMap<string, number>;

export interface Neighbour {
  customer: string;
  similarity: number;
}

export function nearestCustomers(
  vectors: ReadonlyMap<string, SparseVector>,
  k: number,
  maxPostings = 2000,
): Map<string, Neighbour[]> {
  const customers = [...vectors.keys()];
  const itemNumber = new Map<string, number>();
  const offsets = new Int32Array(customers.length + 1);
  const items: number[] = [];
  const values: number[] = [];
  customers.forEach((c, r) => {
    for (const [item, x] of vectors.get(c)!) {
      let i = itemNumber.get(item);
      if (i === undefined) itemNumber.set(item, (i = itemNumber.size));
      items.push(i);
      values.push(x);
    }
    offsets[r + 1] = items.length;
  });
  const found = nearestRows(
    { offsets, items: Int32Array.from(items), values: Float64Array.from(values) },
    itemNumber.size,
    k,
    maxPostings,
  );
  return new Map(
    customers.map((c, r) => [
      c,
      Array.from(found.ids.subarray(r * k, r * k + found.lengths[r]!), (other, i) => ({
        customer: customers[other]!,
        similarity: found.similarity[r * k + i]!,
      })),
    ]),
  );
}

/** α·own + (1−α)·the mean of the neighbours' vectors (TIFU-KNN's prediction). */
export function mixWithNeighbours(
  own: SparseVector,
  neighbours: readonly Neighbour[],
  vectors: ReadonlyMap<string, SparseVector>,
  alpha: number,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const [item, x] of own) out.set(item, alpha * x);
  if (neighbours.length === 0 || alpha >= 1) return out;
  const w = (1 - alpha) / neighbours.length;
  for (const n of neighbours)
    for (const [item, x] of vectors.get(n.customer) ?? []) out.set(item, (out.get(item) ?? 0) + w * x);
  return out;
}
