// The Algolia protocol against the real service on the embedded stack: multi-query answers equal
// /search's for the same parameters (hits in order, counts, facets), sort replicas, search for
// facet values, the suggestions index, errors in Algolia's shape, the official algoliasearch lite
// client in Node, and an Insights click arriving on the events topic as a click with its query id.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { liteClient } from 'algoliasearch/lite';
import type { Product } from '../catalog/product.ts';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import type { Kafka } from '../common/clients/kafka.ts';
import type { SearchResult } from '../query/search/search-service.ts';
import { algoliaParams, indexTarget, productQuery, type AlgoliaParams } from '../query/algolia/request.ts';
import { facetValues } from '../query/algolia/response.ts';
import { algoliaApp, eventsOn } from './support/algolia-app.ts';
import type { TestApp } from './support/app.ts';
import { waitFor } from './support/indexer.ts';
import { dropIndices, testEs, testKafka } from './support/stack.ts';

/** What InstantSearch, autocomplete and search-insights sent in test/instantsearch-page.test.ts. */
const recorded = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, 'support', 'instantsearch-requests.json'), 'utf8'),
) as { catalogSeed: number; batches: Record<string, unknown>[][]; insights: unknown[] };

type AlgoliaResult = {
  hits: { objectID: string; _highlightResult: Record<string, { value: string; matchLevel: string }> }[];
  nbHits: number;
  nbPages: number;
  page: number;
  facets: Record<string, Record<string, number>>;
  facets_stats?: Record<string, { min: number; max: number }>;
  queryID?: string;
};

const qs = (q: Record<string, unknown>) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) for (const x of Array.isArray(v) ? v : [v]) u.append(k, String(x));
  return u.toString();
};

describe('Algolia protocol', () => {
  let es: EsClient;
  let kafka: Kafka;
  let alias: string;
  let t: TestApp;
  let products: Product[];
  let base: string;
  let eventsTopic: string;

  const multi = async (requests: Record<string, unknown>[]) => {
    const res = await t.app.inject({ method: 'POST', url: '/1/indexes/*/queries', payload: { requests } });
    assert.equal(res.statusCode, 200, res.body);
    return (res.json() as { results: AlgoliaResult[] }).results;
  };
  const search = async (p: AlgoliaParams, sort: Parameters<typeof productQuery>[1] = 'relevance') => {
    const res = await t.app.inject(`/search?${qs(productQuery(p, sort).querystring)}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as SearchResult;
  };

  before(async () => {
    es = await testEs();
    kafka = testKafka();
    ({ t, alias, products, base, eventsTopic } = await algoliaApp(es, kafka, recorded.catalogSeed, {
      algoliaIndex: 'shop',
      adminKeys: 'tester:algolia-test-key',
      rulesRefreshMs: 0,
      corsOrigins: 'https://shop.example',
    }));
  });
  after(async () => {
    await t.close();
    await dropIndices(es, alias);
    await es.close();
  });

  it('answers each multi-query as /search answers the same parameters', async () => {
    const audio = 'Electronics > Audio';
    const brand = products.find((p) => p.categories?.[1] === 'Audio')!.brand!;
    const cases: { index: string; sort?: Parameters<typeof productQuery>[1]; p: AlgoliaParams }[] = [
      { index: 'shop', p: { query: 'wireless', hitsPerPage: 10, facets: ['brand', 'category.lvl0'] } },
      {
        index: 'shop',
        p: {
          facetFilters: [[`brand:${brand}`, 'brand:Nobrand']],
          numericFilters: ['price>=20', 'price<=400'],
          facets: ['brand', 'price'],
          page: 1,
          hitsPerPage: 5,
        },
      },
      {
        index: 'shop',
        p: {
          facetFilters: [[`category.lvl1:${audio}`]],
          facets: ['category.lvl0', 'category.lvl1', 'category.lvl2', 'in_stock'],
          hitsPerPage: 20,
        },
      },
      {
        index: 'shop',
        p: { query: 'wireless', facetFilters: [`-brand:${brand}`], facets: ['brand'], hitsPerPage: 50 },
      },
      { index: 'shop_price_asc', sort: 'price_asc', p: { query: 'headphones', facets: ['*'], hitsPerPage: 8 } },
      {
        index: 'shop',
        p: { filters: `brand:"${brand}" AND in_stock:true AND rating>=3`, facets: ['attributes.color'] },
      },
    ];
    const results = await multi(cases.map((c) => ({ indexName: c.index, ...c.p })));
    for (const [i, c] of cases.entries()) {
      const a = results[i]!;
      const s = await search(c.p, c.sort);
      const what = `case ${i}: ${JSON.stringify(c.p)}`;
      assert.ok(s.total > 0, `${what} finds something`);
      assert.deepEqual(
        a.hits.map((h) => h.objectID),
        s.hits.map((h) => h.id),
        `${what}: hits in order`,
      );
      assert.equal(a.nbHits, s.total, what);
      assert.equal(a.page, c.p.page ?? 0);
      assert.equal(a.nbPages, Math.ceil(s.total / (c.p.hitsPerPage ?? 20)));
      const asked = c.p.facets!.includes('*') ? ['brand', 'category.lvl0', 'in_stock'] : (c.p.facets as string[]);
      for (const f of asked.filter((x) => x !== 'price')) {
        const expected = Object.fromEntries((facetValues(s.facets, f) ?? []).map((v) => [v.value, v.count]));
        assert.deepEqual(a.facets[f] ?? {}, expected, `${what}: facet ${f}`);
        if (f !== 'attributes.color') assert.ok(Object.keys(expected).length > 0, `${what}: ${f} has values`);
      }
      if (asked.includes('price'))
        assert.deepEqual(a.facets_stats?.price, { min: s.facets.price!.min, max: s.facets.price!.max });
    }
    const without = results[cases.findIndex((c) => JSON.stringify(c.p.facetFilters ?? '').includes('-brand'))]!;
    assert.ok(
      without.hits.every((h) => products.find((p) => p.id === h.objectID)!.brand !== brand),
      'a negated brand is left out',
    );
    // The hierarchical menu: level 2 holds the children of the selected level-1 path only.
    const lvl2 = Object.keys(results[2]!.facets['category.lvl2']!);
    assert.ok(lvl2.length > 0 && lvl2.every((v) => v.startsWith(`${audio} > `)), lvl2.join());
    assert.ok(
      results[cases.findIndex((c) => c.index === 'shop_price_asc')]!.hits.every(
        (h, i, all) =>
          i === 0 ||
          products.find((p) => p.id === all[i - 1]!.objectID)!.price! <=
            products.find((p) => p.id === h.objectID)!.price!,
      ),
      'the replica is sorted by price',
    );
  });

  it('answers the requests the libraries sent from the browser as /search answers them', async () => {
    // The page's index is "products"; this app serves the same catalog as "shop".
    const asShop = (r: Record<string, unknown>) => ({
      ...r,
      indexName: String(r.indexName).replace(/^products/, 'shop'),
    });
    let compared = 0;
    for (const batch of recorded.batches) {
      const results = await multi(batch.map(asShop));
      for (const [i, r] of batch.entries()) {
        const target = indexTarget(String(r.indexName), 'products');
        if (r.type === 'facet' || target.kind !== 'products') continue;
        const p = algoliaParams(r);
        const s = await search(p, target.sort);
        const a = results[i]!;
        assert.equal(a.nbHits, s.total, JSON.stringify(r));
        if (p.hitsPerPage !== 0)
          assert.deepEqual(
            a.hits.map((h) => h.objectID),
            s.hits.map((h) => h.id),
          );
        for (const f of (p.facets as string[] | undefined) ?? [])
          if (f !== 'price')
            assert.deepEqual(
              a.facets[f] ?? {},
              Object.fromEntries((facetValues(s.facets, f) ?? []).map((v) => [v.value, v.count])),
            );
        compared++;
      }
    }
    assert.ok(compared >= 20, `${compared} recorded queries compared`);
    const facetQueries = recorded.batches.flat().filter((r) => r.type === 'facet');
    assert.ok(facetQueries.length > 0, 'the recording holds a search for facet values');
    const insights = await t.app.inject({
      method: 'POST',
      url: '/1/events',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      payload: JSON.stringify({ events: recorded.insights.flatMap((b) => (b as { events: unknown[] }).events) }),
    });
    assert.equal(insights.statusCode, 200, insights.body);
  });

  it('applies merchandiser rules as /search does: a pinned product first, promoted in the ranking info', async () => {
    const pinned = products.find((p) => !/wireless/i.test(`${p.title} ${p.description ?? ''}`))!.id;
    const rules = async (body: unknown[]) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/admin/rules/import',
        headers: { 'x-admin-key': 'algolia-test-key' },
        payload: body,
      });
      assert.equal(res.statusCode, 200, res.body);
    };
    await rules([
      {
        id: 'pin-wireless',
        name: 'pin',
        conditions: { query: { match: 'equals', values: ['wireless'] } },
        actions: [{ type: 'pin', id: pinned, position: 1 }],
      },
    ]);
    try {
      const [a] = await multi([{ indexName: 'shop', query: 'wireless', getRankingInfo: true }]);
      const s = await search({ query: 'wireless' });
      assert.equal(s.hits[0]!.id, pinned);
      assert.deepEqual(
        a!.hits.map((h) => h.objectID),
        s.hits.map((h) => h.id),
      );
      const info = (a!.hits as unknown as { _rankingInfo: { promoted: boolean } }[]).map(
        (h) => h._rankingInfo.promoted,
      );
      assert.deepEqual([info[0], info.slice(1).some(Boolean)], [true, false]);
    } finally {
      await rules([]);
    }
  });

  it('highlights with the client’s tags and gives a query id only with clickAnalytics', async () => {
    const [r, plain] = await multi([
      {
        indexName: 'shop',
        query: 'wireless',
        highlightPreTag: '__ais-highlight__',
        highlightPostTag: '__/ais-highlight__',
        clickAnalytics: true,
      },
      { indexName: 'shop', params: 'query=wireless&hitsPerPage=3' },
    ]);
    assert.match(r!.queryID!, /^[0-9a-f]{32}$/);
    assert.equal(plain!.queryID, undefined);
    assert.equal(plain!.hits.length, 3);
    const title = r!.hits[0]!._highlightResult.title!;
    assert.match(title.value, /__ais-highlight__wireless__\/ais-highlight__/i);
    assert.equal(title.matchLevel, 'full');
  });

  it('searches for facet values with the counts the brand facet shows', async () => {
    const brand = products[0]!.brand!;
    const typed = brand.slice(0, 3).toLowerCase();
    const res = await t.app.inject({
      method: 'POST',
      url: '/1/indexes/shop/facets/brand/query',
      payload: { params: qs({ facetQuery: typed, maxFacetHits: 5 }) },
    });
    assert.equal(res.statusCode, 200, res.body);
    const { facetHits } = res.json() as { facetHits: { value: string; count: number; highlighted: string }[] };
    const hit = facetHits.find((h) => h.value === brand)!;
    assert.equal(hit.count, products.filter((p) => p.brand === brand).length);
    assert.match(hit.highlighted, /<em>/);
    assert.ok(facetHits.every((h) => h.value.toLowerCase().includes(typed)));
  });

  it('serves query suggestions as hits of the suggestions index', async () => {
    const [r] = await multi([
      {
        indexName: 'shop_query_suggestions',
        query: 'wire',
        hitsPerPage: 5,
        highlightPreTag: '<b>',
        highlightPostTag: '</b>',
      },
    ]);
    const hits = r!.hits as unknown as { query: string; _highlightResult: { query: { value: string } } }[];
    assert.ok(hits.length > 0);
    for (const h of hits) {
      assert.match(h.query, /wire/i);
      assert.match(h._highlightResult.query.value, /<b>wire<\/b>/i);
    }
  });

  it('answers errors as { message, status }, naming the parameter', async () => {
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ requests: [{ indexName: 'nope' }] }, 404, /Index nope does not exist/],
      [{ requests: [{ indexName: 'shop', facetFilters: ['-category.lvl0:X'] }] }, 400, /^facetFilters: negation/],
      [{ requests: [{ indexName: 'shop', filters: '((brand:A))' }] }, 400, /^filters:/],
      [{ requests: [{ indexName: 'shop', hitsPerPage: 5000 }] }, 400, /^hitsPerPage:/],
      [{ requests: Array.from({ length: 33 }, () => ({ indexName: 'shop' })) }, 400, /requests/],
    ];
    for (const [payload, status, message] of cases) {
      const res = await t.app.inject({ method: 'POST', url: '/1/indexes/*/queries', payload });
      assert.equal(res.statusCode, status, res.body);
      const body = res.json() as { message: string; status: number };
      assert.deepEqual(Object.keys(body).sort(), ['message', 'status']);
      assert.equal(body.status, status);
      assert.match(body.message, message);
    }
    const notJson = await t.app.inject({
      method: 'POST',
      url: '/1/indexes/*/queries',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '{"requests":',
    });
    assert.deepEqual(notJson.json(), { message: 'the body is not JSON', status: 400 });
  });

  it('lets the shop’s origin call it from a browser, with Algolia’s headers, and no other origin', async () => {
    const preflight = (origin: string) =>
      t.app.inject({
        method: 'OPTIONS',
        url: '/1/indexes/*/queries',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-algolia-api-key,x-algolia-application-id',
        },
      });
    const shop = await preflight('https://shop.example');
    assert.equal(shop.headers['access-control-allow-origin'], 'https://shop.example');
    assert.match(String(shop.headers['access-control-allow-headers']), /x-algolia-api-key/);
    const other = await preflight('https://elsewhere.example');
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });

  it('serves the official algoliasearch lite client', async () => {
    const port = new URL(base).port;
    const client = liteClient('shop-app', 'any-key', {
      hosts: [{ url: `127.0.0.1:${port}`, protocol: 'http', accept: 'readWrite' }],
    });
    const { results } = await client.search({
      requests: [
        { indexName: 'shop', query: 'wireless', hitsPerPage: 4, facets: ['brand'] },
        { indexName: 'shop', type: 'facet', facet: 'brand', facetQuery: products[0]!.brand!.slice(0, 2) },
      ],
    });
    const hits = results[0] as unknown as AlgoliaResult;
    const s = await search({ query: 'wireless', hitsPerPage: 4, facets: ['brand'] });
    assert.deepEqual(
      hits.hits.map((h) => h.objectID),
      s.hits.map((h) => h.id),
    );
    const facets = results[1] as unknown as { facetHits: { value: string }[] };
    assert.ok(facets.facetHits.some((h) => h.value === products[0]!.brand));
    await assert.rejects(client.search({ requests: [{ indexName: 'missing' }] }), /Index missing does not exist/);
  });

  it('puts an Insights click on the events topic as a click with its query id and position', async () => {
    const [r] = await multi([{ indexName: 'shop', query: 'wireless', clickAnalytics: true, userToken: 'anon-42' }]);
    const clicked = r!.hits[1]!.objectID;
    const res = await t.app.inject({
      method: 'POST',
      url: '/1/events?X-Algolia-Application-Id=shop-app&X-Algolia-API-Key=k',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      payload: JSON.stringify({
        events: [
          {
            eventType: 'click',
            eventName: 'Hit Clicked',
            index: 'shop',
            userToken: 'anon-42',
            queryID: r!.queryID,
            objectIDs: [clicked],
            positions: [2],
          },
          {
            eventType: 'conversion',
            eventName: 'Converted',
            index: 'shop',
            userToken: 'anon-42',
            objectIDs: [clicked],
          },
        ],
      }),
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { status: 200, message: 'OK', accepted: 1, ignored: 1 });
    const click = await waitFor('the click on the events topic', async () =>
      (await eventsOn(kafka, eventsTopic)).find((e) => e.query_id === r!.queryID),
    );
    assert.equal(click.type, 'click');
    assert.equal(click.product, clicked);
    assert.equal(click.position, 2);
    assert.equal(click.session, 'anon-42');
    const bad = await t.app.inject({
      method: 'POST',
      url: '/1/events',
      payload: { events: [{ eventType: 'click', eventName: 'x', index: 'shop', userToken: 'has space' }] },
    });
    assert.equal(bad.statusCode, 400);
    assert.match((bad.json() as { message: string }).message, /userToken/);
  });
});
