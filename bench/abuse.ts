// One hostile client against everyone else, on the Best Buy catalog: a victim (shoppers from many
// addresses) sends ordinary searches and suggestions from the dev log at a fixed rate while one
// attacker address runs each hostile pattern in turn, closed loop, from many connections. Per
// phase: the victim's p50/p99 and errors, the attacker's statuses, service RSS and Redis memory.
// The same phases run against the same build with fair shares off (the baseline), then 100,000
// unique requests measure memory. Addresses are given by X-Forwarded-For from a trusted proxy
// (127.0.0.1), as behind a load balancer.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { readProducts } from '../catalog/read.ts';
import { createRedis } from '../common/clients/redis.ts';
import { evalIndexFor } from '../eval/catalog-index.ts';
import { readSearchLog } from '../query/suggest/build/sources.ts';
import { fixedRate, type RunningService, startService } from './service.ts';
import { benchName, benchServers, config, dataDir, deleteKeys, round, say } from './support.ts';

const CONSONANTS = 'bcdfghjklmnpqrstvwxz';
const GREEK = 'αβγδεζηθικλμνξοπρστυφχψω';
const rand = (n: number) => Math.floor(Math.random() * n);
const junk = (n: number, letters = CONSONANTS) =>
  Array.from({ length: n }, () => letters[rand(letters.length)]).join('');
const words = (count: number, length: number) => Array.from({ length: count }, () => junk(length)).join(' ');

/** Each hostile pattern: the next request (a GET unless it has a body), and headers (the attacker's address, maybe a made-up key). */
interface Pattern {
  name: string;
  next: () => { path: string; headers?: Record<string, string>; body?: string };
}

const ATTACKER = '10.66.0.1';

function patterns(productIds: string[]): Pattern[] {
  let n = 0;
  const unique = () => `${Date.now().toString(36)}${(n++).toString(36)}`;
  // Ten unknown 14-letter words starting with the catalog's commonest initials: spelling looks for
  // each one's correction among the vocabulary's words (the work is in the service, not in Elasticsearch).
  const misspelled = () => Array.from({ length: 10 }, (_, i) => `${'spcmt'[i % 5]}${junk(13)}`).join(' ');
  // Distinct single letters: each matches a whole range of the suggestion dictionary, together nothing.
  const scattered = () => [...new Set(Array.from({ length: 6 }, () => 'etaoinshrdlcu'[rand(13)]))].join(' ');
  return [
    { name: 'long_junk_words', next: () => ({ path: `/search?q=${junk(200)}` }) },
    {
      // The most typo tolerance still allows (4 words of 15), and many long words.
      name: 'many_words',
      next: () => ({ path: `/search?q=${encodeURIComponent(n++ % 2 ? words(4, 15) : words(9, 20))}` }),
    },
    {
      name: 'non_latin_runs',
      next: () => {
        const q = encodeURIComponent(junk(80 + rand(20), n++ % 2 ? GREEK : '漢字仮名交じり文'));
        return { path: n % 3 === 0 ? `/suggest?q=${encodeURIComponent(junk(90, GREEK))}` : `/search?q=${q}` };
      },
    },
    {
      name: 'forged_cursors',
      next: () => ({
        path: `/search?q=xbox&sort=price_asc&cursor=${randomBytes(60).toString('base64url')}.${randomBytes(16).toString('base64url')}`,
      }),
    },
    {
      name: 'unique_parameters',
      next: () => {
        const u = unique();
        const paths = [
          `/search?q=xbox&channel=c${u}`,
          `/recommendations/trending?exclude=${productIds[rand(productIds.length)]},x${u}`,
          `/search?q=xbox&brand=b${u}`,
          `/suggest?q=xb${u}`,
        ];
        return { path: paths[n % paths.length]! };
      },
    },
    { name: 'spelling_junk', next: () => ({ path: `/search?q=${encodeURIComponent(misspelled())}` }) },
    { name: 'scattered_letters', next: () => ({ path: `/suggest?q=${encodeURIComponent(scattered())}` }) },
    {
      // The InstantSearch multi-query at its most: 32 searches of unknown words in one request.
      name: 'instantsearch_batch',
      next: () => ({
        path: '/1/indexes/*/queries',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          requests: Array.from({ length: 32 }, () => ({
            indexName: config.algoliaIndex,
            params: `query=${encodeURIComponent(misspelled())}&hitsPerPage=10`,
          })),
        }),
      }),
    },
    {
      name: 'key_rotation',
      next: () => ({ path: `/search?q=${junk(60)}`, headers: { 'x-api-key': randomBytes(12).toString('hex') } }),
    },
  ];
}

interface VictimResult {
  requests: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  /** Statuses of the errors (0: no answer). */
  error_statuses: Record<string, number>;
}

/** Shoppers' searches and suggestions at `rate` per second, each from one of 200 addresses, timed from its due time. */
async function victim(base: string, queries: string[], rate: number, seconds: number): Promise<VictimResult> {
  const errorStatuses: Record<string, number> = {};
  const request = async (i: number) => {
    const q = queries[i] ?? 'xbox';
    const url =
      i % 2 === 0
        ? `${base}/search?q=${encodeURIComponent(q)}&size=10`
        : `${base}/suggest?q=${encodeURIComponent(q.slice(0, 1 + (i % Math.max(1, Math.min(8, q.length)))))}`;
    const status = await fetch(url, {
      headers: { 'x-forwarded-for': `10.1.${i % 200}.${1 + (i % 250)}` },
      signal: AbortSignal.timeout(10000),
    }).then(
      async (res) => {
        await res.arrayBuffer();
        return res.status;
      },
      () => 0,
    );
    if (status < 200 || status >= 300) {
      errorStatuses[status] = (errorStatuses[status] ?? 0) + 1;
      throw new Error(`${status}`);
    }
  };
  const total = Math.round(rate * seconds);
  const r = await fixedRate(
    Array.from({ length: total }, (_, i) => () => request(i)),
    rate,
    seconds,
  );
  queries.splice(0, total);
  return { requests: r.requests, p50_ms: r.p50_ms, p99_ms: r.p99_ms, errors: r.errors, error_statuses: errorStatuses };
}

/** The attacker, closed loop from `connections` connections for `seconds`; status counts. */
async function attack(base: string, p: Pattern, connections: number, seconds: number): Promise<Record<string, number>> {
  const statuses: Record<string, number> = {};
  const r = await autocannon({
    url: base,
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (req: autocannon.Request) => {
          const next = p.next();
          return {
            ...req,
            path: next.path,
            ...(next.body ? { method: 'POST' as const, body: next.body } : {}),
            headers: { ...req.headers, 'x-forwarded-for': ATTACKER, ...next.headers },
          };
        },
      },
    ],
    setupClient: (client) =>
      client.on('response', (status: number) => {
        statuses[status] = (statuses[status] ?? 0) + 1;
      }),
  });
  if (r.errors + r.timeouts > 0) statuses.network_errors = r.errors + r.timeouts;
  return statuses;
}

const rssMb = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? round(Number(m[1]) / 1024, 0) : 0;
};

async function redisUsedMb(): Promise<{ used_mb: number; maxmemory_mb: number; evicted_keys: number }> {
  const redis = createRedis(config);
  await redis.connect();
  try {
    const info = await redis.info();
    const field = (k: string) => Number(new RegExp(`^${k}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
    return {
      used_mb: round(field('used_memory') / 2 ** 20),
      maxmemory_mb: round(field('maxmemory') / 2 ** 20),
      evicted_keys: field('evicted_keys'),
    };
  } finally {
    redis.disconnect();
  }
}

interface PhaseResult {
  phase: string;
  victim: VictimResult;
  victim_p99_vs_no_attack?: number;
  attacker?: Record<string, number>;
  service_rss_mb: number;
  redis?: Awaited<ReturnType<typeof redisUsedMb>>;
}

async function phases(
  service: RunningService,
  all: Pattern[],
  queries: string[],
  o: { rate: number; seconds: number; connections: number },
) {
  const pid = service.child.pid!;
  // Warm up (JIT, connections, the spelling vocabulary), then the victim alone.
  await victim(service.url, queries, o.rate, 5);
  say(`  no attack: victim alone, ${o.seconds} s`);
  const quiet = await victim(service.url, queries, o.rate, o.seconds);
  const out: PhaseResult[] = [{ phase: 'no_attack', victim: quiet, service_rss_mb: rssMb(pid) }];
  for (const p of all) {
    say(`  ${p.name}: ${o.connections} connections for ${o.seconds} s`);
    const [v, attacker] = await Promise.all([
      victim(service.url, queries, o.rate, o.seconds),
      attack(service.url, p, o.connections, o.seconds),
    ]);
    out.push({
      phase: p.name,
      victim: v,
      victim_p99_vs_no_attack: round(v.p99_ms / quiet.p99_ms, 2),
      attacker,
      service_rss_mb: rssMb(pid),
      redis: await redisUsedMb(),
    });
    // Lets the attacker's budget refill, as between real attacks, so phases do not carry over.
    await new Promise((r) => setTimeout(r, 3000));
  }
  return { no_attack_p99_ms: quiet.p99_ms, phases: out };
}

/** 100,000 unique requests from many addresses: what memory holds afterwards. */
async function uniqueRequests(service: RunningService, queries: string[], productIds: string[], count: number) {
  let n = 0;
  const pid = service.child.pid!;
  const statuses: Record<string, number> = {};
  const next = () => {
    const i = n++;
    const q = queries[i % queries.length]!;
    const id = productIds[i % productIds.length]!;
    // Mostly requests that cost the backend little, so 100,000 finish in minutes: memory, not
    // Elasticsearch, is what this phase measures.
    const paths = [
      `/search?q=${encodeURIComponent(`${q} ${i}`)}&size=10`,
      `/suggest?q=${encodeURIComponent(`${q.slice(0, 6)}${i}`)}`,
      `/search?q=xbox&channel=u${i}`,
      `/search?q=halo&channel=u${i}`,
      `/recommendations/similar/${id}?exclude=z${i}`,
      `/recommendations/trending?exclude=z${i}`,
      `/recommendations/bought-together?items=${id}&exclude=z${i}`,
      `/recommendations/similar/${id}?exclude=y${i}&size=5`,
      `/products/unique-${i}`,
      `/products/${id}?u=${i}`,
    ];
    return paths[i % paths.length]!;
  };
  const before = { service_rss_mb: rssMb(pid), redis: await redisUsedMb() };
  const started = performance.now();
  await autocannon({
    url: service.url,
    connections: 32,
    amount: count,
    requests: [
      {
        setupRequest: (req: autocannon.Request) => ({
          ...req,
          path: next(),
          headers: { ...req.headers, 'x-forwarded-for': `10.2.${n % 250}.${1 + ((n >> 8) % 250)}` },
        }),
      },
    ],
    setupClient: (client) =>
      client.on('response', (status: number) => {
        statuses[status] = (statuses[status] ?? 0) + 1;
      }),
  });
  const seconds = (performance.now() - started) / 1000;
  const right = { service_rss_mb: rssMb(pid), redis: await redisUsedMb() };
  await new Promise((r) => setTimeout(r, 20000));
  return {
    requests: count,
    seconds: round(seconds),
    statuses,
    before,
    right_after: right,
    after_20s: { service_rss_mb: rssMb(pid), redis: await redisUsedMb() },
    service_peak_rss_mb: round(service.peakRssMb(), 0),
  };
}

export async function abuseBench(args: { seconds: number; rate: number; docs: number }) {
  const { es } = await benchServers();
  const catalog = path.join(dataDir, 'catalogs', 'bestbuy-xbox.ndjson');
  const alias = await evalIndexFor(es, config, catalog, say);
  const productIds = (await readProducts(catalog)).map((p) => p.id);
  const logged: string[] = [];
  for await (const s of readSearchLog(path.join(dataDir, 'logs', 'bestbuy-xbox-dev.queries.csv'))) logged.push(s.query);
  // Distinct queries in log order, so each phase's victim searches are mostly not cached yet.
  const distinct = [...new Set(logged)];
  const seconds = args.seconds;
  const o = { rate: args.rate, seconds, connections: 16 };
  const prefix = `${benchName('abuse')}:`;
  const env = {
    SHOP_INDEX_ALIAS: alias,
    SHOP_REDIS_PREFIX: prefix,
    SHOP_TRUST_PROXY: '127.0.0.1',
    // The limits this bench is about, at their defaults (other benches turn them off).
    SHOP_RATE_LIMIT_MAX: String(config.rateLimitMax),
    SHOP_CLIENT_CONCURRENCY: String(config.clientConcurrency),
    SHOP_CLIENT_BUDGET_MS: String(config.clientBudgetMs),
    // Generous budgets: on a shared machine, Elasticsearch alone misses the 300 ms autocomplete
    // budget under other people's load; this bench is about what one client does to the others.
    SHOP_SUGGEST_BUDGET_MS: '2000',
    SHOP_SEARCH_BUDGET_MS: '3000',
  };
  const run = async (label: string, extra: Record<string, string>, queries: string[]) => {
    say(`${label}: starting the service`);
    const service = await startService({ ...env, ...extra });
    try {
      return {
        ...(await phases(service, patterns(productIds), queries, o)),
        service_peak_rss_mb: round(service.peakRssMb(), 0),
      };
    } finally {
      await service.stop();
    }
  };
  const half = Math.floor(distinct.length / 2);
  const protectedRun = await run('fair shares on (defaults)', {}, distinct.slice(0, half));
  const baseline = await run(
    'baseline: fair shares off',
    { SHOP_CLIENT_CONCURRENCY: '0', SHOP_CLIENT_BUDGET_MS: '0' },
    distinct.slice(half),
  );
  let memory: Awaited<ReturnType<typeof uniqueRequests>> | undefined;
  if (args.docs > 0) {
    say(`memory: ${args.docs} unique requests`);
    const service = await startService(env);
    try {
      memory = await uniqueRequests(service, distinct, productIds, args.docs);
    } finally {
      await service.stop();
    }
  }
  const redis = createRedis(config);
  await redis.connect();
  await deleteKeys(redis, prefix);
  redis.disconnect();
  await es.close();

  const worst = (r: typeof protectedRun) =>
    r.phases.slice(1).reduce(
      (w, p) => ({
        p99_ratio: Math.max(w.p99_ratio, p.victim_p99_vs_no_attack ?? 0),
        errors: w.errors + p.victim.errors,
      }),
      { p99_ratio: 0, errors: 0 },
    );
  return {
    bench: 'abuse',
    service_env: {
      SHOP_SUGGEST_BUDGET_MS: env.SHOP_SUGGEST_BUDGET_MS,
      SHOP_SEARCH_BUDGET_MS: env.SHOP_SEARCH_BUDGET_MS,
    },
    victim_rate_per_s: o.rate,
    seconds_per_phase: seconds,
    attacker_connections: o.connections,
    targets: { victim_p99_ratio_max: 2, victim_errors: 0, service_rss_mb_max: 400 },
    fair_shares_on: { worst: worst(protectedRun), ...protectedRun },
    baseline_fair_shares_off: { worst: worst(baseline), ...baseline },
    ...(memory ? { unique_requests: memory } : {}),
  };
}
