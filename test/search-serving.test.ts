// Serving qualities: the cache layers and index version switches, rate limiting, degradation when
// Elasticsearch is unreachable, and hostile input, against real Elasticsearch and Redis.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEsClient, type EsClient } from '../common/clients/elasticsearch.ts';
import { esPortOf } from '../common/config.ts';
import { rebuildFromCatalog } from '../indexer/rebuild.ts';
import { indexOptionsOf } from '../mappings/lifecycle.ts';
import { answerOf, buildTestApp, type TestApp } from './support/app.ts';
import { demoCatalogFile, indexCatalog } from './support/catalogs.ts';
import { config, dropIndices, testEs } from './support/stack.ts';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.ts';

describe('serving', () => {
  let es: EsClient;
  let alias: string;
  const apps: TestApp[] = [];
  const app = async (settings: Parameters<typeof buildTestApp>[1], esClient = es) => {
    const t = await buildTestApp(esClient, settings);
    apps.push(t);
    return t;
  };
  const demo = demoCatalogFile(800, 21);

  before(async () => {
    es = await testEs();
    alias = await indexCatalog(es, demo.file);
  });
  after(async () => {
    for (const t of apps) await t.close();
    await dropIndices(es, alias);
    await es.close();
  });

  it('answers from memory, then from Redis in another instance, and never across a version switch', async () => {
    const first = await app({ indexAlias: alias, cacheEnabled: true });
    const url = '/search?q=headphones&facets=brand';
    const a = await first.app.inject(url);
    assert.equal(a.headers['x-cache'], 'origin');
    const b = await first.app.inject(url);
    assert.equal(b.headers['x-cache'], 'memory');
    assert.deepEqual(answerOf(b), answerOf(a));
    assert.equal(
      (await first.app.inject(`${url}&size=5`)).headers['x-cache'],
      'origin',
      'every parameter is part of the key',
    );

    const second = await app({ indexAlias: alias, cacheEnabled: true, redisPrefix: first.config.redisPrefix });
    const c = await second.app.inject(url);
    assert.equal(c.headers['x-cache'], 'redis', 'instances share answers through Redis');

    const before = a.headers['x-index-version'];
    const rebuilt = await rebuildFromCatalog(
      es,
      { ...indexOptionsOf(config), alias },
      { catalogFile: demo.file, versionBase: 10, batchSize: 1000 },
    );
    await new Promise((r) => setTimeout(r, 1100)); // the live version is looked up once a second
    const d = await first.app.inject(url);
    assert.equal(d.headers['x-index-version'], rebuilt.index);
    assert.notEqual(d.headers['x-index-version'], before);
    assert.equal(d.headers['x-cache'], 'origin', 'no answer from the old version after the switch');
  });

  it('answers 200 concurrent identical requests for a cold key with one backend search (no stampede)', async () => {
    const t = await app({ indexAlias: alias, cacheEnabled: true });
    const searches = async () => {
      const stats = await es.indices.stats({ index: alias, metric: 'search' });
      return stats._all.total!.search!.query_total!;
    };
    const shards = Object.keys((await es.searchShards({ index: alias })).shards).length;
    const before = await searches();
    const url = '/search?q=wireless+headphones&facets=brand&size=7';
    const answers = await Promise.all(Array.from({ length: 200 }, () => t.app.inject(url)));
    assert.ok(answers.every((a) => a.statusCode === 200));
    assert.equal(new Set(answers.map((a) => JSON.stringify(answerOf(a)))).size, 1);
    assert.equal(
      answers.filter((a) => a.headers['x-cache'] === 'origin').length,
      200,
      'all were misses, answered by one computation',
    );
    const shardQueries = (await searches()) - before;
    assert.ok(
      shardQueries <= shards,
      `${shardQueries} shard queries for 200 requests over ${shards} shards: one search`,
    );
  });

  it('limits each client per route with 429 and Retry-After, and never limits health checks', async () => {
    const t = await app({ indexAlias: alias, cacheEnabled: false, rateLimitMax: 3, apiKeys: 'partner:partner-1' });
    for (let i = 0; i < 3; i++) assert.equal((await t.app.inject('/search?q=lamp&facets=brand')).statusCode, 200);
    const limited = await t.app.inject('/search?q=lamp&facets=brand');
    assert.equal(limited.statusCode, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal(limited.json().error, 'rate_limited');
    assert.equal((await t.app.inject('/categories')).statusCode, 200, 'another route has its own budget');
    assert.equal(
      (await t.app.inject({ url: '/search?q=lamp&facets=brand', headers: { 'x-api-key': 'partner-1' } })).statusCode,
      200,
      'another client (a known API key) has its own budget',
    );
    assert.equal(
      (await t.app.inject({ url: '/search?q=lamp&facets=brand', headers: { 'x-api-key': 'made-up' } })).statusCode,
      429,
      'an unknown key is no client of its own: it counts as its IP',
    );
    for (let i = 0; i < 5; i++) assert.equal((await t.app.inject('/health/live')).statusCode, 200);
  });

  describe('with Elasticsearch unreachable', () => {
    let proxy: TcpProxy;
    let t: TestApp;
    before(async () => {
      proxy = await startTcpProxy('127.0.0.1', esPortOf(config));
      const viaProxy = await createEsClient(
        { ...config, esUrl: `http://127.0.0.1:${proxy.port}` },
        { requestTimeoutMs: 2000 },
      );
      t = await app({ indexAlias: alias, cacheEnabled: true, cacheTtlSeconds: 1, searchBudgetMs: 500 }, viaProxy);
    });
    after(() => proxy.close());

    it('serves a cached answer marked stale, and fails fast with 503 and Retry-After otherwise', async () => {
      const cachedUrl = '/search?q=tent&facets=brand';
      assert.equal((await t.app.inject(cachedUrl)).statusCode, 200);
      await new Promise((r) => setTimeout(r, 1100)); // no longer fresh anywhere
      await proxy.cut();
      const t0 = Date.now();
      const stale = await t.app.inject(cachedUrl);
      assert.equal(stale.statusCode, 200, stale.body);
      assert.equal(stale.headers['x-cache'], 'stale');
      assert.equal(stale.json().stale, true);
      const uncached = await t.app.inject('/search?q=yoga&facets=brand');
      assert.ok(Date.now() - t0 < 3000, 'no hanging');
      assert.equal(uncached.statusCode, 503);
      assert.equal(uncached.headers['retry-after'], '5');
      assert.doesNotMatch(uncached.body, /ECONNREFUSED|connect|elastic/i, 'no backend error text leaks');
      await proxy.restore();
    });
  });

  it('lets only the configured origins call the API from a browser', async () => {
    const t = await app({ indexAlias: alias, corsOrigins: 'https://shop.example' });
    const allowed = await t.app.inject({ url: '/search?q=tea', headers: { origin: 'https://shop.example' } });
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://shop.example');
    const other = await t.app.inject({ url: '/search?q=tea', headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/admin/rules',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    const none = await app({ indexAlias: alias });
    assert.equal(
      (await none.app.inject({ url: '/search?q=tea', headers: { origin: 'https://shop.example' } })).headers[
        'access-control-allow-origin'
      ],
      undefined,
      'no origin by default',
    );
  });

  it('rejects hostile or malformed input with a 4xx JSON error naming the field', async () => {
    const t = await app({ indexAlias: alias, cacheEnabled: false });
    const cases: [string, number, string | undefined][] = [
      ['/search?q=tea&colour=red', 400, 'colour'],
      [`/search?q=${'x'.repeat(201)}`, 400, 'q'],
      ['/search?size=1000', 400, 'size'],
      ['/search?size=-1', 400, 'size'],
      ['/search?page=0', 400, 'page'],
      ['/search?page=abc', 400, 'page'],
      ['/search?price_min=10&price_max=5', 400, 'price_min'],
      ['/search?price_min=NaN', 400, 'price_min'],
      // Coercion turns these into Infinity, which is not a number here (found by the fuzz run).
      ['/search?size=Infinity', 400, 'size'],
      ['/search?price_max=1e400', 400, 'price_max'],
      ['/search?rating_min=9', 400, 'rating_min'],
      ['/search?in_stock=maybe', 400, 'in_stock'],
      ['/search?sort=random', 400, 'sort'],
      ['/search?facets=brand,__proto__', 400, 'facets'],
      ['/search?attr=nocolon', 400, 'attr.0'],
      ['/search?cursor=!!!', 400, 'cursor'],
      [`/search?cursor=${Buffer.from('{"after":[{"script":1}],"list":"x"}').toString('base64url')}`, 400, 'cursor'],
      ['/search?profile=nope', 400, 'profile'],
      [`/search?category=${'a'.repeat(601)}`, 400, 'category'],
      [`/search?brand=${encodeURIComponent('x'.repeat(201))}`, 400, 'brand.0'],
      ['/search?q=%00%FF%FE', 200, undefined],
      ['/search?q=%F0%9F%98%80%20lamp', 200, undefined],
      [`/search?q=${encodeURIComponent('<script>alert(1)</script>')}`, 200, undefined],
      [`/products/${encodeURIComponent('../../etc/passwd')}`, 404, undefined],
      [`/products/${'x'.repeat(300)}`, 400, 'id'],
      [`/categories/${encodeURIComponent('../..')}/products`, 404, undefined],
      ['/categories/%20%20/products', 400, 'path'],
      ['/categories?depth=99', 400, 'depth'],
      ['/nope', 404, undefined],
    ];
    for (const [url, status, field] of cases) {
      const res = await t.app.inject(url);
      assert.equal(res.statusCode, status, `${url}: ${res.body}`);
      const body = res.json() as { error?: string; message?: string; field?: string };
      if (status >= 400) {
        assert.ok(body.error && body.message, `${url}: JSON error with a message`);
        assert.doesNotMatch(body.message!, /exception|elasticsearch|painless|stack/i, `${url}: no backend text`);
        if (field) assert.equal(body.field, field, `${url}: names the field (${body.message})`);
      }
    }
    const bigBody = await t.app.inject({
      method: 'POST',
      url: '/search',
      payload: 'x'.repeat(300 * 1024),
      headers: { 'content-type': 'application/json' },
    });
    assert.ok(bigBody.statusCode >= 400 && bigBody.statusCode < 500);
  });
});
