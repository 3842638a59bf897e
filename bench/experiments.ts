// npm run bench -- experiments [--repeat N]: how many shopper sessions an online experiment needs
// to tell plain BM25 (the `plain` profile) from the default profile, by design: an A/B test on
// click-through, an A/B test on the reciprocal rank of the first click, and team-draft
// interleaving. Sessions come from the Best Buy search log (a user's searches with less than 30
// minutes between them), the rankings from the service's own search path on the Best Buy catalog,
// and clicks from a cascade click model on the click-based judgments. Each design runs N seeded
// times, looked at on a grid of session counts (×√2 apart): the figure is the sessions after which
// p < 0.05 (the right way round) in 80% of the runs, and the median run's first significant look.
// A/A runs (both sides the default) at that many sessions show how often each test cries wolf.
import path from 'node:path';
import { readCsvRows } from '../common/csv-rows.ts';
import { evalIndexFor } from '../eval/catalog-index.ts';
import {
  type Design,
  experimentLooks,
  findsBWorse,
  NAVIGATIONAL,
  runExperiment,
  type SimulationInput,
} from '../eval/experiment-simulation.ts';
import { readQrels, readQueries } from '../eval/judgments.ts';
import type { Estimate } from '../eval/online-stats.ts';
import { mean, ndcg } from '../eval/metrics.ts';
import { toSearchParams } from '../query/search/params.ts';
import { runSearch } from '../query/search/search-service.ts';
import { profiles } from '../ranking/profile.ts';
import { benchServers, config, dataDir, median, round, say } from './support.ts';

const SIZE = 10;
const SESSION_GAP_MS = 30 * 60_000;
const DESIGNS: Design[] = ['ab_ctr', 'ab_rr', 'interleave'];
const normalize = (q: string) => q.toLowerCase().replace(/\s+/g, ' ').trim();

/** The log's searches of judged queries, grouped into sessions per user. */
async function logSessions(file: string, idOf: ReadonlyMap<string, string>): Promise<string[][]> {
  const byUser = new Map<string, { t: number; q: string }[]>();
  for await (const row of readCsvRows(file, ['query_time', 'user', 'query'])) {
    const id = idOf.get(normalize(row.query!));
    if (!id) continue;
    const list = byUser.get(row.user!) ?? [];
    list.push({ t: Date.parse(`${row.query_time!.replace(' ', 'T')}Z`), q: id });
    byUser.set(row.user!, list);
  }
  const sessions: string[][] = [];
  for (const searches of byUser.values()) {
    searches.sort((a, b) => a.t - b.t);
    let current: string[] = [];
    let last = Number.NEGATIVE_INFINITY;
    for (const s of searches) {
      if (s.t - last > SESSION_GAP_MS && current.length > 0) {
        sessions.push(current);
        current = [];
      }
      current.push(s.q);
      last = s.t;
    }
    if (current.length > 0) sessions.push(current);
  }
  return sessions;
}

export async function experimentsBench(args: { repeat: number }): Promise<Record<string, unknown>> {
  const runs = Math.max(1, args.repeat);
  const { es } = await benchServers();
  const file = (...p: string[]) => path.join(dataDir, ...p);
  const alias = await evalIndexFor(es, config, file('catalogs', 'bestbuy-xbox.ndjson'), say);
  const queries = readQueries(file('judgments', 'bestbuy-xbox-dev.queries.tsv'));
  const grades = readQrels(file('judgments', 'bestbuy-xbox-dev.qrels'), queries);
  const idOf = new Map([...queries].filter(([id]) => grades.has(id)).map(([id, q]) => [normalize(q), id]));
  const ctx = { es, alias, profiles, budgetMs: 10000, cursorKey: 'bench' };
  const rankings = new Map<string, { a: string[]; b: string[] }>();
  say(`ranking ${idOf.size} judged queries with the default and the plain profile`);
  for (const [q, id] of idOf) {
    const top = async (profile: string) =>
      (await runSearch(ctx, toSearchParams({ q, size: SIZE, facets: 'in_stock', profile }), false)).hits.map(
        (h) => h.id,
      );
    rankings.set(id, { a: await top('default'), b: await top('plain') });
  }
  const sessions = await logSessions(file('logs', 'bestbuy-xbox-dev.queries.csv'), idOf);
  const input: SimulationInput = { sessions, rankings, grades, model: NAVIGATIONAL, size: SIZE };
  const offline = (side: 'a' | 'b') => mean([...rankings].map(([id, r]) => ndcg(r[side], grades.get(id)!, SIZE)));
  say(
    `${sessions.length} sessions, ${round(mean(sessions.map((s) => s.length)), 2)} searches each; ${runs} runs per design`,
  );
  const looks = Array.from({ length: 30 }, (_, k) => Math.round(50 * Math.SQRT2 ** k)).filter((n) => n <= 400_000);
  const minSearches = 100;
  const designs: Record<string, unknown> = {};
  const n80: Partial<Record<Design, number>> = {};
  for (const design of DESIGNS) {
    const started = performance.now();
    // All runs advance look by look; once 80% of them are significant the larger looks are not needed.
    const running = Array.from({ length: runs }, (_, s) =>
      experimentLooks(input, { design, seed: s + 1, looks, minSearches }),
    );
    const firsts: number[] = Array(runs).fill(Number.POSITIVE_INFINITY);
    let at: number | undefined;
    for (const [i, n] of looks.entries()) {
      const found = running.map((r) => findsBWorse(r.next().value as Estimate | undefined));
      found.forEach((f, r) => {
        if (f && !Number.isFinite(firsts[r]!)) firsts[r] = looks[i]!;
      });
      if (found.filter(Boolean).length >= 0.8 * runs) {
        at = n;
        break;
      }
    }
    let alarms = 0;
    for (let s = 1; at !== undefined && s <= runs; s++) {
      const [e] = runExperiment(input, { design, seed: 1000 + s, looks: [at], minSearches, sameRanking: true });
      if (e && e.p_value < 0.05) alarms++;
    }
    if (at !== undefined) n80[design] = at;
    designs[design] = {
      sessions_for_80pct_of_runs: at ?? `more than ${looks.at(-1)}`,
      median_first_significant_look: median(firsts),
      aa_false_alarms_at_that_size: at === undefined ? null : `${alarms}/${runs}`,
      seconds: round((performance.now() - started) / 1000),
    };
    say(`${design}: ${JSON.stringify(designs[design])}`);
  }
  await es.close();
  return {
    bench: 'experiments',
    data: 'bestbuy-xbox-dev',
    judged_queries: rankings.size,
    sessions_in_log: sessions.length,
    click_model: 'cascade, navigational (click 0.05/0.5/0.75/0.95, stop 0.2/0.5/0.75/0.9 by grade 0-3)',
    offline_ndcg10: { default: round(offline('a'), 4), plain: round(offline('b'), 4) },
    runs,
    looks: `${looks[0]} to ${looks.at(-1)} sessions, ×√2 apart`,
    min_searches_per_side: minSearches,
    designs,
    ab_ctr_over_interleave: n80.ab_ctr && n80.interleave ? round(n80.ab_ctr / n80.interleave, 1) : null,
    ab_rr_over_interleave: n80.ab_rr && n80.interleave ? round(n80.ab_rr / n80.interleave, 1) : null,
  };
}
