// The Algolia multi-query endpoint (what InstantSearch sends) against GET /search for the same Best
// Buy queries, on one service (cache off) in the same run: latency at a fixed rate well below
// saturation and throughput at saturation (8 closed-loop connections), in alternating order (ABBA,
// --repeat times) so the machine's drift falls on both sides; medians of the phases. Both sides use the same
// client code (fetch): autocannon measured the POSTs at 0.6 of the GETs' rate in a run where a
// fetch loop measured them equal, a difference of the load generator's, not of the service's.
import path from 'node:path';
import { createEsClient } from '../common/clients/elasticsearch.ts';
import { evalIndexFor } from '../eval/catalog-index.ts';
import { benchQueries } from './search.ts';
import { call, fixedRate, saturate, startService } from './service.ts';
import { benchServers, config, dataDir, round, say } from './support.ts';

const LATENCY_RATE = 40;
const HITS = 20;

export async function instantsearchBench(args: { docs: number; seconds: number; repeat: number }) {
  await benchServers();
  const es = await createEsClient(config, { requestTimeoutMs: 60000 });
  const alias = await evalIndexFor(es, config, path.join(dataDir, 'catalogs', 'bestbuy-xbox.ndjson'), say);
  await es.close();
  const queries = await benchQueries(Math.min(args.docs, 1000));
  const connections = 8;
  const amount = queries.length * 2;
  say(`${queries.length} Best Buy queries, ${amount} requests per throughput phase, ${connections} connections`);
  const service = await startService({
    SHOP_INDEX_ALIAS: alias,
    SHOP_CACHE_ENABLED: 'false',
    SHOP_IMPRESSIONS_TOPIC: '',
    SHOP_ALGOLIA_INDEX: 'products',
  });
  // Both sides ask for the same: the query, 20 hits, every facet.
  const body = (q: string) =>
    JSON.stringify({ requests: [{ indexName: 'products', query: q, hitsPerPage: HITS, facets: ['*'] }] });
  const sides = {
    search: { task: (q: string) => () => call(`${service.url}/search?q=${encodeURIComponent(q)}&size=${HITS}`) },
    multi: { task: (q: string) => () => call(`${service.url}/1/indexes/*/queries`, body(q)) },
  };
  const runs: Record<'search' | 'multi', { p50: number[]; p99: number[]; rps: number[]; errors: number }> = {
    search: { p50: [], p99: [], rps: [], errors: 0 },
    multi: { p50: [], p99: [], rps: [], errors: 0 },
  };
  const order = Array.from({ length: args.repeat }, () => ['search', 'multi', 'multi', 'search'] as const).flat();
  for (const side of order) {
    say(`${side}: latency at ${LATENCY_RATE}/s, then throughput`);
    const latency = await fixedRate(queries.map(sides[side].task), LATENCY_RATE, args.seconds);
    const saturated = await saturate(queries.map(sides[side].task), connections, amount);
    say(`${side}: p50 ${latency.p50_ms} ms at ${LATENCY_RATE}/s, ${saturated.rps} requests/s saturated`);
    const r = runs[side];
    r.p50.push(latency.p50_ms);
    r.p99.push(latency.p99_ms);
    r.rps.push(saturated.rps);
    r.errors += latency.errors + saturated.errors;
  }
  const rss = service.peakRssMb();
  await service.stop();
  // Medians: other work on the shared machine comes in bursts that hit single phases.
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const s = runs.search;
  const m = runs.multi;
  return {
    bench: 'instantsearch',
    queries: queries.length,
    phases_per_side: args.repeat * 2,
    latency_rate_per_s: LATENCY_RATE,
    connections,
    search_p50_ms: round(median(s.p50), 1),
    search_p99_ms: round(median(s.p99), 1),
    search_rps: Math.round(median(s.rps)),
    multi_p50_ms: round(median(m.p50), 1),
    multi_p99_ms: round(median(m.p99), 1),
    multi_rps: Math.round(median(m.rps)),
    p50_ratio: round(median(m.p50) / Math.max(1, median(s.p50)), 2),
    rps_ratio: round(median(m.rps) / Math.max(1, median(s.rps)), 2),
    search_errors: s.errors,
    multi_errors: m.errors,
    rss_mb: Math.round(rss),
  };
}
