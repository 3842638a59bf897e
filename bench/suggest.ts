// The Best Buy dev queries typed keystroke by keystroke at a fixed rate against /suggest (answer
// cache off), beside a raw completion-suggester request to Elasticsearch at the same rate, phase by
// phase in the same run: at the given rate, twice and four times it (where does it saturate?), then
// without the per-prefix product cache, then for signed-in customers with recent searches. Every
// answer is read: 503s (declared shedding) and answers without products (`degraded`) are counted.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEsClient } from '../common/clients/elasticsearch.ts';
import { createRedis } from '../common/clients/redis.ts';
import { esUrlOf } from '../common/config.ts';
import { mintCustomerToken } from '../common/customer-token.ts';
import { evalIndexFor } from '../eval/catalog-index.ts';
import { readSearchLog, suggestionEntries } from '../query/suggest/build/sources.ts';
import { suggestionStoreFor } from '../stores/suggestions.ts';
import { benchQueries } from './search.ts';
import { call, fixedRate, startService } from './service.ts';
import { benchServers, config, cpuMs, dataDir, round, say } from './support.ts';

/** A request unanswered after this counts as an error: it bounds a phase on an overloaded machine. */
const GIVE_UP_MS = 5000;

interface Counts {
  degraded: number;
  shed: number;
  refused: number;
  failed: number;
}

/**
 * Sends every prefix's request at `rate` and reads each answer; 503s and other failures are errors.
 * The service's own CPU time per request is measured too: on a shared machine it does not depend on
 * what the other processes are doing, unlike latency.
 */
async function keystrokes(urls: string[], rate: number, seconds: number, pid: number) {
  const counts: Counts = { degraded: 0, shed: 0, refused: 0, failed: 0 };
  const cpu0 = cpuMs(pid);
  const task = (url: string) => async () => {
    const res = await fetch(url, { signal: AbortSignal.timeout(GIVE_UP_MS) });
    const body = await res.text();
    if (res.status === 503) counts.shed++;
    else if (res.status >= 500) counts.failed++;
    else if (!res.ok) counts.refused++;
    if (!res.ok) throw new Error(`${res.status} from ${url}`);
    if (body.includes('"degraded":true')) counts.degraded++;
  };
  const r = await fixedRate(urls.map(task), rate, seconds);
  return {
    p50_ms: r.p50_ms,
    p99_ms: r.p99_ms,
    rps: r.rps,
    requests: r.requests,
    // Connection failures and timeouts (the client's), beside the service's own 503s and other errors.
    errors: r.errors - counts.shed - counts.failed - counts.refused,
    shed_503: counts.shed,
    other_5xx: counts.failed,
    refused_4xx: counts.refused,
    degraded_share: round(counts.degraded / Math.max(1, r.requests), 3),
    cpu_ms_per_request: round((cpuMs(pid) - cpu0) / Math.max(1, r.requests), 2),
  };
}

export async function suggestBench(args: { rate: number; seconds: number }) {
  await benchServers();
  const load = [os.loadavg()[0]!];
  const es = await createEsClient(config, { requestTimeoutMs: 60000 });
  const catalog = path.join(dataDir, 'catalogs', 'bestbuy-xbox.ndjson');
  if (!fs.existsSync(catalog)) throw new Error(`benchmark data missing: ${catalog}`);
  const alias = await evalIndexFor(es, config, catalog, say);
  const log = path.join(dataDir, 'logs', 'bestbuy-xbox-dev.queries.csv');
  const entries = await suggestionEntries({
    logs: [readSearchLog(log)],
    minUsers: config.suggestMinUsers,
    catalog: { es, alias },
  });
  const redisPrefix = `bench-suggest-${Date.now()}:`;
  const redis = createRedis(config);
  await redis.connect();
  await suggestionStoreFor(redis, { ...config, redisPrefix }).publishSnapshot(entries);
  const prefixes = (await benchQueries(3000)).flatMap((q) =>
    Array.from({ length: Math.min(q.length, 15) }, (_, i) => q.slice(0, i + 1).toLowerCase()),
  );
  say(`${entries.length} suggestions published; ${prefixes.length} keystroke prefixes, ${args.seconds}s per phase`);

  const rawUrl = `${esUrlOf(config)}/${alias}/_search`;
  const raw = (rate: number) =>
    fixedRate(
      prefixes.map((p) => async () => {
        const res = await fetch(rawUrl, {
          method: 'POST',
          body: JSON.stringify({
            _source: ['title'],
            suggest: { s: { prefix: p, completion: { field: 'suggest', size: 8 } } },
          }),
          headers: { 'content-type': 'application/json' },
          signal: AbortSignal.timeout(GIVE_UP_MS),
        });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`${res.status} from Elasticsearch`);
      }),
      rate,
      args.seconds,
    );
  // Signed-in shoppers send signed customer tokens, as a shop's pages would (docs/security.md).
  const tokenSecret = randomBytes(24).toString('base64url');
  const customer = (i: number) => mintCustomerToken(`bench-${i % 200}`, tokenSecret, 3600);
  const env = {
    SHOP_CUSTOMER_TOKEN_SECRET: tokenSecret,
    SHOP_INDEX_ALIAS: alias,
    SHOP_CACHE_ENABLED: 'false',
    SHOP_IMPRESSIONS_TOPIC: '',
    SHOP_REDIS_PREFIX: redisPrefix,
  };
  const service = await startService(env);
  const urls = prefixes.map((p) => `${service.url}/suggest?q=${encodeURIComponent(p)}`);
  const phases = [];
  for (const rate of [args.rate, 2 * args.rate, 4 * args.rate]) {
    const baseline = await raw(rate);
    const ours = await keystrokes(urls, rate, args.seconds, service.child.pid!);
    say(`${rate}/s: p99 ${ours.p99_ms} ms vs raw ${baseline.p99_ms} ms; degraded ${ours.degraded_share}`);
    phases.push({
      rate,
      ...ours,
      raw_p50_ms: baseline.p50_ms,
      raw_p99_ms: baseline.p99_ms,
      raw_errors: baseline.errors,
    });
  }
  // Signed-in shoppers: 200 customers with a few searches each; one Redis read joins their recent searches.
  const queries = await benchQueries(600);
  // A search the loaded service refuses only leaves that customer with fewer recent searches.
  for (let i = 0; i < queries.length; i++)
    await call(`${service.url}/search?q=${encodeURIComponent(queries[i]!)}&customer=${customer(i)}&size=1`).catch(
      () => {},
    );
  const personal = await keystrokes(
    prefixes.map((p, i) => `${service.url}/suggest?q=${encodeURIComponent(p)}&customer=${customer(i)}`),
    args.rate,
    args.seconds,
    service.child.pid!,
  );
  const metrics = await fetch(`${service.url}/metrics`).then((r) => r.text());
  const rss = service.peakRssMb();
  await service.stop();
  // Every keystroke asks Elasticsearch for products: what the per-prefix cache saves.
  const uncached = await startService({ ...env, SHOP_SUGGEST_PRODUCT_CACHE_MB: '0' });
  const noCache = await keystrokes(
    prefixes.map((p) => `${uncached.url}/suggest?q=${encodeURIComponent(p)}`),
    args.rate,
    args.seconds,
    uncached.child.pid!,
  );
  await uncached.stop();
  const keys = await redis.keys(`${redisPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await es.close();
  load.push(os.loadavg()[0]!);
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
  const [first, ...more] = phases;
  return {
    bench: 'suggest',
    rate_per_s: args.rate,
    seconds: args.seconds,
    requests: first!.requests,
    p50_ms: first!.p50_ms,
    p99_ms: first!.p99_ms,
    rps: first!.rps,
    errors: first!.errors + first!.shed_503 + first!.other_5xx + first!.refused_4xx,
    degraded_share: first!.degraded_share,
    cpu_ms_per_request: first!.cpu_ms_per_request,
    raw_p50_ms: first!.raw_p50_ms,
    raw_p99_ms: first!.raw_p99_ms,
    p99_over_raw: round(first!.p99_ms / Math.max(1, first!.raw_p99_ms), 2),
    higher_rates: more,
    no_product_cache: noCache,
    customer: personal,
    suggestions: gauge('shop_suggestions_entries'),
    suggestions_mb: round(gauge('shop_suggestions_memory_bytes') / 2 ** 20, 1),
    rss_mb: Math.round(rss),
    load_1m: load.map((l) => round(l, 2)),
  };
}
