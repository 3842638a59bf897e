// Autocomplete when Elasticsearch is slow: the service reaches it through a TCP proxy that the test
// stalls (requests go out, no answer comes back). Suggestions held in memory still answer within the
// budget, marked degraded, without products; a late lookup fills the per-prefix cache; and only when
// the suggestions are not loaded either is the answer a fast 503.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEsClient, type EsClient } from '../common/clients/elasticsearch.ts';
import { esUrlOf } from '../common/config.ts';
import type { SuggestResult } from '../query/suggest/engine.ts';
import { suggestionStoreFor } from '../stores/suggestions.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { demoCatalogFile, indexCatalog } from './support/catalogs.ts';
import { waitFor } from './support/indexer.ts';
import { config, dropIndices, testEs, testRedis, uniqueName } from './support/stack.ts';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.ts';
import { publishSuggestions } from './support/suggestions.ts';

const BUDGET_MS = 60;
const SUGGESTIONS = [
  { text: 'wireless headphones', weight: 40, source: 'query' as const },
  { text: 'wireless speaker', weight: 12, source: 'query' as const },
  { text: 'headphones', weight: 30, source: 'catalog' as const },
];

describe('autocomplete while Elasticsearch is slow', () => {
  let es: EsClient;
  let proxied: EsClient;
  let proxy: TcpProxy;
  let alias: string;
  let t: TestApp;
  const timed = async (app: TestApp, q: string) => {
    const t0 = performance.now();
    const res = await app.app.inject(`/suggest?q=${encodeURIComponent(q)}`);
    return { res, ms: performance.now() - t0, body: res.json() as SuggestResult };
  };

  before(async () => {
    es = await testEs();
    alias = await indexCatalog(es, demoCatalogFile(300, 5).file);
    const url = new URL(esUrlOf(config));
    proxy = await startTcpProxy(url.hostname, Number(url.port));
    proxied = await createEsClient({ ...config, esUrl: `http://127.0.0.1:${proxy.port}` }, { requestTimeoutMs: 30000 });
    t = await buildTestApp(proxied, { indexAlias: alias, suggestBudgetMs: BUDGET_MS, searchBudgetMs: 5000 });
    await publishSuggestions(t, SUGGESTIONS);
  });
  after(async () => {
    proxy.release();
    await t.close();
    await proxied.close();
    await proxy.close();
    await dropIndices(es, alias);
    await es.close();
  });

  it('answers with products while Elasticsearch keeps up', async () => {
    // The first lookups (cold connections, a loaded machine) may miss the budget; a late one still fills the cache.
    const { res, body } = await waitFor('an answer with products', async () => {
      const r = await timed(t, 'wirel');
      return r.body.degraded ? undefined : r;
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(
      body.suggestions.map((s) => s.text),
      ['wireless headphones', 'wireless speaker'],
    );
    assert.ok(body.products.length > 0, res.body);
  });

  it('answers the suggestions from memory within the budget, marked degraded, when it stalls', async () => {
    proxy.stall();
    try {
      for (const q of ['wireless h', 'headph', 'wire']) {
        const { res, ms, body } = await timed(t, q);
        assert.equal(res.statusCode, 200, res.body);
        assert.ok(ms < BUDGET_MS + 150, `${q}: answered in ${Math.round(ms)} ms`);
        assert.ok(body.suggestions.length > 0, res.body);
        assert.deepEqual([body.products, body.categories, body.degraded], [[], [], true]);
      }
    } finally {
      proxy.release();
    }
    // The lookup that came late was cached when it arrived: a later keystroke has its products.
    const again = await waitFor('the late lookup cached', async () => {
      const r = await timed(t, 'headph');
      return r.res.headers['x-cache'] === 'memory' ? r : undefined;
    });
    assert.ok(again.body.products.length > 0 && again.body.degraded === undefined, again.res.body);
  });

  it('refuses at once with 503 only when the suggestions are not loaded either', async () => {
    // A version larger than this instance may hold is never loaded.
    const redis = testRedis();
    await redis.connect();
    const redisPrefix = `${uniqueName('suggest-degraded')}:`;
    await suggestionStoreFor(redis, { ...config, redisPrefix }).publishSnapshot(SUGGESTIONS);
    const unloaded = await buildTestApp(proxied, {
      indexAlias: alias,
      redisPrefix,
      suggestBudgetMs: BUDGET_MS,
      suggestMaxEntries: 2,
      suggestProductCacheMb: 0,
    });
    try {
      assert.equal(unloaded.runtime.suggestions.current(), undefined);
      const fine = await waitFor('products without suggestions', async () => {
        const r = await timed(unloaded, 'wirel');
        return r.body.products?.length > 0 ? r : undefined;
      });
      assert.equal(fine.res.statusCode, 200);
      assert.deepEqual([fine.body.suggestions, fine.body.degraded], [[], true]);
      proxy.stall();
      const { res, ms } = await timed(unloaded, 'wirel');
      assert.equal(res.statusCode, 503, res.body);
      assert.ok(res.headers['retry-after'], 'says when to retry');
      assert.ok(ms < BUDGET_MS + 150, `refused in ${Math.round(ms)} ms`);
    } finally {
      proxy.release();
      await unloaded.close();
      redis.disconnect();
    }
  });
});
