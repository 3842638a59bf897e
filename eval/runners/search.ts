// eval search: every judged query through the service's real search path (ranking profile,
// relaxation), and optionally a plain BM25 multi_match over the same fields in the same run.
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import { createProgress } from '../../common/progress.ts';
import type { LearnedLookup } from '../../ranking/learn/learned-lookup.ts';
import { profileNamed, profiles } from '../../ranking/profile.ts';
import { composeRules } from '../../ranking/rules/compose.ts';
import { applicableRules } from '../../ranking/rules/match.ts';
import type { Rule } from '../../ranking/rules/rule.ts';
import { toSearchParams } from '../../query/search/params.ts';
import { runSearch } from '../../query/search/search-service.ts';
import type { Qrels } from '../judgments.ts';
import { mean, ndcg, searchMetrics, type QueryMetrics } from '../metrics.ts';

export interface SearchEvalOptions {
  es: EsClient;
  alias: string;
  queries: ReadonlyMap<string, string>;
  qrels: Qrels;
  k: number;
  profile: string;
  baseline: boolean;
  /** Learned from clicks, applied as the service applies them. */
  learned?: LearnedLookup;
  /** Merchandiser rules, applied as the service applies them. */
  rules?: readonly Rule[];
  /** Stops early (Ctrl-C) and reports what was measured. */
  interrupted?: () => boolean;
}

export interface PerQuery {
  id: string;
  query: string;
  metrics: QueryMetrics;
  ranked: string[];
  baseline?: QueryMetrics;
  baseline_ranked?: string[];
}

export interface SearchEvalReport {
  runner: 'search';
  queries: number;
  k: number;
  profile: string;
  metrics: QueryMetrics;
  baseline?: QueryMetrics;
  /** Mean NDCG at several cutoffs up to k, for the report's curve. */
  ndcg_by_k: { k: number; ours: number; baseline?: number }[];
  per_query: PerQuery[];
  interrupted: boolean;
}

/** The plain baseline: BM25 multi_match over the profile's fields, no boosts, no signals. */
export async function bm25Ranking(
  es: EsClient,
  alias: string,
  q: string,
  fields: string[],
  k: number,
): Promise<string[]> {
  const res = await es.search({ index: alias, size: k, _source: false, query: { multi_match: { query: q, fields } } });
  return res.hits.hits.map((h) => h._id!);
}

export const meanMetrics = (rows: QueryMetrics[]): QueryMetrics => {
  const keys = Object.keys(rows[0] ?? {});
  return Object.fromEntries(keys.map((key) => [key, mean(rows.map((r) => r[key]!))]));
};

export async function evalSearch(o: SearchEvalOptions): Promise<SearchEvalReport> {
  const profile = profileNamed(profiles, o.profile);
  if (!profile) throw new Error(`unknown profile "${o.profile}" (have: ${Object.keys(profiles).join(', ')})`);
  const fields = Object.keys(profile.fields);
  const learned = o.learned;
  const ctx = {
    es: o.es,
    alias: o.alias,
    profiles,
    budgetMs: 10000,
    cursorKey: 'eval',
    ...(learned ? { learned: async (q: string) => learned(q) } : {}),
  };
  const now = Date.now();
  const judged = [...o.queries].filter(([id]) => o.qrels.has(id));
  const progress = createProgress('queries', judged.length);
  const perQuery: PerQuery[] = [];
  const cutoffs = [1, 2, 3, 5, 10, 20].filter((k) => k <= o.k);
  const curves: { ours: number[]; baseline: number[] }[] = [];
  for (const [id, query] of judged) {
    if (o.interrupted?.()) break;
    const judgments = o.qrels.get(id)!;
    const params = toSearchParams({ q: query, size: o.k, facets: 'in_stock', profile: o.profile });
    const effects = o.rules ? composeRules(applicableRules(o.rules, { q: params.q, now })) : undefined;
    const result = await runSearch(ctx, params, false, effects);
    const ranked = result.hits.map((h) => h.id);
    const row: PerQuery = { id, query, metrics: searchMetrics(ranked, judgments, o.k), ranked };
    const curve = { ours: cutoffs.map((k) => ndcg(ranked, judgments, k)), baseline: [] as number[] };
    if (o.baseline) {
      const b = await bm25Ranking(o.es, o.alias, query, fields, o.k);
      row.baseline = searchMetrics(b, judgments, o.k);
      row.baseline_ranked = b;
      curve.baseline = cutoffs.map((k) => ndcg(b, judgments, k));
    }
    curves.push(curve);
    perQuery.push(row);
    progress.tick();
  }
  progress.done();
  return {
    runner: 'search',
    queries: perQuery.length,
    k: o.k,
    profile: o.profile,
    metrics: meanMetrics(perQuery.map((r) => r.metrics)),
    ...(o.baseline ? { baseline: meanMetrics(perQuery.map((r) => r.baseline!)) } : {}),
    ndcg_by_k: cutoffs.map((k, i) => ({
      k,
      ours: mean(curves.map((c) => c.ours[i]!)),
      ...(o.baseline ? { baseline: mean(curves.map((c) => c.baseline[i]!)) } : {}),
    })),
    per_query: perQuery,
    interrupted: perQuery.length < judged.length,
  };
}
