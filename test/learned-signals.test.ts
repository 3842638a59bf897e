// Learned click signals against real Elasticsearch and Redis: `ranking learn` stores them, the
// service reloads them by revision, a clicked product is found even when the words miss it and
// rises within the profile's bound, near queries borrow them, and explain shows the part they add.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Product } from '../catalog/product.ts';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import { learnFromClicks } from '../ranking/learn/click-model.ts';
import { keySpace } from '../stores/keys.ts';
import { redisLearnedStore } from '../stores/learned-signals.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { indexCatalog } from './support/catalogs.ts';
import { runCli } from './support/run-cli.ts';
import { dropIndices, testEs } from './support/stack.ts';

const KEY = 'learned-test-key';
const catalog: Product[] = [
  {
    id: 'g1',
    title: 'Gears of War 3',
    brand: 'Microsoft',
    categories: ['Games', 'Shooters'],
    price: 60,
    popularity: 50,
  },
  {
    id: 'g2',
    title: 'Gears of War 3 Limited Edition',
    brand: 'Microsoft',
    categories: ['Games', 'Shooters'],
    price: 100,
    popularity: 10,
  },
  {
    id: 'g3',
    title: 'Gears of War Triple Pack',
    brand: 'Microsoft',
    categories: ['Games', 'Shooters'],
    price: 40,
    popularity: 5,
  },
  {
    id: 'c1',
    title: 'Wireless Controller',
    brand: 'Microsoft',
    categories: ['Accessories'],
    price: 50,
    popularity: 40,
  },
];

interface Page {
  hits: { id: string; explain?: { signals: Record<string, number> } }[];
}

describe('learned click signals', () => {
  let es: EsClient;
  let alias: string;
  let t: TestApp;
  let clicksFile: string;
  const ids = async (q: string): Promise<string[]> =>
    ((await t.app.inject(`/search?q=${encodeURIComponent(q)}`)).json() as Page).hits.map((h) => h.id);

  before(async () => {
    es = await testEs();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'learned-'));
    const catalogFile = path.join(dir, 'catalog.ndjson');
    fs.writeFileSync(catalogFile, catalog.map((p) => JSON.stringify(p)).join('\n'));
    alias = await indexCatalog(es, catalogFile);
    // Shoppers typing "gow3" chose the limited edition; "pad" (no product says it) meant the controller.
    clicksFile = path.join(dir, 'clicks.csv');
    const rows = [
      ...Array.from({ length: 6 }, (_, i) => `u${i},g2,gow3,2011-08-0${i + 1} 10:00:00,2011-08-0${i + 1} 10:00:05`),
      ...Array.from({ length: 4 }, (_, i) => `v${i},c1,pad,2011-08-0${i + 1} 11:00:00,2011-08-0${i + 1} 11:00:05`),
      ...Array.from(
        { length: 5 },
        (_, i) => `w${i},g3,gears of war,2011-08-0${i + 1} 12:00:00,2011-08-0${i + 1} 12:00:05`,
      ),
      'x0,g1,gow3,2011-09-15 10:00:00,2011-09-15 10:00:05',
    ];
    fs.writeFileSync(clicksFile, ['user,sku,query,query_time,click_time', ...rows].join('\n'));
    t = await buildTestApp(es, {
      indexAlias: alias,
      rulesRefreshMs: 0,
      cacheEnabled: false,
      adminKeys: `tester:${KEY}`,
    });
  });
  after(async () => {
    await t.close();
    await dropIndices(es, alias);
    await es.close();
  });

  it('answers as before while nothing is learned', async () => {
    assert.deepEqual(await ids('pad'), []);
    assert.equal((await ids('gears of war'))[0], 'g1');
  });

  it('learns with `ranking learn` (clicks before --before only) and applies it without a restart', async () => {
    const run = await runCli('ranking/cli.ts', ['learn', '--clicks', clicksFile, '--before', '2011-09-01'], {
      SHOP_REDIS_PREFIX: t.config.redisPrefix,
      SHOP_INDEX_ALIAS: alias,
    });
    assert.equal(run.code, 0, run.err);
    const meta = run.summary() as { clicks: number; queries: number };
    assert.deepEqual([meta.clicks, meta.queries], [15, 3], 'the September click is not learned');
    assert.deepEqual(await ids('pad'), ['c1'], 'found although no word matches');
    assert.equal((await ids('gow3'))[0], 'g2');
    assert.equal((await ids('gears of war'))[0], 'g3', 'the clicked edition rises above the better text match');
  });

  it("lends a query's signals to queries with the same letters or most of its words, and explains them", async () => {
    assert.equal((await ids('gow 3'))[0], 'g2', 'same letters without the space');
    assert.equal((await ids('gears of war xbox'))[0], 'g3', 'three of four words shared');
    const page = (
      await t.app.inject({ url: '/search?q=gow3&explain=true', headers: { 'x-admin-key': KEY } })
    ).json() as Page;
    assert.ok(page.hits[0]!.explain!.signals.clicks! > 0);
  });

  it('replaces everything learned at once: a new revision is applied on the next request', async () => {
    const store = redisLearnedStore(t.redis, keySpace(t.config.redisPrefix).learned);
    const clicks = [1, 2, 3].map((d) => ({ query: 'pad', product: 'g1', time: Date.UTC(2011, 7, d) }));
    await store.replace(
      learnFromClicks(clicks, () => undefined, Date.UTC(2011, 8, 1)),
      { learned_at: new Date().toISOString(), as_of: '2011-09-01T00:00:00Z', clicks: 3, queries: 1 },
    );
    assert.deepEqual(await ids('pad'), ['g1']);
    assert.deepEqual(await ids('gow3'), [], 'gow3 is no longer learned');
  });
});
