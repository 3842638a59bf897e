// Merchandiser rules end to end against real Elasticsearch and Redis: the admin API (keys, CRUD,
// validation, audit, export/import, preview), every action on search, category pages and
// autocomplete, precedence, time windows on an injected clock, channels, hot reload, explain, and
// business signals that stay bounded.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import pino from 'pino';
import type { Product } from '../catalog/product.ts';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { indexCatalog } from './support/catalogs.ts';
import { dropIndices, testEs } from './support/stack.ts';

const KEY = 'rules-test-secret-key';
const admin = { 'x-admin-key': KEY };
const desk = ['Home', 'Lighting', 'Desk'];
const catalog: Product[] = [
  {
    id: 'l1',
    title: 'Brass desk lamp',
    brand: 'Lumo',
    categories: desk,
    price: 40,
    popularity: 10,
    rating: 4,
    rating_count: 10,
    in_stock: true,
  },
  {
    id: 'l2',
    title: 'Oak desk lamp',
    brand: 'Arbor',
    categories: desk,
    price: 60,
    popularity: 5,
    rating: 4,
    rating_count: 10,
    in_stock: true,
  },
  {
    id: 'l3',
    title: 'LED desk lamp',
    brand: 'Lumo',
    categories: desk,
    price: 25,
    popularity: 50,
    rating: 4.5,
    rating_count: 40,
    in_stock: true,
  },
  {
    id: 'l4',
    title: 'Arc floor lamp',
    brand: 'Arbor',
    categories: ['Home', 'Lighting', 'Floor'],
    price: 120,
    popularity: 20,
    in_stock: true,
  },
  {
    id: 'l5',
    title: 'Clip reading lamp',
    brand: 'Brightly',
    categories: desk,
    price: 15,
    popularity: 1,
    in_stock: true,
  },
  {
    id: 'k1',
    title: 'Chef knife',
    brand: 'Blade',
    categories: ['Home', 'Kitchen'],
    price: 80,
    popularity: 30,
    in_stock: true,
  },
  {
    id: 't1',
    title: 'Television 55 inch',
    brand: 'Viso',
    categories: ['Electronics', 'TV'],
    price: 500,
    popularity: 40,
    in_stock: true,
  },
  // Popular and highly rated, but "desk lamp" is only in its description.
  {
    id: 'h1',
    title: 'Garden hose reel',
    description: 'Tidy storage you can keep by the desk lamp in the shed',
    brand: 'Greeno',
    categories: ['Garden'],
    price: 30,
    popularity: 1_000_000,
    rating: 5,
    rating_count: 5000,
    in_stock: true,
  },
];

interface Hit {
  id: string;
  brand?: string;
  price?: number;
  pinned?: boolean;
  explain?: {
    score: number;
    text: number;
    signals: Record<string, number>;
    rules: { rule: string; factor: number }[];
    position_without_rules: number | null;
  };
}
interface Page {
  total: number;
  hits: Hit[];
  redirect?: string;
  rewritten_query?: string;
  next_cursor?: string;
}

describe('merchandiser rules', () => {
  let es: EsClient;
  let alias: string;
  let t: TestApp;
  const logLines: string[] = [];

  const call = async (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = admin,
  ) => {
    const res = await t.app.inject({
      method,
      url,
      headers,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
    return { status: res.statusCode, body: res.body ? (res.json() as Record<string, unknown>) : {} };
  };
  const search = async (qs: string, headers: Record<string, string> = {}): Promise<Page> => {
    const res = await t.app.inject({ url: `/search?${qs}`, headers });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as Page;
  };
  const ids = (p: { hits: Hit[] }) => p.hits.map((h) => h.id);
  const setRules = async (rules: unknown[]) => {
    const r = await call('POST', '/admin/rules/import', rules);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const rule = (id: string, conditions: object, actions: object[], extra: object = {}) => ({
    id,
    name: id,
    conditions,
    actions,
    ...extra,
  });
  const deskLamp = { query: { match: 'equals', values: ['desk lamp'] } };

  before(async () => {
    es = await testEs();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rules-')), 'catalog.ndjson');
    fs.writeFileSync(file, catalog.map((p) => JSON.stringify(p)).join('\n'));
    alias = await indexCatalog(es, file);
    const sink = new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) });
    t = await buildTestApp(
      es,
      { indexAlias: alias, adminKeys: `tester:${KEY}`, rulesRefreshMs: 0, cacheEnabled: false },
      undefined,
      pino({ level: 'debug' }, sink),
    );
  });
  after(async () => {
    await t.close();
    await dropIndices(es, alias);
    await es.close();
  });
  beforeEach(async () => {
    t.runtime.clock.now = Date.now;
    await setRules([]);
  });

  describe('admin API', () => {
    it('refuses a missing or wrong key with a JSON 401, on every admin route and on explain', async () => {
      for (const [method, url] of [
        ['GET', '/admin/rules'],
        ['POST', '/admin/rules'],
        ['GET', '/admin/audit'],
        ['POST', '/admin/rules/import'],
        ['GET', '/search?q=lamp&explain=true'],
      ] as const) {
        const missing = await call(method, url, method === 'POST' ? {} : undefined, {});
        assert.equal(missing.status, 401, `${method} ${url}`);
        assert.equal(missing.body.error, 'unauthorized');
        assert.equal(
          (await call(method, url, method === 'POST' ? {} : undefined, { 'x-admin-key': `${KEY}x` })).status,
          401,
        );
      }
      assert.equal((await call('GET', '/admin/rules')).status, 200);
    });

    it('never writes the key to the log', async () => {
      await call('GET', '/admin/rules');
      await call('GET', '/admin/rules', undefined, { authorization: `Bearer ${KEY}` });
      assert.ok(logLines.length > 0, 'requests were logged');
      assert.ok(logLines.every((l) => !l.includes(KEY)));
    });

    it('creates, reads, lists with filters, updates (enables/disables) and deletes, auditing each change with its actor', async () => {
      const created = await call(
        'POST',
        '/admin/rules',
        rule('boost-arbor', deskLamp, [{ type: 'boost', group: { brands: ['Arbor'] }, factor: 3 }], {
          description: 'Arbor week',
        }),
      );
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.updated_by, 'tester');
      assert.equal(
        (await call('POST', '/admin/rules', rule('boost-arbor', {}, [{ type: 'hide', group: { ids: ['x'] } }]))).status,
        400,
        'ids are unique',
      );
      await call(
        'POST',
        '/admin/rules',
        rule('hide-k1', {}, [{ type: 'hide', group: { ids: ['k1'] } }], { enabled: false }),
      );
      assert.deepEqual(
        ((await call('GET', '/admin/rules?action=boost')).body.rules as { id: string }[]).map((r) => r.id),
        ['boost-arbor'],
      );
      assert.deepEqual(
        ((await call('GET', '/admin/rules?enabled=false')).body.rules as { id: string }[]).map((r) => r.id),
        ['hide-k1'],
      );
      assert.deepEqual(
        ((await call('GET', '/admin/rules?q=arbor%20week')).body.rules as { id: string }[]).map((r) => r.id),
        ['boost-arbor'],
      );
      const updated = await call(
        'PUT',
        '/admin/rules/hide-k1',
        rule('hide-k1', {}, [{ type: 'hide', group: { ids: ['k1'] } }], { enabled: true }),
      );
      assert.equal(updated.status, 200);
      assert.equal((await call('GET', '/admin/rules/hide-k1')).body.enabled, true);
      assert.equal((await call('DELETE', '/admin/rules/boost-arbor')).status, 204);
      assert.equal((await call('GET', '/admin/rules/boost-arbor')).status, 404);
      const audit = (await call('GET', '/admin/audit?limit=3')).body.entries as {
        actor: string;
        action: string;
        rule: string;
        before: { enabled: boolean } | null;
        after: unknown;
      }[];
      assert.deepEqual(
        audit.map((e) => [e.action, e.rule, e.actor]),
        [
          ['delete', 'boost-arbor', 'tester'],
          ['update', 'hide-k1', 'tester'],
          ['create', 'hide-k1', 'tester'],
        ],
      );
      assert.equal(audit[0]!.after, null);
      assert.equal(audit[1]!.before!.enabled, false);
    });

    it('rejects an invalid rule naming the field, and stores nothing', async () => {
      const bad = await call(
        'POST',
        '/admin/rules',
        rule('bad', deskLamp, [{ type: 'bury', group: { brands: ['Lumo'] }, factor: 3 }]),
      );
      assert.equal(bad.status, 400);
      assert.equal(bad.body.field, 'actions.0.factor');
      const zone = await call(
        'POST',
        '/admin/rules/validate',
        rule('bad', { window: { start: '2026-01-01T00:00', time_zone: 'Nowhere/Land' } }, [
          { type: 'hide', group: { ids: ['x'] } },
        ]),
      );
      assert.equal(zone.status, 400);
      assert.equal(zone.body.field, 'conditions.window.time_zone');
      assert.equal((await call('GET', '/admin/rules')).body.total, 0);
    });

    it('exports and imports every rule; an import with one bad rule changes nothing', async () => {
      await setRules([
        rule('a', deskLamp, [{ type: 'pin', id: 'l5', position: 1 }]),
        rule('b', {}, [{ type: 'hide', group: { ids: ['k1'] } }]),
      ]);
      const exported = (await t.app.inject({ url: '/admin/rules/export', headers: admin })).json() as { id: string }[];
      assert.deepEqual(
        exported.map((r) => r.id),
        ['a', 'b'],
      );
      const bad = await call('POST', '/admin/rules/import', [
        exported[0],
        { ...exported[1], actions: [{ type: 'pin', id: 'x', position: 0 }] },
      ]);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.field, 'rules.1.actions.0.position');
      assert.deepEqual(
        ((await call('GET', '/admin/rules')).body.rules as { id: string }[]).map((r) => r.id),
        ['a', 'b'],
      );
      await setRules(exported);
      assert.equal((await call('GET', '/admin/rules')).body.total, 2);
    });
  });

  describe('actions on search', () => {
    it('pins a product at a position even when it does not match the words, once across pages', async () => {
      const plain = await search('q=desk+lamp&size=20');
      await setRules([rule('pin', deskLamp, [{ type: 'pin', id: 'k1', position: 2 }])]);
      const pinned = await search('q=desk+lamp&size=20');
      assert.equal(pinned.hits[1]!.id, 'k1');
      assert.equal(pinned.hits[1]!.pinned, true);
      assert.equal(pinned.total, plain.total + 1);
      assert.deepEqual(
        ids(pinned).filter((id) => id !== 'k1'),
        ids(plain),
        'the rest keep their order',
      );
      const pages = [
        ...ids(await search('q=desk+lamp&size=2&page=1')),
        ...ids(await search('q=desk+lamp&size=2&page=2')),
        ...ids(await search('q=desk+lamp&size=2&page=3')),
      ];
      assert.deepEqual(pages, ids(pinned).slice(0, 6), 'pages are slices of one list');
      const cursorPage = await search('q=desk+lamp&size=2');
      const next = await search(`q=desk+lamp&size=2&cursor=${cursorPage.next_cursor}`);
      assert.ok(!ids(next).includes('k1'), 'a cursor continues the list without repeating the pin');
      assert.deepEqual(
        ids(await search('q=desk+lamp&sort=price_asc&size=20')),
        [...ids(plain)].sort(
          (a, b) => catalog.find((p) => p.id === a)!.price! - catalog.find((p) => p.id === b)!.price!,
        ),
        'a sort the shopper chose is not merchandised',
      );
    });

    it('hides a product even when another rule pins it', async () => {
      await setRules([
        rule('pin', deskLamp, [{ type: 'pin', id: 'l2', position: 1 }], { priority: 10 }),
        rule('hide', {}, [{ type: 'hide', group: { ids: ['l2'] } }]),
      ]);
      const page = await search('q=desk+lamp');
      assert.ok(!ids(page).includes('l2'));
      assert.ok(page.hits.length > 0);
    });

    it('boosts and buries groups by brand, multiplying relevance', async () => {
      const plain = ids(await search('q=desk+lamp'));
      await setRules([rule('boost', deskLamp, [{ type: 'boost', group: { brands: ['Arbor'] }, factor: 10 }])]);
      const boosted = ids(await search('q=desk+lamp'));
      assert.equal(boosted[0], 'l2');
      assert.ok(plain.indexOf('l2') > 0, 'it was not first before');
      await setRules([rule('bury', deskLamp, [{ type: 'bury', group: { brands: ['Lumo'] }, factor: 0.05 }])]);
      const buried = ids(await search('q=desk+lamp'));
      const lumo = buried.filter((id) => ['l1', 'l3'].includes(id)).map((id) => buried.indexOf(id));
      const others = buried.filter((id) => ['l2', 'l5'].includes(id)).map((id) => buried.indexOf(id));
      assert.ok(Math.min(...lumo) > Math.max(...others), `Lumo below the other lamps: ${buried}`);
    });

    it('filters the results and still counts them in the facets', async () => {
      await setRules([rule('cheap', deskLamp, [{ type: 'filter', group: { price_max: 30 } }])]);
      const page = await search('q=desk+lamp');
      assert.ok(page.hits.length > 0 && page.hits.every((h) => h.price! <= 30));
    });

    it('rewrites and expands queries, and redirects', async () => {
      await setRules([
        rule('rw', { query: { match: 'equals', values: ['lite'] } }, [{ type: 'rewrite', query: 'floor lamp' }]),
        rule('syn', { query: { match: 'equals', values: ['telly'] } }, [{ type: 'expand', synonyms: ['television'] }]),
        rule('go', { query: { match: 'contains', values: ['returns'] } }, [{ type: 'redirect', url: '/help/returns' }]),
      ]);
      const rewritten = await search('q=lite');
      assert.equal(rewritten.rewritten_query, 'floor lamp');
      assert.equal(ids(rewritten)[0], 'l4');
      assert.deepEqual(ids(await search('q=telly')), ['t1']);
      const redirect = await search('q=Returns+policy');
      assert.equal(redirect.redirect, '/help/returns');
      assert.deepEqual(redirect.hits, []);
    });
  });

  describe('conditions', () => {
    it('applies category rules to category pages at or under the path', async () => {
      await setRules([
        rule('light', { category: { under: 'Home > Lighting' } }, [
          { type: 'pin', id: 'l5', position: 1 },
          { type: 'pin', id: 'k1', position: 2 },
        ]),
      ]);
      const page = (
        await t.app.inject(`/categories/${encodeURIComponent('Home > Lighting > Desk')}/products`)
      ).json() as Page;
      assert.equal(page.hits[0]!.id, 'l5');
      assert.ok(!ids(page).includes('k1'), "a pin outside the page's category is not shown");
      const kitchen = (
        await t.app.inject(`/categories/${encodeURIComponent('Home > Kitchen')}/products`)
      ).json() as Page;
      assert.ok(!kitchen.hits.some((h) => h.pinned));
    });

    it('applies within its window on the injected clock, in its time zone', async () => {
      await setRules([
        rule(
          'sale',
          {
            ...deskLamp,
            window: { start: '2026-11-27T00:00', end: '2026-11-28T00:00', time_zone: 'America/New_York' },
          },
          [{ type: 'pin', id: 'l5', position: 1 }],
        ),
      ]);
      t.runtime.clock.now = () => Date.parse('2026-11-27T04:59:00Z'); // 23:59 the day before in New York
      assert.notEqual(ids(await search('q=desk+lamp'))[0], 'l5');
      t.runtime.clock.now = () => Date.parse('2026-11-27T05:00:00Z');
      assert.equal(ids(await search('q=desk+lamp'))[0], 'l5');
      t.runtime.clock.now = () => Date.parse('2026-11-28T05:00:00Z');
      assert.notEqual(ids(await search('q=desk+lamp'))[0], 'l5');
    });

    it('applies to the channels it names only', async () => {
      await setRules([rule('app', { channels: ['app'] }, [{ type: 'hide', group: { brands: ['Lumo'] } }])]);
      assert.ok(ids(await search('q=desk+lamp')).includes('l1'));
      assert.ok(!ids(await search('q=desk+lamp&channel=app')).includes('l1'));
    });

    it('applies to autocomplete product suggestions', async () => {
      await setRules([
        rule('ac', { query: { match: 'contains', values: ['desk'] } }, [
          { type: 'hide', group: { ids: ['l3'] } },
          { type: 'pin', id: 'l5', position: 1 },
        ]),
      ]);
      const res = (await t.app.inject('/suggest?q=desk')).json() as { products: { id: string }[] };
      assert.equal(res.products[0]!.id, 'l5');
      assert.ok(!res.products.some((p) => p.id === 'l3'));
    });
  });

  it('takes effect within the refresh interval of an edit, without a restart', async () => {
    const other = await buildTestApp(es, {
      indexAlias: alias,
      adminKeys: `tester:${KEY}`,
      rulesRefreshMs: 1000,
      cacheEnabled: true,
      redisPrefix: t.config.redisPrefix,
    });
    try {
      const first = async () => ((await other.app.inject('/search?q=desk+lamp')).json() as Page).hits[0]!.id;
      assert.notEqual(await first(), 'k1');
      const edited = Date.now();
      await setRules([rule('pin', deskLamp, [{ type: 'pin', id: 'k1', position: 1 }])]);
      while ((await first()) !== 'k1') {
        assert.ok(Date.now() - edited < 3000, 'the edit applied within 3 s');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      other.runtime.vocabulary.stop();
      await other.app.close();
      other.redis.disconnect(); // not other.close(): it shares this suite's keys
    }
  });

  it('previews a query without and with an unsaved rule, marking what moved', async () => {
    const r = await call('POST', '/admin/rules/preview', {
      q: 'desk lamp',
      rule: rule('try', deskLamp, [
        { type: 'pin', id: 'k1', position: 1 },
        { type: 'boost', group: { brands: ['Arbor'] }, factor: 10 },
        { type: 'hide', group: { ids: ['l3'] } },
      ]),
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.applies, true);
    const changes = r.body.changes as { id: string; from: number | null; to: number | null; marks: string[] }[];
    const of = (id: string) => changes.find((c) => c.id === id);
    assert.deepEqual(of('k1')?.marks, ['pinned', 'new']);
    assert.ok(of('l2')?.marks.includes('boosted'), JSON.stringify(changes));
    assert.deepEqual(of('l3')?.marks, ['hidden']);
    assert.equal(of('l3')?.to, null);
    assert.equal((await call('GET', '/admin/rules')).body.total, 0, 'a preview stores nothing');
  });

  it('explains each score: text, signals and rule factors that multiply to the score, and the position without rules', async () => {
    await setRules([rule('boost', deskLamp, [{ type: 'boost', group: { brands: ['Arbor'] }, factor: 4 }])]);
    const page = await search('q=desk+lamp&explain=true', admin);
    for (const h of page.hits) {
      const e = h.explain!;
      const factor = e.rules.reduce((f, r) => f * r.factor, 1);
      const sum = (e.text + Object.values(e.signals).reduce((a, b) => a + b, 0)) * factor;
      assert.ok(Math.abs(sum - e.score) < 1e-3 * e.score, `${h.id}: ${JSON.stringify(e)}`);
      assert.equal(e.rules.length > 0, h.brand === 'Arbor');
      assert.ok(e.signals.popularity! > 0);
    }
    const l2 = page.hits.find((h) => h.id === 'l2')!;
    assert.equal(ids(page).indexOf('l2'), 0);
    assert.ok(l2.explain!.position_without_rules! > 1);
  });

  it('keeps a relevant product above a popular irrelevant one (business signals are bounded)', async () => {
    const page = ids(await search('q=desk+lamp'));
    assert.ok(page.includes('h1'), 'the hose matches through its description');
    for (const lamp of ['l1', 'l2', 'l3', 'l5'])
      assert.ok(page.indexOf(lamp) < page.indexOf('h1'), `${lamp} above the hose: ${page}`);
  });
});
