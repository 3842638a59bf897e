// Sustained mixed load, then a step past capacity, then recovery, against the built service on the
// Best Buy catalog with a recommendation model learned from the Best Buy clicks. The mix follows
// the dev logs: 36k searches and 21.6k product clicks, each click a product page with a rail, and
// about three autocomplete requests per search typed, plus some category browsing.
import path from 'node:path';
import autocannon from 'autocannon';
import { categoryPathString } from '../catalog/product.ts';
import { readProducts } from '../catalog/read.ts';
import { createRedis } from '../common/clients/redis.ts';
import { readClickLog } from '../ranking/learn/click-log.ts';
import { recsKeys } from '../recommender/publish/keys.ts';
import { summarize } from '../recommender/publish/product-summary.ts';
import { publish } from '../recommender/publish/publish.ts';
import { train } from '../recommender/train.ts';
import { defaultTrainingOptions } from '../recommender/training-options.ts';
import { readSearchLog } from '../query/suggest/build/sources.ts';
import { evalIndexFor } from '../eval/catalog-index.ts';
import { startService } from './service.ts';
import { benchName, benchServers, config, dataDir, peakRssMb, percentile, round, say } from './support.ts';

interface Sample {
  ms: number;
  status: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Requests at a fixed rate, each timed from its scheduled start; RSS sampled every 5 s. */
async function steady(
  base: string,
  next: () => string,
  rate: number,
  seconds: number,
  pid: number,
): Promise<{ samples: Sample[]; rssMb: number[] }> {
  const samples: Sample[] = [];
  const rssMb: number[] = [];
  const inflight: Promise<void>[] = [];
  const t0 = performance.now();
  const total = Math.round(rate * seconds);
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    if (i % Math.round(rate * 5) === 0) rssMb.push(round(peakRssMb(pid), 0));
    inflight.push(
      fetch(`${base}${next()}`, { signal: AbortSignal.timeout(5000) }).then(
        async (res) => {
          await res.arrayBuffer();
          samples.push({ ms: performance.now() - due, status: res.status });
        },
        () => {
          samples.push({ ms: performance.now() - due, status: 0 });
        },
      ),
    );
  }
  await Promise.all(inflight);
  return { samples, rssMb };
}

const summarizeSamples = (s: Sample[]) => {
  const ms = s.map((x) => x.ms).sort((a, b) => a - b);
  const by = (f: (x: Sample) => boolean) => s.filter(f).length;
  return {
    requests: s.length,
    p50_ms: round(percentile(ms, 50)),
    p99_ms: round(percentile(ms, 99)),
    p999_ms: round(percentile(ms, 99.9)),
    ok: by((x) => x.status >= 200 && x.status < 300),
    shed_429_503: by((x) => x.status === 429 || x.status === 503),
    other_errors: by((x) => x.status === 0 || (x.status >= 400 && x.status !== 429 && x.status !== 503)),
  };
};

export async function loadBench(args: { seconds: number; rate: number }) {
  const { es } = await benchServers();
  const catalog = path.join(dataDir, 'catalogs', 'bestbuy-xbox.ndjson');
  const alias = await evalIndexFor(es, config, catalog, say);
  const products = await readProducts(catalog);
  const clicks = await readClickLog(path.join(dataDir, 'logs', 'bestbuy-xbox-dev.clicks.csv'));
  const queries: string[] = [];
  for await (const s of readSearchLog(path.join(dataDir, 'logs', 'bestbuy-xbox-dev.queries.csv')))
    queries.push(s.query);
  const prefix = `${benchName('load')}:`;
  const redis = createRedis(config);
  await redis.connect();
  // Clicks as views, a session per shopper and day: enough for similar-item rails.
  const interactions = clicks.map((c, i) => ({
    user: `u${i % 5000}`,
    session: `${c.query}-${new Date(c.time).toISOString().slice(0, 10)}-${i % 5000}`,
    item: c.product,
    kind: 'view' as const,
    time: c.time,
  }));
  const model = await train(
    { interactions, products },
    { ...defaultTrainingOptions, minCount: 2, item2vec: { ...defaultTrainingOptions.item2vec, epochs: 2 } },
  );
  await publish(redis, recsKeys(prefix), model, products.map(summarize));
  const categories = [
    ...new Set(products.flatMap((p) => (p.categories?.length ? [categoryPathString(p.categories)] : []))),
  ];
  const service = await startService({ SHOP_INDEX_ALIAS: alias, SHOP_REDIS_PREFIX: prefix, SHOP_RATE_LIMIT_MAX: '0' });
  const pid = service.child.pid!;

  // Per search: three keystroke requests, 0.6 product pages with a rail, 0.2 category pages.
  let n = 0;
  const next = (): string => {
    const r = Math.random() * 4.8;
    const q = queries[n++ % queries.length]!;
    if (r < 1) return `/search?q=${encodeURIComponent(q)}&size=10`;
    if (r < 4) return `/suggest?q=${encodeURIComponent(q.slice(0, 1 + (n % Math.max(1, Math.min(8, q.length)))))}`;
    if (r < 4.6) return `/recommendations/similar/${products[n % products.length]!.id}`;
    return `/categories/${encodeURIComponent(categories[n % categories.length]!)}/products?size=12`;
  };

  say(`sustained: ${args.rate} requests/s for ${args.seconds} s`);
  const sustained = await steady(service.url, next, args.rate, args.seconds, pid);

  // Past capacity: as many requests as 256 connections can send, for 20 s, while a health check
  // runs every 200 ms.
  say('overload: 256 connections, closed loop, 20 s');
  const health: Sample[] = [];
  let probing = true;
  const probe = (async () => {
    while (probing) {
      const t = performance.now();
      const status = await fetch(`${service.url}/health/live`, { signal: AbortSignal.timeout(5000) }).then(
        (r) => r.status,
        () => 0,
      );
      health.push({ ms: performance.now() - t, status });
      await sleep(200);
    }
  })();
  const statuses = new Map<number, number>();
  const overload = await autocannon({
    url: service.url,
    connections: 256,
    duration: 20,
    requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, path: next() }) }],
    setupClient: (client) =>
      client.on('response', (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1)),
  });
  probing = false;
  await probe;

  say('recovery: back to the sustained rate for 20 s');
  const recovery = await steady(service.url, next, args.rate, 20, pid);
  const rss = service.peakRssMb();
  await service.stop();
  const keys = await redis.keys(`${prefix}*`);
  for (let i = 0; i < keys.length; i += 500) await redis.unlink(...keys.slice(i, i + 500));
  redis.disconnect();
  await es.close();

  const shed = (statuses.get(503) ?? 0) + (statuses.get(429) ?? 0);
  const healthMs = health.map((h) => h.ms).sort((a, b) => a - b);
  return {
    bench: 'load',
    mix: 'search 21% / suggest 62% / similar items 12% / category pages 4%',
    sustained: {
      rate_per_s: args.rate,
      seconds: args.seconds,
      ...summarizeSamples(sustained.samples),
      peak_rss_mb_every_5s: sustained.rssMb,
    },
    overload: {
      connections: 256,
      seconds: 20,
      requests: overload.requests.total,
      rps: Math.round(overload.requests.total / 20),
      ok: statuses.get(200) ?? 0,
      shed_503_429: shed,
      other: [...statuses].filter(([s]) => s !== 200 && s !== 503 && s !== 429).reduce((a, [, c]) => a + c, 0),
      errors: overload.errors + overload.timeouts,
      p50_ms: overload.latency.p50,
      p99_ms: overload.latency.p99,
      health_checks: health.length,
      health_failed: health.filter((h) => h.status !== 200).length,
      health_p99_ms: round(percentile(healthMs, 99)),
    },
    recovery: summarizeSamples(recovery.samples),
    service_peak_rss_mb: round(rss, 0),
  };
}
