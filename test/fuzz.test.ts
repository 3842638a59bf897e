// A fuzz run over every public route and the admin API, against real Elasticsearch and Redis:
// random and adversarial values for every parameter, path segment and body (huge values, deep
// nesting, unicode edge cases, query-DSL and script fragments, path traversal, invalid JSON).
// Nothing may answer 5xx; every 4xx is a JSON error with a message; no backend text leaks.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import { seededRandom } from '../common/random.ts';
import { recsKeys } from '../recommender/publish/keys.ts';
import { summarize } from '../recommender/publish/product-summary.ts';
import { publish } from '../recommender/publish/publish.ts';
import { train } from '../recommender/train.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { shopInteractions, shopProducts, smallTraining } from './support/baskets.ts';
import { indexCatalog } from './support/catalogs.ts';
import { dropIndices, testEs } from './support/stack.ts';

const KEY = 'fuzz-admin-key';
const HOSTILE = [
  '',
  ' ',
  'lamp',
  'k1',
  'g1,k2',
  'Home > Garden',
  '-1',
  '0',
  '1e308',
  'NaN',
  'Infinity',
  'true',
  'null',
  '[]',
  '{}',
  '../../etc/passwd',
  '..%2f..%2f',
  '%00',
  '\u0000',
  '\uFFFF\uFFFE',
  '\uD800',
  '😀'.repeat(50),
  'é'.normalize('NFD'),
  'ǅ̸̢̛̱̀',
  '<script>alert(1)</script>',
  '"; DROP TABLE products; --',
  '{"script":{"source":"Runtime.getRuntime().exec(\'id\')"}}',
  '{"query":{"match_all":{}}}',
  'title:* OR _exists_:price',
  '*:*',
  '/.*/',
  'a~2',
  '\\',
  '${jndi:ldap://x}',
  '__proto__',
  'constructor.prototype',
  'x'.repeat(5000),
  'a,'.repeat(300),
  'name:value',
  ':',
];

describe('fuzzing every route', () => {
  let es: EsClient;
  let alias: string;
  let t: TestApp;
  const random = seededRandom(20261121);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const value = (): string =>
    random() < 0.15
      ? Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(HOSTILE)).join('')
      : pick(HOSTILE);
  // A lone surrogate cannot be percent-encoded as UTF-8: it is sent as the invalid bytes it would be.
  const enc = (s: string) =>
    s
      .split(/([\uD800-\uDFFF])/)
      .map((part) => (/^[\uD800-\uDFFF]$/.test(part) ? '%ED%A0%80' : encodeURIComponent(part)))
      .join('');
  const qs = (names: string[]) =>
    names
      .filter(() => random() < 0.5)
      .map((n) => `${n}=${enc(value())}`)
      .join('&');
  const seg = () => enc(value()) || 'x';
  const listing = [
    'q',
    'category',
    'brand',
    'price_min',
    'price_max',
    'rating_min',
    'in_stock',
    'attr',
    'sort',
    'page',
    'size',
    'cursor',
    'facets',
    'brand_facet_size',
    'brand_facet_q',
    'profile',
    'channel',
    'customer',
    'recent',
    'explain',
    'colour',
  ];
  const rail = ['size', 'in_stock', 'category', 'price_min', 'price_max', 'exclude'];
  const deep = (n: number): unknown =>
    n === 0 ? value() : random() < 0.5 ? [deep(n - 1)] : { [value().slice(0, 20) || 'k']: deep(n - 1) };
  const body = (): string => {
    const r = random();
    if (r < 0.2) return value(); // not JSON at all, or a bare string
    if (r < 0.3) return JSON.stringify(deep(200)); // deep nesting
    const rule: Record<string, unknown> = {
      id: pick(['r1', value()]),
      name: value(),
      actions:
        random() < 0.5
          ? [
              {
                type: pick(['pin', 'boost', 'bury', 'hide', 'filter', 'rewrite', 'expand', 'redirect', value()]),
                id: value(),
                position: pick([1, -1, 1e9, value()]),
                factor: pick([2, 0.5, -3, value()]),
                group:
                  random() < 0.5 ? {} : { [pick(['ids', 'brands', 'category', value()])]: pick([[value()], value()]) },
                url: value(),
                query: value(),
                synonyms: [value()],
              },
            ]
          : value(),
    };
    if (random() < 0.5) rule.conditions = { [pick(['query', 'category', 'window', 'channels', value()])]: deep(2) };
    return JSON.stringify(
      random() < 0.2 ? [rule, rule] : random() < 0.2 ? { q: value(), category: value(), rule } : rule,
    );
  };
  const requests = (): { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; payload?: string }[] => [
    { method: 'GET', url: `/search?${qs(listing)}` },
    { method: 'GET', url: `/categories?${qs(['depth', 'under', 'x'])}` },
    { method: 'GET', url: `/categories/${seg()}/products?${qs(listing)}` },
    { method: 'GET', url: `/products/${seg()}` },
    { method: 'GET', url: `/suggest?${qs(['q', 'size', 'customer', 'x'])}` },
    { method: 'GET', url: `/recommendations/similar/${seg()}?${qs(rail)}` },
    { method: 'GET', url: `/recommendations/bought-together?${qs(['items', ...rail])}` },
    { method: 'GET', url: `/recommendations/for-user/${seg()}?${qs(['recent', ...rail])}` },
    { method: 'GET', url: `/recommendations/trending?${qs(rail)}` },
    { method: 'GET', url: `/admin/rules?${qs(['q', 'enabled', 'action'])}` },
    { method: 'GET', url: `/admin/audit?${qs(['limit'])}` },
    { method: 'POST', url: '/admin/rules', payload: body() },
    { method: 'PUT', url: `/admin/rules/${seg()}`, payload: body() },
    { method: 'DELETE', url: `/admin/rules/${seg()}` },
    { method: 'POST', url: '/admin/rules/validate', payload: body() },
    { method: 'POST', url: '/admin/rules/preview', payload: body() },
    { method: 'POST', url: '/admin/rules/import', payload: body() },
    { method: 'DELETE', url: `/admin/customers/${seg()}/recent-searches` },
    { method: 'GET', url: `/admin/analytics/overview?${qs(['from', 'to', 'interval'])}` },
    { method: 'GET', url: `/admin/analytics/queries?${qs(['from', 'to', 'report', 'size'])}` },
    {
      method: 'GET',
      url: `/admin/analytics/${pick(['positions', 'categories', 'charts'])}?${qs(['from', 'to', 'size'])}`,
    },
    { method: 'POST', url: '/admin/experiments', payload: body() },
    { method: 'GET', url: `/admin/experiments/${seg()}` },
    { method: 'POST', url: `/admin/experiments/${seg()}/stop` },
  ];

  before(async () => {
    es = await testEs();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-')), 'catalog.ndjson');
    fs.writeFileSync(file, shopProducts.map((p) => JSON.stringify(p)).join('\n'));
    alias = await indexCatalog(es, file);
    t = await buildTestApp(es, { indexAlias: alias, adminKeys: `fuzzer:${KEY}`, rulesRefreshMs: 0 });
    const model = await train({ interactions: shopInteractions(), products: shopProducts }, smallTraining);
    await publish(t.redis, recsKeys(t.config.redisPrefix), model, shopProducts.map(summarize));
  });
  after(async () => {
    await t.close();
    await dropIndices(es, alias);
    await es.close();
  });

  it('answers 100 rounds of every route without a 5xx, with a JSON error naming the problem for every 4xx', async () => {
    const statuses = new Map<number, number>();
    for (let round = 0; round < 100; round++) {
      for (const r of requests()) {
        const res = await t.app.inject({
          ...r,
          headers: { 'x-admin-key': KEY, ...(r.payload !== undefined ? { 'content-type': 'application/json' } : {}) },
        });
        const where = `${r.method} ${r.url.slice(0, 200)} ${r.payload?.slice(0, 200) ?? ''}`;
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        assert.ok(res.statusCode < 500, `${where} → ${res.statusCode} ${res.body.slice(0, 300)}`);
        if (res.statusCode >= 400) {
          const e = res.json() as { error?: string; message?: string };
          assert.ok(e.error && e.message, `${where}: a JSON error with a message`);
          assert.doesNotMatch(
            e.message!,
            /exception|elasticsearch|painless|lucene|stack trace|redis/i,
            `${where}: no backend text (${e.message})`,
          );
        }
      }
    }
    assert.ok(
      (statuses.get(200) ?? 0) > 0 && (statuses.get(400) ?? 0) > 0,
      `both answers and refusals: ${JSON.stringify([...statuses])}`,
    );
  });
});
