// Search analytics and experiments end to end on the real stack: answers and shopper events go
// through Kafka to the analytics consumer, land in the daily Elasticsearch indices, and come back
// through the admin API as reports over time ranges; an A/B experiment serves each session its
// variant (apart in the cache), an interleaving experiment merges two rankings and credits clicks
// to the ranking that contributed the product; writes are idempotent and old days are deleted.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type AnalyticsConsumer, createAnalyticsConsumer } from '../analytics/consumer.ts';
import { createAnalyticsEngine } from '../analytics/engine.ts';
import { analyticsIndices, type AnalyticsIndices } from '../analytics/indices.ts';
import { createAnalyticsMetrics } from '../analytics/metrics.ts';
import { analyticsWriter } from '../analytics/writer.ts';
import type { Product } from '../catalog/product.ts';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import { createProducer, createTopicsIfMissing, type Kafka } from '../common/clients/kafka.ts';
import { createEsClient } from '../common/clients/elasticsearch.ts';
import { freePort } from '../common/free-port.ts';
import { spawnScript } from '../common/spawn-script.ts';
import { createMetricsRegistry } from '../common/metrics.ts';
import type { Impression } from '../events/impression.ts';
import type { RecordedEvent } from '../events/shopper-event.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { indexCatalog } from './support/catalogs.ts';
import { waitFor } from './support/indexer.ts';
import { config, dropIndices, silentLog, testEs, testKafka, uniqueName } from './support/stack.ts';
import { startTcpProxy } from './support/tcp-proxy.ts';
import { esPortOf } from '../common/config.ts';

const KEY = 'analytics-test-key';
const catalog: Product[] = [
  { id: 'g1', title: 'Gears of War 3', categories: ['Games', 'Shooters'], price: 60, popularity: 50, rating: 4.5 },
  { id: 'g2', title: 'Gears of War Triple Pack', categories: ['Games', 'Shooters'], price: 40, popularity: 5 },
  { id: 'g3', title: 'War of the Worlds', categories: ['Games', 'Strategy'], price: 20, popularity: 1 },
  { id: 'g4', title: 'Gears Cleaning Kit for War Machines', categories: ['Accessories'], price: 15, popularity: 90 },
  { id: 'c1', title: 'Wireless Controller', categories: ['Accessories'], price: 50, popularity: 40 },
  // Its words are in the description: plain BM25 (description weighted as the title) ranks it first.
  {
    id: 'd1',
    title: 'Charging Dock',
    description: 'Gears war gears war: the gears of war war dock',
    categories: ['Accessories'],
    price: 25,
    popularity: 2,
  },
];

interface Page {
  query_id: string;
  hits: { id: string }[];
  experiment?: { id: string; variant: string };
}

describe('search analytics and experiments', () => {
  let es: EsClient;
  let kafka: Kafka;
  let alias: string;
  let t: TestApp;
  let indices: AnalyticsIndices;
  let consumer: AnalyticsConsumer;
  const prefix = uniqueName('analytics');
  const topics = { impressions: uniqueName('impressions'), events: uniqueName('events') };
  let n = 0;

  const get = async <T = Record<string, unknown>>(url: string, key: string | null = KEY): Promise<T> => {
    const res = await t.app.inject({ url, headers: key ? { 'x-admin-key': key } : {} });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res.json() as T;
  };
  const search = (q: string, session: string, extra = '') =>
    get<Page>(`/search?q=${encodeURIComponent(q)}&session=${session}${extra}`, null);
  /** A profile's ranking for "gears war" outside any experiment (no session). */
  const ranking = async (profile: string) => (await get<Page>(`/search?q=gears%20war&profile=${profile}`, null)).hits;
  const post = async (events: Record<string, unknown>[]) => {
    const res = await t.app.inject({ method: 'POST', url: '/events', payload: { events } });
    assert.equal(res.statusCode, 202, res.body);
  };
  const eventId = () => `ev-${++n}`;
  const click = (p: Page, product: string, session: string) => ({
    type: 'click',
    event_id: eventId(),
    session,
    query_id: p.query_id,
    product,
  });
  /** Waits until the searches index holds `count` answers matching `query`. */
  const landed = async (query: object, count: number) => {
    await waitFor(`${count} answers in the analytics index`, async () => {
      await es.indices.refresh({ index: `${prefix}-*` }).catch(() => {});
      const r = await es.count({
        index: indices.alias('searches'),
        query,
        allow_no_indices: true,
        ignore_unavailable: true,
      });
      return r.count >= count;
    });
  };

  before(async () => {
    es = await testEs();
    kafka = testKafka();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'analytics-')), 'catalog.ndjson');
    fs.writeFileSync(file, catalog.map((p) => JSON.stringify(p)).join('\n'));
    alias = await indexCatalog(es, file);
    t = await buildTestApp(
      es,
      {
        indexAlias: alias,
        adminKeys: `tester:${KEY}`,
        rulesRefreshMs: 0,
        impressionsTopic: topics.impressions,
        shopperEventsTopic: topics.events,
        shopperEventsPartitions: 2,
        analyticsPrefix: prefix,
        experimentsMinSearches: 5,
      },
      undefined,
      silentLog,
      kafka,
    );
    indices = analyticsIndices(es, prefix);
    await indices.ensureTemplates();
    consumer = createAnalyticsConsumer({
      kafka,
      groupId: uniqueName('analytics'),
      topics,
      writer: analyticsWriter(es, indices),
      metrics: createAnalyticsMetrics(createMetricsRegistry()),
      log: silentLog,
      backoff: { baseMs: 50, maxMs: 500 },
    });
    await consumer.start();
  });
  after(async () => {
    await consumer?.stop();
    await t?.close();
    await indices?.dropAll();
    await dropIndices(es, alias);
    await es.close();
  });

  it('reports searches, zero results, clicks, carts, purchases and autocomplete over a range against the period before', async () => {
    const now = Date.now();
    // Last week: two searches for "gears" (the previous period).
    t.runtime.clock.now = () => now - 8 * 86_400_000;
    await search('gears', 'old-1');
    await search('gears', 'old-2');
    t.runtime.clock.now = () => now;
    const gears = await search('gears', 'a-1');
    await search('gears', 'a-2');
    await search('gears', 'a-2', '&page=2&size=2'); // a second page is not a new search
    const wars = await search('war', 'a-3');
    await search('zzzyzx', 'a-4');
    await search('zzzyzx', 'a-5');
    const browse = await t.app.inject('/categories/Games/products?session=a-6');
    assert.equal(browse.statusCode, 200);
    const typed = (await get<{ query_id: string }>('/suggest?q=gea&session=a-1', null)).query_id;
    const second = gears.hits[1]!.id;
    await post([
      { type: 'suggestion_click', event_id: eventId(), session: 'a-1', query_id: typed, text: 'gears of war' },
      click(gears, second, 'a-1'),
      {
        type: 'add_to_cart',
        event_id: eventId(),
        session: 'a-1',
        query_id: gears.query_id,
        product: second,
        price: 40,
      },
      {
        type: 'purchase',
        event_id: eventId(),
        session: 'a-1',
        order_id: 'o-1',
        items: [{ product: second, price: 40, quantity: 2 }],
      },
    ]);
    await landed({ exists: { field: 'revenue' } }, 1);
    await landed({ term: { kind: 'search' } }, 8);

    const range = `from=${new Date(now - 86_400_000).toISOString()}&to=${new Date(now + 60_000).toISOString()}`;
    const o = await get<{
      totals: Record<string, number>;
      previous: Record<string, number>;
      buckets: { searches: number }[];
      interval: string;
    }>(`/admin/analytics/overview?${range}`);
    assert.equal(o.interval, 'hour');
    assert.equal(o.totals.searches, 5);
    assert.equal(o.totals.zero_results, 2);
    assert.equal(o.totals.clicked, 1);
    assert.equal(o.totals.carts, 1);
    assert.equal(o.totals.purchases, 2);
    assert.equal(o.totals.revenue, 80);
    assert.equal(o.totals.suggestions_chosen, 1);
    assert.equal(o.totals.keystrokes_saved, 'gears of war'.length - 'gea'.length);
    assert.equal(o.totals.browses, 1);
    assert.equal(
      o.buckets.reduce((s, b) => s + b.searches, 0),
      5,
    );
    assert.equal(o.buckets.length, 25);

    const week = `from=${new Date(now - 7 * 86_400_000).toISOString()}&to=${new Date(now + 60_000).toISOString()}`;
    const top = await get<{
      rows: { query: string; searches: number; previous: number; ctr: number; revenue: number }[];
    }>(`/admin/analytics/queries?report=top&${week}`);
    assert.deepEqual(top.rows[0], { ...top.rows[0], query: 'gears', searches: 2, previous: 2, ctr: 0.5, revenue: 80 });
    const zero = await get<{ rows: { query: string }[] }>(`/admin/analytics/queries?report=zero&${week}`);
    assert.deepEqual(
      zero.rows.map((r) => r.query),
      ['zzzyzx'],
    );
    const noClick = await get<{ rows: { query: string; searches: number }[] }>(
      `/admin/analytics/queries?report=no_click&${week}`,
    );
    assert.deepEqual(
      noClick.rows.map((r) => [r.query, r.searches]),
      [
        ['gears', 1],
        ['war', 1],
      ],
    );
    const positions = await get<{ positions: { position: number; clicks: number }[] }>(
      `/admin/analytics/positions?${week}`,
    );
    assert.deepEqual(
      positions.positions.filter((p) => p.clicks > 0).map((p) => [p.position, p.clicks]),
      [[2, 1]],
    );
    const categories = await get<{ rows: { category: string; views: number }[] }>(
      `/admin/analytics/categories?${week}`,
    );
    assert.deepEqual(categories.rows, [{ category: 'Games', views: 1, previous: 0 }]);
    assert.ok(wars.query_id);
  });

  it('refuses bad ranges naming the field, and everyone without the admin key', async () => {
    const bad = async (url: string, field: string) => {
      const res = await t.app.inject({ url, headers: { 'x-admin-key': KEY } });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().field, field);
    };
    await bad('/admin/analytics/overview?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'from');
    await bad('/admin/analytics/overview?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from');
    await bad('/admin/analytics/overview?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&interval=hour', 'interval');
    await bad('/admin/analytics/overview?from=yesterday', 'from');
    await bad('/admin/analytics/queries?size=1000', 'size');
    const res = await t.app.inject('/admin/analytics/overview');
    assert.equal(res.statusCode, 401);
  });

  it('answers empty reports before any analytics index exists', async () => {
    const engine = createAnalyticsEngine(es, analyticsIndices(es, uniqueName('nothing')));
    const r = { from: Date.now() - 86_400_000, to: Date.now() };
    const o = await engine.overview(r, 'hour');
    assert.deepEqual([o.totals.searches, o.previous.ctr, o.buckets.length], [0, 0, 0]);
    assert.deepEqual((await engine.queries(r, 'zero', 10)).rows, []);
    assert.equal((await engine.positions(r)).positions.length, 20);
    assert.deepEqual((await engine.categories(r, 10)).rows, []);
  });

  it('folds an answer and its events once whatever the order and however often they are written', async () => {
    const writer = analyticsWriter(es, indices);
    const ts = new Date().toISOString();
    const impression: Impression = {
      query_id: 'idem-1',
      ts,
      kind: 'search',
      query: 'war',
      page: 1,
      size: 3,
      total: 3,
      ids: ['g1', 'g3', 'g2'],
      offset: 0,
      session: 'idem',
      experiment: 'x',
      variant: 'interleaved',
      teams: [0, 1, 0],
    };
    const clickOn = (id: string, product: string): RecordedEvent => ({
      type: 'click',
      event_id: id,
      session: 'idem',
      query_id: 'idem-1',
      product,
      received_at: ts,
    });
    // The click is read before its answer, and everything is delivered twice.
    await writer.write([], [clickOn('idem-c1', 'g3')]);
    await writer.write([impression], [clickOn('idem-c1', 'g3')]);
    await writer.write([impression], []);
    await es.indices.refresh({ index: `${prefix}-*` });
    const doc = (await es.get({ index: indices.indexFor('searches', Date.parse(ts)), id: 'idem-1' }))._source as Record<
      string,
      unknown
    >;
    assert.deepEqual(
      [doc.clicks, doc.click_positions, doc.first_click, doc.winner, doc.query],
      [1, [2], 2, 'b', 'war'],
    );
    const events = await es.count({ index: indices.alias('events'), query: { term: { event_id: 'idem-c1' } } });
    assert.equal(events.count, 1);
  });

  it('deletes the days older than the retention and keeps the rest', async () => {
    const writer = analyticsWriter(es, indices);
    const old = Date.parse('2020-03-01T12:00:00Z');
    await writer.write([{ query_id: 'old-1', ts: new Date(old).toISOString(), kind: 'search', ids: [] }], []);
    const deleted = await indices.applyRetention(Date.now(), 30);
    assert.deepEqual(deleted, [indices.indexFor('searches', old)]);
    assert.ok((await es.indices.exists({ index: indices.indexFor('events', Date.now()) })) as unknown as boolean);
  });

  it('serves each session its A/B variant, apart in the cache, and reports per variant against the control', async () => {
    const create = (body: object) =>
      t.app.inject({ method: 'POST', url: '/admin/experiments', headers: { 'x-admin-key': KEY }, payload: body });
    const bad = await create({
      id: 'ab-1',
      name: 'x',
      design: 'ab',
      variants: [{ name: 'a' }, { name: 'b', profile: 'nope' }],
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().field, 'variants.1.profile');
    const made = await create({
      id: 'ab-1',
      name: 'Plain BM25 against the default',
      design: 'ab',
      variants: [{ name: 'control' }, { name: 'plain', profile: 'plain' }],
    });
    assert.equal(made.statusCode, 201, made.body);
    const clash = await create({ id: 'ab-2', name: 'y', design: 'ab', variants: [{ name: 'a' }, { name: 'b' }] });
    assert.equal(clash.statusCode, 400);
    assert.equal(clash.json().field, 'start');

    const byVariant = new Map<string, Page[]>();
    for (let i = 0; i < 40; i++) {
      const p = await search('gears war', `ab-s${i}`);
      assert.ok(p.experiment, 'every session with an id is in the experiment');
      byVariant.set(p.experiment.variant, [...(byVariant.get(p.experiment.variant) ?? []), p]);
      if (i % 3 === 0) await post([click(p, p.hits[0]!.id, `ab-s${i}`)]);
    }
    assert.deepEqual([...byVariant.keys()].sort(), ['control', 'plain']);
    // Each variant's answers are its own ranking (the cache never hands one variant's list to the other).
    assert.deepEqual(byVariant.get('plain')![0]!.hits, await ranking('plain'));
    assert.deepEqual(byVariant.get('control')![0]!.hits, await ranking('default'));
    assert.notDeepEqual(byVariant.get('plain')![0]!.hits, byVariant.get('control')![0]!.hits);
    await landed({ term: { experiment: 'ab-1' } }, 40);
    const r = await get<{
      results: {
        status: string;
        variants: { variant: string; searches: number; ctr: number; vs_control?: { ctr: { p_value: number } } }[];
      };
    }>('/admin/experiments/ab-1');
    assert.equal(
      r.results.variants.reduce((s, v) => s + v.searches, 0),
      40,
    );
    assert.notEqual(r.results.status, 'not_enough_data');
    assert.ok(r.results.variants[1]!.vs_control!.ctr.p_value <= 1);
    const stopped = await t.app.inject({
      method: 'POST',
      url: '/admin/experiments/ab-1/stop',
      headers: { 'x-admin-key': KEY },
    });
    assert.equal(stopped.statusCode, 200);
    assert.equal((await search('gears war', 'ab-s1')).experiment, undefined, 'stopped: the normal service again');
  });

  it('interleaves two rankings, records which contributed each product, and credits clicks to it', async () => {
    const made = await t.app.inject({
      method: 'POST',
      url: '/admin/experiments',
      headers: { 'x-admin-key': KEY },
      payload: {
        id: 'tdi-1',
        name: 'Interleaved',
        design: 'interleave',
        variants: [{ name: 'default' }, { name: 'plain', profile: 'plain' }],
      },
    });
    assert.equal(made.statusCode, 201, made.body);
    const none = await get<{ results: { status: string } }>('/admin/experiments/tdi-1');
    assert.equal(none.results.status, 'not_enough_data');
    const a = (await ranking('default')).map((h) => h.id);
    const b = (await ranking('plain')).map((h) => h.id);
    assert.notEqual(a[0], b[0]);
    for (let i = 0; i < 12; i++) {
      const session = `tdi-s${i}`;
      const p = await search('gears war', session);
      assert.equal(p.experiment?.variant, 'interleaved');
      assert.deepEqual(
        new Set(p.hits.map((h) => h.id)),
        new Set([...a, ...b].filter((id) => p.hits.some((h) => h.id === id))),
      );
      // The shopper clicks the first product the plain ranking put first (its team b when it was picked for b).
      await post([click(p, b[0]!, session)]);
    }
    await landed({ bool: { filter: [{ term: { experiment: 'tdi-1' } }, { exists: { field: 'clicks' } }] } }, 12);
    const r = await get<{
      results: { interleaving: { a: number; b: number; ties: number; preference?: { diff: number } } };
    }>('/admin/experiments/tdi-1');
    const i = r.results.interleaving;
    assert.equal(i.a + i.b + i.ties, 12);
    // The plain ranking's first product is always its own first pick (the default ranks another first).
    assert.equal(i.b, 12);
    assert.ok(i.preference, 'enough lists for a preference');
  });

  it('runs an autocomplete experiment: each session its suggestion setting, results per variant', async () => {
    const made = await t.app.inject({
      method: 'POST',
      url: '/admin/experiments',
      headers: { 'x-admin-key': KEY },
      payload: {
        id: 'sg-1',
        name: 'Recent searches in autocomplete',
        design: 'ab',
        surface: 'suggest',
        variants: [
          { name: 'recent', suggest: { recent_searches: true } },
          { name: 'none', suggest: { recent_searches: false } },
        ],
      },
    });
    assert.equal(made.statusCode, 201, made.body);
    const seen = new Map<string, number>();
    for (let i = 0; i < 16; i++) {
      const a = await get<{ experiment?: { id: string; variant: string } }>(`/suggest?q=gea&session=sg-s${i}`, null);
      assert.equal(a.experiment?.id, 'sg-1');
      seen.set(a.experiment.variant, (seen.get(a.experiment.variant) ?? 0) + 1);
    }
    assert.deepEqual([...seen.keys()].sort(), ['none', 'recent']);
    await landed({ term: { experiment: 'sg-1' } }, 16);
    const r = await get<{ results: { variants: { variant: string; searches: number }[] } }>('/admin/experiments/sg-1');
    assert.deepEqual(
      r.results.variants.map((v) => [v.variant, v.searches]),
      [
        ['recent', seen.get('recent')],
        ['none', seen.get('none')],
      ],
    );
  });

  it('runs as its own process (npm run analytics -- run) with /metrics, and a restart mid-stream writes everything once', async () => {
    const own = { impressions: uniqueName('impressions'), events: uniqueName('events') };
    const ownPrefix = uniqueName('analytics-cli');
    const group = uniqueName('analytics-cli');
    await createTopicsIfMissing(kafka, Object.values(own), 2);
    const producer = createProducer(kafka);
    await producer.connect();
    const ts = new Date().toISOString();
    const total = 400;
    const send = async (from: number, to: number) => {
      const range = Array.from({ length: to - from }, (_, k) => from + k);
      await producer.send({
        topic: own.impressions,
        messages: range.map((i) => ({
          key: `s${i}`,
          value: JSON.stringify({
            query_id: `cli-${i}`,
            ts,
            kind: 'search',
            query: `q${i % 7}`,
            page: 1,
            total: 2,
            ids: ['g1', 'g2'],
            session: `s${i}`,
          }),
        })),
      });
      await producer.send({
        topic: own.events,
        messages: [
          ...range.map((i) => ({
            key: `s${i}`,
            value: JSON.stringify({
              type: 'click',
              event_id: `cli-c${i}`,
              session: `s${i}`,
              query_id: `cli-${i}`,
              product: 'g2',
              received_at: ts,
            }),
          })),
          // A malformed event is skipped and counted; it stops nothing.
          { key: 'bad', value: '{"type":"click"' },
        ],
      });
    };
    const start = async () => {
      const port = await freePort();
      const child = spawnScript('analytics/cli.ts', ['run'], {
        env: {
          ...process.env,
          SHOP_LOG_LEVEL: 'silent',
          SHOP_ANALYTICS_PREFIX: ownPrefix,
          SHOP_ANALYTICS_GROUP: group,
          SHOP_IMPRESSIONS_TOPIC: own.impressions,
          SHOP_SHOPPER_EVENTS_TOPIC: own.events,
          SHOP_ANALYTICS_METRICS_PORT: String(port),
        },
        stdio: 'ignore',
      });
      return { child, port };
    };
    const own_ = analyticsIndices(es, ownPrefix);
    const clicked = async () => {
      await es.indices.refresh({ index: `${ownPrefix}-*` }).catch(() => {});
      const r = await es.search({
        index: own_.alias('searches'),
        size: 0,
        allow_no_indices: true,
        ignore_unavailable: true,
        aggs: { clicks: { sum: { field: 'clicks' } } },
      });
      return {
        docs: typeof r.hits.total === 'number' ? r.hits.total : (r.hits.total?.value ?? 0),
        clicks: (r.aggregations as { clicks?: { value: number } } | undefined)?.clicks?.value ?? 0,
      };
    };
    try {
      await send(0, total / 2);
      const first = await start();
      await waitFor('the first half written', async () => (await clicked()).clicks >= total / 4);
      const metrics = await (await fetch(`http://127.0.0.1:${first.port}/metrics`)).text();
      assert.match(metrics, /shop_analytics_written_total \d+/);
      assert.match(metrics, /shop_analytics_read_total\{kind="skipped"\} 1/);
      // Killed without warning: whatever it had not committed is read again by the next run.
      first.child.kill('SIGKILL');
      await once(first.child, 'exit');
      await send(total / 2, total);
      const second = await start();
      try {
        const done = await waitFor(
          'everything written',
          async () => {
            const c = await clicked();
            return c.docs >= total && c.clicks >= total ? c : undefined;
          },
          120_000,
        );
        assert.deepEqual(done, { docs: total, clicks: total }, 'each answer once, each click once');
      } finally {
        second.child.kill('SIGTERM');
        await once(second.child, 'exit');
      }
    } finally {
      await producer.disconnect();
      await own_.dropAll();
    }
  });

  it('waits while Elasticsearch is unreachable, retrying with backoff, then writes everything', async () => {
    const own = { impressions: uniqueName('impressions'), events: uniqueName('events') };
    const outagePrefix = uniqueName('analytics-outage');
    const ownIndices = analyticsIndices(es, outagePrefix);
    await ownIndices.ensureTemplates();
    await createTopicsIfMissing(kafka, Object.values(own), 1);
    const proxy = await startTcpProxy('127.0.0.1', esPortOf(config));
    const esThroughProxy = await createEsClient(
      { ...config, esUrl: `http://127.0.0.1:${proxy.port}` },
      { requestTimeoutMs: 2000 },
    );
    const registry = createMetricsRegistry();
    const outage = createAnalyticsConsumer({
      kafka,
      groupId: uniqueName('analytics-outage'),
      topics: own,
      writer: analyticsWriter(esThroughProxy, analyticsIndices(esThroughProxy, outagePrefix)),
      metrics: createAnalyticsMetrics(registry),
      log: silentLog,
      backoff: { baseMs: 50, maxMs: 500 },
    });
    const producer = createProducer(kafka);
    await producer.connect();
    const ts = new Date().toISOString();
    const send = (from: number, to: number) =>
      producer.send({
        topic: own.impressions,
        messages: Array.from({ length: to - from }, (_, k) => ({
          value: JSON.stringify({ query_id: `out-${from + k}`, ts, kind: 'search', page: 1, total: 1, ids: ['g1'] }),
        })),
      });
    const written = async () => {
      await es.indices.refresh({ index: `${ownIndices.alias('searches')}-*` }).catch(() => {});
      return (await es.count({ index: ownIndices.alias('searches'), allow_no_indices: true, ignore_unavailable: true }))
        .count;
    };
    try {
      await outage.start();
      await send(0, 50);
      await waitFor('before the outage', async () => (await written()) === 50);
      await proxy.cut();
      await send(50, 120);
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(await written(), 50, 'nothing written while Elasticsearch is unreachable');
      assert.match(await registry.metrics(), /shop_analytics_retries_total [1-9]/);
      await proxy.restore();
      await waitFor('caught up after the outage', async () => (await written()) === 120, 60_000);
    } finally {
      await outage.stop();
      await producer.disconnect();
      await proxy.close();
      await esThroughProxy.close();
      await ownIndices.dropAll();
    }
  });
});
