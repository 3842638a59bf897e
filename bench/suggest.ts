// The Best Buy dev queries typed keystroke by keystroke at a fixed rate against /suggest (cache off,
// then on, then on for signed-in customers with recent searches), and a raw completion-suggester
// request to Elasticsearch at the same rate, in the same run.
import fs from 'node:fs';
import path from 'node:path';
import { createEsClient } from '../common/clients/elasticsearch.ts';
import { esUrlOf } from '../common/config.ts';
import { evalIndexFor } from '../eval/catalog-index.ts';
import { readSearchLog, suggestionEntries } from '../query/suggest/build/sources.ts';
import { rebuildSuggestions } from '../query/suggest/build/suggest-index.ts';
import { benchQueries } from './search.ts';
import { call, fixedRate, startService } from './service.ts';
import { benchServers, config, dataDir, say } from './support.ts';

export async function suggestBench(args: { rate: number; seconds: number }) {
  await benchServers();
  const es = await createEsClient(config, { requestTimeoutMs: 60000 });
  const catalog = path.join(dataDir, 'catalogs', 'bestbuy-xbox.ndjson');
  if (!fs.existsSync(catalog)) throw new Error(`benchmark data missing: ${catalog}`);
  const alias = await evalIndexFor(es, config, catalog, say);
  const log = path.join(dataDir, 'logs', 'bestbuy-xbox-dev.queries.csv');
  await rebuildSuggestions(
    es,
    alias,
    await suggestionEntries({ logs: [readSearchLog(log)], minUsers: config.suggestMinUsers, catalog: { es, alias } }),
  );
  const prefixes = (await benchQueries(3000)).flatMap((q) =>
    Array.from({ length: Math.min(q.length, 15) }, (_, i) => q.slice(0, i + 1).toLowerCase()),
  );
  const rate = args.rate;
  say(`${prefixes.length} keystroke prefixes at ${rate}/s for ${args.seconds}s`);

  const rawUrl = `${esUrlOf(config)}/${alias}/_search`;
  const raw = await fixedRate(
    prefixes.map(
      (p) => () =>
        call(
          rawUrl,
          JSON.stringify({
            _source: ['title'],
            suggest: { s: { prefix: p, completion: { field: 'suggest', size: 8 } } },
          }),
        ),
    ),
    rate,
    args.seconds,
  );
  const service = await startService({
    SHOP_INDEX_ALIAS: alias,
    SHOP_CACHE_ENABLED: 'false',
    SHOP_IMPRESSIONS_TOPIC: '',
  });
  const ours = await fixedRate(
    prefixes.map((p) => () => call(`${service.url}/suggest?q=${encodeURIComponent(p)}`)),
    rate,
    args.seconds,
  );
  const rss = service.peakRssMb();
  await service.stop();
  // The production default: answers cached in process and in Redis (prefixes repeat a lot).
  const cachedService = await startService({
    SHOP_INDEX_ALIAS: alias,
    SHOP_CACHE_ENABLED: 'true',
    SHOP_IMPRESSIONS_TOPIC: '',
    SHOP_REDIS_PREFIX: `bench-${Date.now()}:`,
  });
  const cached = await fixedRate(
    prefixes.map((p) => () => call(`${cachedService.url}/suggest?q=${encodeURIComponent(p)}`)),
    rate,
    args.seconds,
  );
  // Signed-in shoppers: 200 customers with a few searches each; their recent searches join the cached answer.
  const queries = await benchQueries(600);
  for (let i = 0; i < queries.length; i++)
    await call(`${cachedService.url}/search?q=${encodeURIComponent(queries[i]!)}&customer=bench-${i % 200}&size=1`);
  const personal = await fixedRate(
    prefixes.map(
      (p, i) => () => call(`${cachedService.url}/suggest?q=${encodeURIComponent(p)}&customer=bench-${i % 200}`),
    ),
    rate,
    args.seconds,
  );
  await cachedService.stop();
  await es.close();
  return {
    bench: 'suggest',
    rate_per_s: rate,
    seconds: args.seconds,
    requests: ours.requests,
    p50_ms: ours.p50_ms,
    p99_ms: ours.p99_ms,
    rps: ours.rps,
    // Failed requests to the service in any phase.
    errors: ours.errors + cached.errors + personal.errors,
    raw_p50_ms: raw.p50_ms,
    raw_p99_ms: raw.p99_ms,
    raw_rps: raw.rps,
    cached_p50_ms: cached.p50_ms,
    cached_p99_ms: cached.p99_ms,
    customer_p50_ms: personal.p50_ms,
    customer_p99_ms: personal.p99_ms,
    rss_mb: Math.round(rss),
  };
}
