// An experiment's results from the searches index: per variant the searches, sessions,
// click-through, conversion and revenue per search, with the zero-result rate and latency as
// guardrails, each compared with the first variant (the control) with a 95% interval and p value;
// for interleaving, the lists each ranking won and the preference. Below the minimum sample the
// answer says "not enough data yet" and gives no test.
import type { EsClient } from '../common/clients/elasticsearch.ts';
import { compareMeans, compareRates, type Estimate, type Moments, preference } from '../eval/online-stats.ts';
import type { Experiment } from '../ranking/experiments/experiment.ts';
import type { AnalyticsIndices } from './indices.ts';

export interface VariantResult {
  variant: string;
  searches: number;
  sessions: number;
  ctr: number;
  conversion: number;
  revenue_per_search: number;
  zero_result_rate: number;
  latency_ms_mean: number;
  latency_ms_p95: number;
  /** Against the control (absent on the control itself, and without enough data). */
  vs_control?: Record<'ctr' | 'conversion' | 'revenue_per_search' | 'zero_result_rate' | 'latency_ms_mean', Estimate>;
}

export interface ExperimentResults {
  experiment: string;
  design: Experiment['design'];
  status: 'not_enough_data' | 'significant' | 'not_significant';
  min_searches: number;
  variants: VariantResult[];
  /** Interleaving: lists each ranking won (a: the first variant) and B's preference. */
  interleaving?: { a: number; b: number; ties: number; preference?: Estimate };
}

type Bucket = {
  key: string;
  doc_count: number;
  clicked: { doc_count: number };
  converted: { doc_count: number };
  zero: { doc_count: number };
  sessions: { value: number };
  revenue: { count: number; sum: number; sum_of_squares: number | null };
  took: { count: number; sum: number; sum_of_squares: number | null; avg: number | null };
  took_p95: { values: Record<string, number | null> };
};

const moments = (s: { count: number; sum: number; sum_of_squares: number | null }): Moments => ({
  n: s.count,
  sum: s.sum,
  sumSquares: s.sum_of_squares ?? 0,
});

export async function experimentResults(
  es: EsClient,
  indices: AnalyticsIndices,
  x: Experiment,
  minSearches: number,
): Promise<ExperimentResults> {
  const kinds = x.surface === 'suggest' ? ['suggest'] : ['search', 'browse'];
  const filter = [
    { term: { experiment: x.id } },
    { terms: { kind: kinds } },
    // A search counts once, on its first page; autocomplete answers have no page.
    ...(x.surface === 'search' ? [{ term: { page: 1 } }] : []),
  ];
  const success = x.surface === 'suggest' ? { exists: { field: 'chosen' } } : { term: { clicked: true } };
  const res = await es.search({
    index: indices.alias('searches'),
    size: 0,
    ignore_unavailable: true,
    allow_no_indices: true,
    query: { bool: { filter } },
    aggs: {
      v: {
        terms: { field: 'variant', size: 10 },
        aggs: {
          clicked: { filter: success },
          converted: { filter: { range: { purchases: { gt: 0 } } } },
          zero: { filter: { term: { zero: true } } },
          sessions: { cardinality: { field: 'session' } },
          revenue: { extended_stats: { field: 'revenue', missing: 0 } },
          took: { extended_stats: { field: 'took', missing: 0 } },
          took_p95: { percentiles: { field: 'took', percents: [95], missing: 0 } },
        },
      },
      winner: { terms: { field: 'winner', size: 3 } },
    },
  } as never);
  const aggs = (res as unknown as { aggregations?: { v: { buckets: Bucket[] }; winner: { buckets: Bucket[] } } })
    .aggregations;
  const byName = new Map((aggs?.v.buckets ?? []).map((b) => [b.key, b]));
  const names = x.design === 'interleave' ? ['interleaved'] : x.variants.map((v) => v.name);
  const control = byName.get(names[0]!);
  const rows: VariantResult[] = names.map((name) => {
    const b = byName.get(name);
    const n = b?.doc_count ?? 0;
    const rate = (k: number) => (n > 0 ? k / n : 0);
    return {
      variant: name,
      searches: n,
      sessions: b?.sessions.value ?? 0,
      ctr: rate(b?.clicked.doc_count ?? 0),
      conversion: rate(b?.converted.doc_count ?? 0),
      revenue_per_search: rate(b?.revenue.sum ?? 0),
      zero_result_rate: rate(b?.zero.doc_count ?? 0),
      latency_ms_mean: b?.took.avg ?? 0,
      latency_ms_p95: b?.took_p95.values['95.0'] ?? 0,
    };
  });
  const enough = rows.every((r) => r.searches >= minSearches);
  if (enough && control && x.design === 'ab')
    rows.slice(1).forEach((row) => {
      const b = byName.get(row.variant)!;
      const c = control;
      row.vs_control = {
        ctr: compareRates(c.clicked.doc_count, c.doc_count, b.clicked.doc_count, b.doc_count),
        conversion: compareRates(c.converted.doc_count, c.doc_count, b.converted.doc_count, b.doc_count),
        revenue_per_search: compareMeans(moments(c.revenue), moments(b.revenue)),
        zero_result_rate: compareRates(c.zero.doc_count, c.doc_count, b.zero.doc_count, b.doc_count),
        latency_ms_mean: compareMeans(moments(c.took), moments(b.took)),
      };
    });
  let interleaving: ExperimentResults['interleaving'];
  if (x.design === 'interleave') {
    const w = new Map((aggs?.winner.buckets ?? []).map((b) => [b.key, b.doc_count]));
    const counts = { a: w.get('a') ?? 0, b: w.get('b') ?? 0, ties: w.get('tie') ?? 0 };
    interleaving = { ...counts, ...(enough ? { preference: preference(counts) } : {}) };
  }
  const tests =
    x.design === 'interleave'
      ? [interleaving?.preference]
      : rows.flatMap((r) =>
          r.vs_control ? [r.vs_control.ctr, r.vs_control.conversion, r.vs_control.revenue_per_search] : [],
        );
  return {
    experiment: x.id,
    design: x.design,
    status: !enough ? 'not_enough_data' : tests.some((t) => t && t.p_value < 0.05) ? 'significant' : 'not_significant',
    min_searches: minSearches,
    variants: rows,
    ...(interleaving ? { interleaving } : {}),
  };
}
