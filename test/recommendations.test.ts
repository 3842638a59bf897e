// The recommendation rails against real Redis (and Elasticsearch for the degraded path): publish,
// the four routes, filters, fallbacks, atomic switches under concurrent reads, rollback, GC, and
// Redis going away.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import { recsKeys, type RecsKeys } from '../recommender/publish/keys.ts';
import { keySpace } from '../stores/keys.ts';
import { redisLiveRails } from '../stores/live-rails.ts';
import { summarize } from '../recommender/publish/product-summary.ts';
import {
  collectGarbage,
  estimateVersionBytes,
  listVersions,
  publish,
  storedVersionsBytes,
  rollback,
  versionContents,
} from '../recommender/publish/publish.ts';
import { train, type TrainedModel } from '../recommender/train.ts';
import { answerOf, buildTestApp, type TestApp } from './support/app.ts';
import { GARDEN, KITCHEN, shopInteractions, shopProducts, smallTraining } from './support/baskets.ts';
import { indexCatalog } from './support/catalogs.ts';
import { config, dropIndices, testEs } from './support/stack.ts';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.ts';

interface Rail {
  source: string | null;
  version: string | null;
  degraded?: boolean;
  items: {
    id: string;
    title: string;
    price?: number;
    in_stock?: boolean;
    category?: string;
    source: string;
    signals?: string[];
  }[];
}

describe('recommendations', () => {
  let es: EsClient;
  let alias: string;
  let model: TrainedModel;
  let t: TestApp;
  let keys: RecsKeys;
  const products = shopProducts.map(summarize);
  const get = async (url: string): Promise<Rail> => {
    const res = await t.app.inject(url);
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return answerOf(res) as unknown as Rail;
  };
  const ids = (r: Rail) => r.items.map((i) => i.id);

  before(async () => {
    es = await testEs();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shop-')), 'shop.ndjson');
    fs.writeFileSync(file, shopProducts.map((p) => JSON.stringify(p)).join('\n'));
    alias = await indexCatalog(es, file);
    model = await train({ interactions: shopInteractions(), products: shopProducts }, smallTraining);
    t = await buildTestApp(es, { indexAlias: alias, recsPointerTtlMs: 0 });
    keys = recsKeys(t.config.redisPrefix);
  });
  after(async () => {
    await t.close();
    await dropIndices(es, alias);
    await es.close();
  });

  it('answers empty, not an error, before anything is published', async () => {
    const r = await get('/recommendations/trending');
    assert.deepEqual(r, { source: null, version: null, items: [] });
  });

  it('publishes a version that every rail reads, with product fields joined', async () => {
    const m = await publish(t.redis, keys, model, products);
    assert.deepEqual(
      (await listVersions(t.redis, keys)).map((v) => [v.version, v.current]),
      [[m.version, true]],
    );
    const r = await get('/recommendations/similar/g1?size=3');
    assert.equal(r.version, m.version);
    assert.equal(r.source, 'similar');
    assert.equal(r.items.length, 3);
    assert.ok(
      r.items.every((i) => GARDEN.includes(i.id) && i.title.startsWith('garden') && i.price! > 0),
      JSON.stringify(r.items),
    );
  });

  it("personalizes the top of search results by the customer's recent items, bounded, never moving the best match", async () => {
    const search = async (qs: string) =>
      (await t.app.inject(`/search?q=steel&size=12&${qs}`)).json() as { hits: { id: string }[]; personalized?: number };
    const plain = (await search('')).hits.map((h) => h.id);
    const forGardener = await search('customer=c0');
    const mine = forGardener.hits.map((h) => h.id);
    assert.ok(forGardener.personalized! > 0);
    assert.equal(mine[0], plain[0], 'the best text match stays first');
    // Mean place of the garden items: lower is nearer the top.
    const garden = (list: string[]) => GARDEN.reduce((sum, id) => sum + list.indexOf(id), 0) / GARDEN.length;
    assert.ok(garden(mine) < garden(plain), `garden items move up for a garden buyer: ${plain} → ${mine}`);
    for (const [i, id] of mine.entries()) assert.ok(plain.indexOf(id) - i <= 3, `${id} climbed at most 3 places`);
    const viewedKitchen = (await search('recent=k1,k2')).hits.map((h) => h.id);
    assert.ok(garden(viewedKitchen) >= garden(plain), 'recently viewed kitchen items pull kitchen up');
    const stranger = await search('customer=nobody');
    assert.deepEqual(
      stranger.hits.map((h) => h.id),
      plain,
    );
    assert.equal(stranger.personalized, undefined, 'off without data');
    assert.deepEqual(
      (await search('customer=c0&sort=price_asc')).hits.map((h) => h.id),
      (await search('sort=price_asc')).hits.map((h) => h.id),
      'a chosen sort is left alone',
    );
  });

  it('keeps each answer per published version: a repeat comes from memory, a new version is read afresh', async () => {
    const first = await t.app.inject('/recommendations/similar/g2?size=4');
    const again = await t.app.inject('/recommendations/similar/g2?size=4');
    assert.equal(first.headers['x-cache'], 'origin');
    assert.equal(again.headers['x-cache'], 'memory');
    assert.deepEqual(answerOf(again), answerOf(first));
    assert.notEqual(again.json().query_id, first.json().query_id, 'each answer has its own query id');
    const m = await publish(t.redis, keys, model, products);
    const fresh = await t.app.inject('/recommendations/similar/g2?size=4');
    assert.equal(fresh.headers['x-cache'], 'origin');
    assert.equal((fresh.json() as Rail).version, m.version);
  });

  it('applies stock, price, category and exclude filters at serve time', async () => {
    const all = ids(await get('/recommendations/similar/k1?size=20&in_stock=false'));
    assert.ok(all.includes('k6'), 'the out-of-stock item is in the list');
    assert.ok(!ids(await get('/recommendations/similar/k1?size=20')).includes('k6'), 'and hidden by default');
    const cheap = await get('/recommendations/similar/k1?size=20&price_max=22');
    assert.ok(cheap.items.length > 0 && cheap.items.every((i) => i.price! <= 22));
    const garden = await get('/recommendations/similar/k1?size=5&category=Home%20%3E%20Garden');
    assert.ok(
      garden.items.every((i) => i.category === 'Home > Garden'),
      'filtered, then topped up from category-agnostic sources within the filter',
    );
    const excluded = await get('/recommendations/similar/k1?size=20&exclude=k2,k3');
    assert.ok(!ids(excluded).some((i) => i === 'k2' || i === 'k3'));
  });

  it('completes a cart and falls back to trending when the cart teaches nothing', async () => {
    const r = await get('/recommendations/bought-together?items=k1,k2&size=3');
    assert.equal(r.source, 'bought-together');
    assert.ok(!ids(r).includes('k1') && !ids(r).includes('k2'));
    assert.ok(ids(r).filter((i) => KITCHEN.includes(i)).length >= 2, ids(r).join(','));
    const cold = await get('/recommendations/bought-together?items=g-new&size=20');
    assert.ok(
      cold.items.some((i) => i.source === 'trending'),
      'a never-bought product still gets a full rail',
    );
  });

  it('walks personalized, then recent items, then trending for customers', async () => {
    const known = await get('/recommendations/for-user/c0?size=5');
    assert.equal(known.source, 'personalized');
    assert.ok(ids(known).filter((i) => GARDEN.includes(i)).length >= 4, ids(known).join(','));
    // Each personalized item says which signals put it there; c0 reorders garden goods.
    const signals = new Set([
      'bought-before',
      'similar-customers',
      'bought-with-recent',
      'similar-to-history',
      'trending',
    ]);
    for (const item of known.items) {
      assert.ok(item.signals && item.signals.length > 0, `${item.id} is explained`);
      assert.ok(
        item.signals.every((s) => signals.has(s)),
        item.signals.join(','),
      );
    }
    assert.ok(
      known.items.some((i) => i.signals![0] === 'bought-before'),
      known.items.map((i) => `${i.id}:${i.signals}`).join(' '),
    );
    const newcomer = await get('/recommendations/for-user/nobody?recent=k2&size=3');
    assert.equal(newcomer.source, 'recent-items');
    assert.ok(
      newcomer.items.every((i) => i.signals === undefined),
      'fallback items are explained by their source alone',
    );
    assert.ok(
      ids(newcomer).every((i) => KITCHEN.includes(i)),
      ids(newcomer).join(','),
    );
    const stranger = await get('/recommendations/for-user/nobody?size=3');
    assert.equal(stranger.source, 'trending');
  });

  it('serves trending overall and per category', async () => {
    const all = await get('/recommendations/trending?size=3');
    assert.equal(all.source, 'trending');
    const kitchen = await get('/recommendations/trending?category=Home%20%3E%20Kitchen&size=3');
    assert.equal(kitchen.source, 'category-trending');
    assert.ok(ids(kitchen).every((i) => KITCHEN.includes(i)));
  });

  it('answers 404 for unknown products and 400 naming the field for malformed input', async () => {
    for (const [url, status, field] of [
      ['/recommendations/similar/nope', 404, undefined],
      ['/recommendations/bought-together?items=nope,never', 404, undefined],
      ['/recommendations/similar/bad%20id', 400, 'id'],
      ['/recommendations/bought-together', 400, 'items'],
      ['/recommendations/bought-together?items=a,%3Cscript%3E', 400, 'items'],
      ['/recommendations/trending?size=0', 400, 'size'],
      ['/recommendations/trending?size=1000', 400, 'size'],
      ['/recommendations/trending?price_min=5&price_max=1', 400, 'price_min'],
      ['/recommendations/for-user/u1?exclude=a%2Fb', 400, 'exclude'],
      ['/recommendations/trending?colour=red', 400, 'colour'],
    ] as const) {
      const res = await t.app.inject(url);
      assert.equal(res.statusCode, status, `${url}: ${res.body}`);
      if (field) assert.match(res.body, new RegExp(field), url);
    }
  });

  it('switches versions atomically under concurrent reads, rolls back, and collects retired versions', async () => {
    const before = (await listVersions(t.redis, keys)).find((v) => v.current)!.version;
    // The second model's products carry its name, so a mixed answer would show both names.
    const renamed = products.map((p) => ({ ...p, title: `v2 ${p.title}` }));
    let reading = true;
    const seen: Rail[] = [];
    const readers = Array.from({ length: 4 }, async () => {
      while (reading) seen.push(await get('/recommendations/similar/g1?size=5'));
    });
    const m2 = await publish(t.redis, keys, model, renamed);
    await new Promise((r) => setTimeout(r, 100));
    reading = false;
    await Promise.all(readers);
    const versions = new Set(seen.map((r) => r.version));
    assert.ok(versions.has(before) && versions.has(m2.version), `reads saw both versions: ${[...versions].join(', ')}`);
    for (const r of seen) {
      const fromV2 = r.items.map((i) => i.title.startsWith('v2 '));
      assert.ok(
        fromV2.every((x) => x === (r.version === m2.version)),
        'no answer mixes versions',
      );
    }
    const back = await rollback(t.redis, keys);
    assert.deepEqual(back, { from: m2.version, to: before });
    assert.equal((await get('/recommendations/similar/g1')).version, before);
    assert.deepEqual(await collectGarbage(t.redis, keys, 60_000), [], 'within the grace period nothing goes');
    const collected = await collectGarbage(t.redis, keys, 0, Date.now() + 1);
    assert.ok(
      collected.includes(m2.version) && !collected.includes(before),
      `retired versions go, the current stays: ${collected}`,
    );
    assert.equal(await t.redis.exists(keys.list(m2.version, 'similar'), keys.manifest(m2.version)), 0);
    await assert.rejects(rollback(t.redis, keys, m2.version), /not stored/);
  });

  it('follows what the learner published since the training: trending now, carted together now, the latest items', async () => {
    const live = redisLiveRails(t.redis, keySpace(t.config.redisPrefix).liveRails);
    const cached = await t.app.inject('/recommendations/trending?size=3');
    assert.equal((await t.app.inject('/recommendations/trending?size=3')).headers['x-cache'], 'memory');
    await live.publish({
      trending: [
        ['k5', 9],
        ['g-new', 3],
      ],
      together: new Map([['k1', [['g4', 2] as [string, number]]]]),
      recent: new Map([['newcomer', ['g2']]]),
    });
    const trending = await t.app.inject('/recommendations/trending?size=3');
    assert.equal(trending.headers['x-cache'], 'origin', 'a live publication is not hidden by the answer cache');
    const now = answerOf(trending) as unknown as Rail;
    assert.notDeepEqual(now, answerOf(cached));
    assert.deepEqual(
      now.items.slice(0, 2).map((i) => `${i.id}:${i.source}`),
      ['k5:trending-now', 'g-new:trending-now'],
    );
    const cart = await get('/recommendations/bought-together?items=k1&size=20');
    assert.equal(cart.source, 'bought-together', 'the trained list comes first');
    assert.equal(cart.items.find((i) => i.id === 'g4')?.source, 'bought-together-now', ids(cart).join(','));
    const newcomer = await get('/recommendations/for-user/newcomer?size=3');
    assert.equal(newcomer.source, 'recent-items', 'a customer the training never saw, from the item just viewed');
    assert.ok(
      newcomer.items.every((i) => i.category === 'Home > Garden' && i.id !== 'g2'),
      ids(newcomer).join(','),
    );
  });

  it("refuses a version that cannot fit under Redis's maxmemory before writing any of it, saying how large to make it", async () => {
    const need = estimateVersionBytes(versionContents(model, products));
    const published = await listVersions(t.redis, keys);
    const before = await t.redis.keys(`${t.config.redisPrefix}recs:v:*`);
    // The versions stored now plus half the estimate (measured on the version it publishes below).
    const stored = await storedVersionsBytes(t.redis, keys);
    assert.ok(stored > 0, 'versions are stored before this test');
    const [, max] = (await t.redis.config('GET', 'maxmemory')) as string[];
    await t.redis.config('SET', 'maxmemory', String(stored + Math.floor(need / 2)));
    try {
      await assert.rejects(publish(t.redis, keys, model, products), (e: Error) => {
        assert.equal(e.name, 'PublishError');
        assert.match(
          e.message,
          /needs about \d+ MB in Redis beside \d+ MB of stored versions.*raise maxmemory to at least \d+ MB.*SHOP_STACK_REDIS_MAXMEMORY_MB/,
        );
        return true;
      });
    } finally {
      await t.redis.config('SET', 'maxmemory', max!);
    }
    assert.deepEqual(await listVersions(t.redis, keys), published, 'no version was added');
    assert.deepEqual((await t.redis.keys(`${t.config.redisPrefix}recs:v:*`)).sort(), before.sort(), 'nothing written');
    // With room, the same version publishes, and takes no more than estimated.
    const m = await publish(t.redis, keys, model, products);
    let bytes = 0;
    for (const key of await t.redis.keys(`${t.config.redisPrefix}recs:v:${m.version}:*`))
      bytes += Number(await t.redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
    assert.ok(bytes > 0 && bytes <= need, `estimated ${need} bytes, Redis holds ${bytes}`);
  });

  describe('with Redis gone', () => {
    let proxy: TcpProxy;
    let cut: TestApp;
    // Same proxy, but reusing the pointer for a minute: what it has read stays in its cache.
    let cached: TestApp;
    let warmed: Rail;
    before(async () => {
      proxy = await startTcpProxy('127.0.0.1', config.stackRedisPort);
      const redisUrl = `redis://127.0.0.1:${proxy.port}`;
      cut = await buildTestApp(es, {
        indexAlias: alias,
        recsPointerTtlMs: 0,
        redisUrl,
        redisPrefix: t.config.redisPrefix,
      });
      cached = await buildTestApp(es, {
        indexAlias: alias,
        recsPointerTtlMs: 60_000,
        redisUrl,
        redisPrefix: t.config.redisPrefix,
      });
      warmed = answerOf(await cached.app.inject('/recommendations/similar/g2?size=3')) as unknown as Rail;
    });
    after(async () => {
      await proxy.restore();
      for (let i = 0; i < 50 && cut.redis.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 100));
      await cut.close();
      await cached.close();
      await proxy.close();
    });

    it('answers degraded and flagged, never with a 5xx: more-like-this for similar items, the held popular list otherwise', async () => {
      const warm = await cut.app.inject('/recommendations/for-user/c1');
      assert.equal(warm.statusCode, 200);
      await proxy.cut();
      const similar = await cut.app.inject('/recommendations/similar/g1?size=3');
      assert.equal(similar.statusCode, 200, similar.body);
      const s = similar.json() as Rail;
      assert.equal(s.degraded, true);
      assert.equal(s.source, 'more-like-this');
      assert.ok(s.items.length > 0 && s.items.every((i) => i.id !== 'g1'));
      const user = (await cut.app.inject('/recommendations/for-user/c1?size=3')).json() as Rail;
      assert.equal(user.degraded, true);
      assert.equal(user.source, 'popular-cached');
      assert.equal(user.items.length, 3);
      const cart = await cut.app.inject('/recommendations/bought-together?items=k1');
      assert.equal(cart.statusCode, 200);
      assert.equal((cart.json() as Rail).degraded, true);
    });

    it('answers an item already read from the published version out of memory, whole and not degraded', async () => {
      assert.equal(warmed.items.length, 3);
      const again = await cached.app.inject('/recommendations/similar/g2?size=3');
      assert.equal(again.statusCode, 200);
      assert.deepEqual(answerOf(again), warmed);
      const other = (await cached.app.inject('/recommendations/similar/k1?size=3')).json() as Rail;
      assert.equal(other.degraded, true, 'an item never read needs Redis');
    });
  });
});
