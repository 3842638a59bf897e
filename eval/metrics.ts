// Ranking metrics over one ranked list and its judgments. Conventions, fixed and tested:
// - a judgment is a grade 0..maxGrade; documents without one are unjudged and count as grade 0;
// - gain is exponential (2^g − 1) unless `linear` (g); the discount is log2(rank + 1);
// - NDCG@k divides by the DCG of the ideal ordering of all judged documents, cut at k; a query with
//   no relevant document scores 0 (as Elasticsearch's rank_eval does);
// - binary metrics (MRR, precision, recall, AP, hit rate) count grade ≥ `relevantFrom` as relevant;
// - precision@k divides by k even when fewer than k results came back; recall@k and AP divide by
//   the number of relevant documents in the judgments (0 when there are none);
// - ERR follows Chapelle et al. (2009) with stop probability (2^g − 1) / 2^maxGrade.

export type Judgments = ReadonlyMap<string, number>;

export interface MetricOptions {
  linear?: boolean;
  relevantFrom?: number;
  maxGrade?: number;
}

const gradeOf = (j: Judgments, id: string): number => j.get(id) ?? 0;
const gain = (g: number, o: MetricOptions): number => (o.linear ? g : 2 ** g - 1);
const isRelevant = (g: number, o: MetricOptions): boolean => g >= (o.relevantFrom ?? 1);

export function dcg(ranked: readonly string[], j: Judgments, k: number, o: MetricOptions = {}): number {
  let sum = 0;
  ranked.slice(0, k).forEach((id, i) => {
    sum += gain(gradeOf(j, id), o) / Math.log2(i + 2);
  });
  return sum;
}

export function ndcg(ranked: readonly string[], j: Judgments, k: number, o: MetricOptions = {}): number {
  const ideal = [...j.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
  const best = dcg(ideal, j, k, o);
  return best === 0 ? 0 : dcg(ranked, j, k, o) / best;
}

export function reciprocalRank(ranked: readonly string[], j: Judgments, k: number, o: MetricOptions = {}): number {
  const i = ranked.slice(0, k).findIndex((id) => isRelevant(gradeOf(j, id), o));
  return i < 0 ? 0 : 1 / (i + 1);
}

const relevantCount = (j: Judgments, o: MetricOptions): number =>
  [...j.values()].filter((g) => isRelevant(g, o)).length;

export function precision(ranked: readonly string[], j: Judgments, k: number, o: MetricOptions = {}): number {
  return ranked.slice(0, k).filter((id) => isRelevant(gradeOf(j, id), o)).length / k;
}

export function recall(ranked: readonly string[], j: Judgments, k: number, o: MetricOptions = {}): number {
  const total = relevantCount(j, o);
  return total === 0 ? 0 : ranked.slice(0, k).filter((id) => isRelevant(gradeOf(j, id), o)).length / total;
}

export function averagePrecision(ranked: readonly string[], j: Judgments, k: number, o: MetricOptions = {}): number {
  const total = relevantCount(j, o);
  if (total === 0) return 0;
  let hits = 0;
  let sum = 0;
  ranked.slice(0, k).forEach((id, i) => {
    if (isRelevant(gradeOf(j, id), o)) {
      hits++;
      sum += hits / (i + 1);
    }
  });
  return sum / total;
}

export function err(ranked: readonly string[], j: Judgments, k: number, o: MetricOptions = {}): number {
  const max = o.maxGrade ?? 3;
  let notStopped = 1;
  let sum = 0;
  ranked.slice(0, k).forEach((id, i) => {
    const stop = (2 ** gradeOf(j, id) - 1) / 2 ** max;
    sum += (notStopped * stop) / (i + 1);
    notStopped *= 1 - stop;
  });
  return sum;
}

export function hitRate(ranked: readonly string[], j: Judgments, k: number, o: MetricOptions = {}): number {
  return ranked.slice(0, k).some((id) => isRelevant(gradeOf(j, id), o)) ? 1 : 0;
}

/** How many of the top k have no judgment at all. */
export const unjudged = (ranked: readonly string[], j: Judgments, k: number): number =>
  ranked.slice(0, k).filter((id) => !j.has(id)).length;

/** Share of the catalog that appears in at least one recommendation list. */
export function catalogCoverage(lists: readonly (readonly string[])[], catalogSize: number): number {
  if (catalogSize === 0) return 0;
  return new Set(lists.flat()).size / catalogSize;
}

/**
 * Mean popularity percentile of recommended items: 1 for the most popular item of the catalog,
 * near 0 for the least; 0.5 would be no bias toward popular items.
 */
export function popularityBias(lists: readonly (readonly string[])[], popularity: ReadonlyMap<string, number>): number {
  const sorted = [...popularity.entries()].sort((a, b) => a[1] - b[1]);
  const percentile = new Map(sorted.map(([id], i) => [id, sorted.length === 1 ? 1 : i / (sorted.length - 1)]));
  const values = lists.flat().map((id) => percentile.get(id) ?? 0);
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

export const mean = (xs: readonly number[]): number =>
  xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;

export interface QueryMetrics {
  [metric: string]: number;
}

/** The standard set for a search run at cutoff k, keyed as reports print them ("ndcg@10"). */
export function searchMetrics(ranked: readonly string[], j: Judgments, k: number, o: MetricOptions = {}): QueryMetrics {
  return {
    [`ndcg@${k}`]: ndcg(ranked, j, k, o),
    [`dcg@${k}`]: dcg(ranked, j, k, o),
    mrr: reciprocalRank(ranked, j, k, o),
    [`map@${k}`]: averagePrecision(ranked, j, k, o),
    [`precision@${k}`]: precision(ranked, j, k, o),
    [`recall@${k}`]: recall(ranked, j, k, o),
    [`err@${k}`]: err(ranked, j, k, o),
    [`hit_rate@${k}`]: hitRate(ranked, j, k, o),
    [`unjudged@${k}`]: unjudged(ranked, j, k),
  };
}
