// The k most similar customers of each customer, by the cosine of their sparse item vectors.
// Only customers who share an item can be similar, so scores are summed through an inverted index
// (item → customers) instead of comparing every pair. An item's list keeps its `maxPostings`
// heaviest customers: a staple bought by everyone would otherwise cost customers² and says little
// about taste, and the bound keeps the cost linear in the number of customers.

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
  const unit = customers.map((c) => {
    const v = vectors.get(c)!;
    let norm = 0;
    for (const x of v.values()) norm += x * x;
    norm = Math.sqrt(norm) || 1;
    return [...v].map(([item, x]) => [item, x / norm] as const);
  });
  const postings = new Map<string, { who: number; w: number }[]>();
  unit.forEach((v, who) => {
    for (const [item, w] of v) {
      let list = postings.get(item);
      if (!list) postings.set(item, (list = []));
      list.push({ who, w });
    }
  });
  for (const list of postings.values())
    if (list.length > maxPostings) list.sort((a, b) => b.w - a.w || a.who - b.who).length = maxPostings;
  const score = new Float64Array(customers.length);
  const touched: number[] = [];
  const out = new Map<string, Neighbour[]>();
  unit.forEach((v, me) => {
    for (const [item, w] of v)
      for (const p of postings.get(item)!) {
        if (p.who === me) continue;
        if (score[p.who] === 0) touched.push(p.who);
        score[p.who]! += w * p.w;
      }
    const best = touched
      .filter((who) => score[who]! > 0)
      .sort((a, b) => score[b]! - score[a]! || a - b)
      .slice(0, k)
      .map((who) => ({ customer: customers[who]!, similarity: score[who]! }));
    for (const who of touched) score[who] = 0;
    touched.length = 0;
    out.set(customers[me]!, best);
  });
  return out;
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
