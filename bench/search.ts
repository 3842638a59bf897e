// The Best Buy dev queries replayed against /search (cache off), and the same Elasticsearch request
// bodies sent raw to Elasticsearch, in the same run; then /search with the cache on, twice over.
import fs from 'node:fs';
import path from 'node:path';
import { createEsClient } from '../common/clients/elasticsearch.ts';
import { esUrlOf } from '../common/config.ts';
import { evalIndexFor } from '../eval/catalog-index.ts';
import { profiles } from '../ranking/profile.ts';
import { toSearchParams } from '../query/search/params.ts';
import { runSearch } from '../query/search/search-service.ts';
import { readSearchLog } from '../query/suggest/build/sources.ts';
import { call, fixedRate, load, startService } from './service.ts';
import { benchServers, config, dataDir, round, say } from './support.ts';

export async function benchQueries(count: number): Promise<string[]> {
  const out: string[] = [];
  for await (const s of readSearchLog(path.join(dataDir, 'logs', 'bestbuy-xbox-dev.queries.csv'))) {
    const q = s.query.replace(/\s+/g, ' ').trim();
    if (q && q.length <= 200) out.push(q);
    if (out.length === count) break;
  }
  return out;
}

/** Queries per second for the latency phase: about a quarter of what this machine saturates at. */
const LATENCY_RATE = 40;

export async function searchBench(args: { docs: number }) {
  await benchServers();
  const es = await createEsClient(config, { requestTimeoutMs: 60000 });
  const catalog = path.join(dataDir, 'catalogs', 'bestbuy-xbox.ndjson');
  if (!fs.existsSync(catalog)) throw new Error(`benchmark data missing: ${catalog}`);
  const alias = await evalIndexFor(es, config, catalog, say);
  const queries = await benchQueries(Math.min(args.docs, 3000));
  const amount = queries.length * 2;
  const connections = 8;
  say(`${queries.length} Best Buy queries, ${amount} requests, ${connections} connections`);

  const searchPath = (q: string) => `/search?q=${encodeURIComponent(q)}`;
  // The raw side sends exactly the bodies the service sends for each query, relaxation included,
  // recorded by running the real search path once through a recording client.
  const perQueryBodies: string[][] = [];
  let current: string[] = [];
  const recording = new Proxy(es, {
    get(target, prop, receiver) {
      if (prop !== 'search') return Reflect.get(target, prop, receiver);
      return (req: Record<string, unknown>, opts?: unknown) => {
        const { index: _index, ...body } = req;
        current.push(JSON.stringify(body));
        return target.search(req as never, opts as never);
      };
    },
  });
  for (const q of queries) {
    current = [];
    await runSearch(
      { es: recording, alias, profiles, budgetMs: config.searchBudgetMs, cursorKey: 'bench' },
      toSearchParams({ q }),
      false,
    );
    perQueryBodies.push(current);
  }
  const bodies = perQueryBodies.flat();
  const perQuery = bodies.length / queries.length;
  const rawUrl = `${esUrlOf(config)}/${alias}/_search`;
  // Latency: each query's whole sequence of requests, at a fixed rate well below saturation, timed
  // by the same client code on both sides. Throughput: at saturation (8 connections).
  const rawLatency = await fixedRate(
    perQueryBodies.map((seq) => async () => {
      for (const b of seq) await call(rawUrl, b);
    }),
    LATENCY_RATE,
    20,
  );
  const rawRequests = bodies.map((b) => ({
    method: 'POST' as const,
    path: `/${alias}/_search`,
    headers: { 'content-type': 'application/json' },
    body: b,
  }));
  const raw = await load(esUrlOf(config), rawRequests, { connections, amount: Math.round(amount * perQuery) });
  // Raw answers per second are Elasticsearch requests; divided by requests per query they compare with /search.
  const rawQueriesPerSecond = raw.rps / perQuery;

  const uncached = await startService({
    SHOP_INDEX_ALIAS: alias,
    SHOP_CACHE_ENABLED: 'false',
    SHOP_IMPRESSIONS_TOPIC: '',
  });
  const serviceLatency = await fixedRate(
    queries.map((q) => () => call(uncached.url + searchPath(q))),
    LATENCY_RATE,
    20,
  );
  const service = await load(
    uncached.url,
    queries.map((q) => ({ path: searchPath(q) })),
    { connections, amount },
  );
  const rss = uncached.peakRssMb();
  await uncached.stop();

  const cachedService = await startService({
    SHOP_INDEX_ALIAS: alias,
    SHOP_CACHE_ENABLED: 'true',
    SHOP_IMPRESSIONS_TOPIC: '',
    SHOP_REDIS_PREFIX: `bench-${Date.now()}:`,
  });
  const cached = await load(
    cachedService.url,
    queries.map((q) => ({ path: searchPath(q) })),
    { connections, amount },
  );
  const metrics = await fetch(`${cachedService.url}/metrics`).then((r) => r.text());
  await cachedService.stop();
  await es.close();
  const lookups = (source: string) =>
    Number(new RegExp(`shop_cache_lookups_total\\{source="${source}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
  const hits = lookups('memory') + lookups('redis');
  return {
    bench: 'search',
    queries: queries.length,
    requests: amount,
    connections,
    latency_rate_per_s: LATENCY_RATE,
    p50_ms: serviceLatency.p50_ms,
    p99_ms: serviceLatency.p99_ms,
    rps: service.rps,
    saturated_p50_ms: service.p50_ms,
    errors: service.errors + service.non2xx + serviceLatency.errors,
    raw_p50_ms: rawLatency.p50_ms,
    raw_p99_ms: rawLatency.p99_ms,
    raw_saturated_p50_ms: raw.p50_ms,
    raw_rps: Math.round(rawQueriesPerSecond),
    es_requests_per_query: round(perQuery, 3),
    p50_over_raw: round(serviceLatency.p50_ms / Math.max(1, rawLatency.p50_ms), 2),
    rps_over_raw: round(service.rps / rawQueriesPerSecond, 2),
    cached_rps: cached.rps,
    cached_p99_ms: cached.p99_ms,
    hit_rate: round(hits / Math.max(1, hits + lookups('origin')), 3),
    cached_speedup: round(cached.rps / service.rps, 2),
    rss_mb: Math.round(rss),
  };
}
