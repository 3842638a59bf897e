// One hostile client must not hurt anyone else: its costly text is bounded, its share of the
// service is bounded (requests in progress, service time), inventing API keys or paths buys it no
// budget, guessing keys gets it refused, and unique parameters cannot fill the caches.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEsClient, type EsClient } from '../common/clients/elasticsearch.ts';
import { type Config, esUrlOf } from '../common/config.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { demoCatalogFile, indexCatalog } from './support/catalogs.ts';
import { config, dropIndices, testEs, testRedis } from './support/stack.ts';
import { startTcpProxy } from './support/tcp-proxy.ts';

const junk = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => 'bcdfghjklmnpqrstvwxz'[(i * 7 + seed * 13) % 20]).join('');

describe('hostile clients', () => {
  let es: EsClient;
  let alias: string;
  const apps: TestApp[] = [];
  const app = async (settings: Omit<Parameters<typeof buildTestApp>[1], 'indexAlias'>) => {
    const t = await buildTestApp(es, { indexAlias: alias, ...settings });
    apps.push(t);
    return t;
  };

  /**
   * An app whose Elasticsearch is reached through a proxy that holds everything sent in the first
   * 400 ms, so a client's spending is known whatever the machine's speed.
   */
  const stalledFor400Ms = async (settings: Partial<Config>, run: (t: TestApp) => Promise<void>) => {
    const url = new URL(esUrlOf(config));
    const proxy = await startTcpProxy(url.hostname, Number(url.port));
    const slowEs = await createEsClient(
      { ...config, esUrl: `http://127.0.0.1:${proxy.port}` },
      { requestTimeoutMs: 30000 },
    );
    try {
      const t = await buildTestApp(slowEs, {
        indexAlias: alias,
        cacheEnabled: false,
        searchBudgetMs: 5000,
        ...settings,
      });
      try {
        // Routes compile on the first request otherwise, and that time would come out of the stall.
        await t.app.ready();
        proxy.stall();
        setTimeout(() => proxy.release(), 400);
        await run(t);
      } finally {
        await t.close();
      }
    } finally {
      await slowEs.close();
      await proxy.close();
    }
  };

  before(async () => {
    es = await testEs();
    alias = await indexCatalog(es, demoCatalogFile(400, 14).file);
  });
  after(async () => {
    for (const t of apps) await t.close();
    await dropIndices(es, alias);
    await es.close();
  });

  it('answers long junk words, many words and long non-Latin runs with 200, never 503', async () => {
    const t = await app({ cacheEnabled: false });
    const queries = [
      junk(200, 1),
      Array.from({ length: 8 }, (_, i) => junk(20, i)).join(' '),
      'αβγδεζηθικλμνξοπρστυφχψω'.repeat(4),
      '漢字'.repeat(40),
      `lamp ${'ж'.repeat(150)}`,
      Array.from({ length: 60 }, (_, i) => junk(2, i)).join(' '),
    ];
    for (const q of queries) {
      for (const route of ['/search', '/suggest']) {
        const res = await t.app.inject(
          `${route}?q=${encodeURIComponent(q.slice(0, route === '/suggest' ? 100 : 200))}`,
        );
        assert.equal(res.statusCode, 200, `${route} ${q.slice(0, 30)}: ${res.body.slice(0, 200)}`);
      }
    }
    const many = await t.app.inject(`/search?q=${encodeURIComponent(queries[5]!.slice(0, 200))}`);
    assert.equal(many.json().query.split(' ').length, 10, 'only the first 10 words are searched');
  });

  it('queues a client past its requests in progress, refuses it past its queue with 429, and serves another', async () => {
    const t = await app({ cacheEnabled: false, clientConcurrency: 2, apiKeys: 'shop:shop-key' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    const costly = (i: number) => fetch(`${base}/search?q=${junk(12, i)}+${junk(12, i + 1)}`);
    // 2 in progress and 8 waiting at most: of 20 at once, at least 10 are refused.
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => costly(i)));
    const statuses = burst.map((r) => r.status);
    assert.ok(statuses.filter((s) => s === 200).length >= 2, `some served: ${statuses}`);
    assert.ok(statuses.filter((s) => s === 429).length >= 10, `the rest refused: ${statuses}`);
    const refused = burst.filter((r) => r.status === 429);
    assert.ok(refused.length >= 1, `some refused: ${statuses}`);
    assert.equal(refused[0]!.headers.get('retry-after'), '1');
    assert.equal(((await refused[0]!.json()) as { error: string }).error, 'rate_limited');
    // A page's burst of a few requests waits its turn instead of being refused.
    const page = await Promise.all(Array.from({ length: 5 }, (_, i) => costly(i + 40)));
    assert.deepEqual(
      page.map((r) => r.status),
      [200, 200, 200, 200, 200],
    );
    // Meanwhile a client with a known key has a share of its own.
    const during = await Promise.all([
      ...Array.from({ length: 4 }, (_, i) => costly(i + 20)),
      fetch(`${base}/search?q=lamp`, { headers: { 'x-api-key': 'shop-key' } }),
    ]);
    assert.equal(during.at(-1)!.status, 200);
  });

  it('refuses a client that used more than its service time until it has saved up again', async () => {
    // Elasticsearch is reached through a proxy that holds one search for 400 ms, so the client
    // overspends by a known amount whatever the machine's speed: a 5 ms/s budget saves up 50 ms,
    // and 400 ms spent puts it ~70 s in debt.
    await stalledFor400Ms({ clientBudgetMs: 5 }, async (t) => {
      assert.equal((await t.app.inject(`/search?q=${junk(10, 1)}`)).statusCode, 200, 'the costly search is served');
      const refused = await t.app.inject('/search?q=lamp');
      assert.equal(refused.statusCode, 429);
      assert.ok(Number(refused.headers['retry-after']) >= 30, `retry after ${refused.headers['retry-after']} s`);
      const other = await t.app.inject({ url: '/search?q=lamp', remoteAddress: '10.1.2.3' });
      assert.equal(other.statusCode, 200, 'another client is served');
      assert.equal((await t.app.inject('/health/live')).statusCode, 200, 'health checks are exempt');
    });
  });

  it("charges a multi-query's client every query's time, not the wall time of the batch", async () => {
    // Eight searches, four at a time: the first four wait 400 ms behind the stalled proxy together.
    // Charged by wall time (~0.4 s) the client would keep most of its 1 s burst; charged per query
    // (~1.6 s) it is in debt and refused.
    await stalledFor400Ms({ clientBudgetMs: 100, clientConcurrency: 0, algoliaIndex: 'shop' }, async (t) => {
      const requests = Array.from({ length: 8 }, (_, i) => ({ indexName: 'shop', query: junk(8, i) }));
      const batch = await t.app.inject({ method: 'POST', url: '/1/indexes/*/queries', payload: { requests } });
      assert.equal(batch.statusCode, 200, batch.body);
      const refused = await t.app.inject('/search?q=lamp');
      assert.equal(refused.statusCode, 429, 'the batch cost more than the burst');
    });
  });

  it('limits every route, unknown paths and docs included, by IP whatever API key is invented', async () => {
    const t = await app({ rateLimitMax: 2 });
    for (const url of ['/docs/json', '/no/such/route', '/web/store.js']) {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await t.app.inject({ url, headers: { 'x-api-key': `invented-${i}` } })).statusCode);
      assert.equal(statuses.at(-1), 429, `${url}: ${statuses}`);
    }
    for (let i = 0; i < 5; i++) assert.equal((await t.app.inject('/metrics')).statusCode, 200);
  });

  it('refuses an address with 429 after too many failed authentications, and no other address', async () => {
    const t = await app({ authFailureLimit: 3, adminKeys: 'ops:right-key' });
    const guess = (key: string, remoteAddress = '10.9.9.9') =>
      t.app.inject({ url: '/admin/rules', headers: { 'x-admin-key': key }, remoteAddress });
    for (let i = 0; i < 3; i++) assert.equal((await guess(`wrong-${i}`)).statusCode, 401);
    const blocked = await guess('right-key');
    assert.equal(blocked.statusCode, 429, 'even the right key, once the address is blocked');
    assert.ok(Number(blocked.headers['retry-after']) >= 1);
    assert.equal((await t.app.inject({ url: '/search?q=lamp', remoteAddress: '10.9.9.9' })).statusCode, 429);
    assert.equal((await guess('right-key', '10.9.9.10')).statusCode, 200, 'another address is not blocked');
    // Forged customer tokens count as failed authentications too.
    const tokens = await app({ authFailureLimit: 2, customerTokenSecrets: ['s3cret'] });
    const forged = (n: number) =>
      tokens.app.inject({
        url: `/search?q=lamp&customer=c1.YQ.9999999999.${'A'.repeat(42)}${n}`,
        remoteAddress: '10.8.8.8',
      });
    assert.equal((await forged(1)).statusCode, 401);
    assert.equal((await forged(2)).statusCode, 401);
    assert.equal((await forged(3)).statusCode, 429);
  });

  it('keeps one cached answer for requests that differ only in a channel no rule names', async () => {
    const t = await app({ cacheEnabled: true });
    for (let i = 0; i < 30; i++)
      assert.equal((await t.app.inject(`/search?q=lamp&channel=unique-${i}`)).statusCode, 200);
    const keys = await t.redis.keys(`${t.config.redisPrefix}cache:search:*`);
    assert.equal(keys.length, 1);
  });

  it('runs the embedded Redis with maxmemory and an eviction policy that spares keys without a TTL', async () => {
    const redis = testRedis();
    await redis.connect();
    try {
      const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as string[];
      const [, max] = (await redis.config('GET', 'maxmemory')) as string[];
      assert.equal(policy, 'volatile-lfu');
      assert.equal(Number(max), config.stackRedisMaxMemoryMb * 2 ** 20);
    } finally {
      redis.disconnect();
    }
  });
});
