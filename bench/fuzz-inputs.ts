// Seeded hostile inputs, shared by the fuzz test (a short run) and `bench fuzz` (100,000 requests,
// 10,000 events): random and adversarial values for every parameter, path segment and body of
// every route (huge values, deep nesting, unicode runs and edge cases, long words, query-DSL and
// script fragments, path traversal, prototype names, forged cursors and customer tokens, invalid
// JSON), and change events that are malformed, oversized, or valid by the schema's letter but
// refused by Elasticsearch.
import { randomBytes } from 'node:crypto';

export const HOSTILE = [
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
  'constructor',
  'toString',
  'hasOwnProperty',
  'constructor.prototype',
  'x'.repeat(5000),
  'a,'.repeat(300),
  'name:value',
  ':',
  'αβγδεζηθικλμνξοπρστυφχψω'.repeat(4),
  '漢字仮名交じり文'.repeat(12),
  'ж'.repeat(150),
  'bcdfghjklmnpqrstvwxz'.repeat(10),
  'qwrtypsdfghjklzxcvbn mnbvcxzlkjhgfdspqw trtrtrtrpppppkkkkkll qzqzqzqzqzqzqzq',
  'a b c d e f g h i j k l m n o p q r s t u v w x y z',
  'c1.YWxpY2U.9999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  'eyJhZnRlciI6WyJ6eiJdLCJsaXN0IjoieCJ9.AAAAAAAAAAAAAAAAAAAAAA',
];

export interface FuzzRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  payload?: string;
}

/**
 * A generator of requests over every route: each call returns one round (one request per route).
 * `valid` holds values this service issued (signed cursors, customer tokens) to mix in.
 */
export function fuzzRequests(random: () => number, valid: { cursors: string[]; tokens: string[] }) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const value = (): string => {
    const r = random();
    if (r < 0.05 && valid.cursors.length > 0) return pick(valid.cursors);
    if (r < 0.1 && valid.tokens.length > 0) return pick(valid.tokens);
    if (r < 0.12) return randomBytes(Math.floor(random() * 80) + 1).toString('base64url');
    return r < 0.25
      ? Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(HOSTILE)).join('')
      : pick(HOSTILE);
  };
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
                url: pick(['//evil.example/x', '/\\evil.example', 'https://evil.example/', '/sale', value()]),
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
  /** A batch of shopper events, some fields hostile. */
  const events = (): string => {
    const types = ['click', 'suggestion_click', 'view', 'add_to_cart', 'purchase', value()];
    const one = () => ({
      type: pick(types),
      event_id: random() < 0.7 ? `e-${Math.floor(random() * 1e6)}` : value(),
      session: random() < 0.7 ? 's-1' : value(),
      ...(random() < 0.5 ? { query_id: random() < 0.5 ? 'q-1' : value() } : {}),
      ...(random() < 0.5 ? { product: value() } : {}),
      ...(random() < 0.3 ? { position: random() < 0.5 ? 3 : value() } : {}),
      ...(random() < 0.2 ? { time: value() } : {}),
      ...(random() < 0.2 ? { customer: value() } : {}),
      ...(random() < 0.2
        ? { items: [{ product: value(), price: value(), quantity: value() }], order_id: value() }
        : {}),
      ...(random() < 0.1 ? { [value()]: deep(2) } : {}),
    });
    const n = random() < 0.05 ? 120 : 1 + Math.floor(random() * 5);
    return JSON.stringify(random() < 0.1 ? deep(3) : { events: Array.from({ length: n }, one) });
  };
  /** Algolia search parameters, some hostile: filter grammars, types, sizes, nesting. */
  const algoliaParams = (): Record<string, unknown> => {
    const names = ['query', 'hitsPerPage', 'page', 'facets', 'facetFilters', 'numericFilters', 'maxValuesPerFacet'];
    const more = ['attributesToHighlight', 'highlightPreTag', 'clickAnalytics', 'userToken', 'getRankingInfo'];
    const o: Record<string, unknown> = {};
    for (const k of [...names, ...more, 'facetQuery', 'customer', 'optionalFilters', value().slice(0, 30) || 'k'])
      if (random() < 0.35) o[k] = pick([value(), deep(3), [value()], [[value(), value()], value()], 1e9, -1, true, 20]);
    if (random() < 0.4) {
      const attr = () => pick(['brand', 'price', 'rating', 'in_stock', 'category.lvl1', 'attributes.color', value()]);
      const cond = () => `${pick(['', 'NOT ', '-'])}${attr()}${pick([':', '>=', '<', ':1 TO ', '='])}${value()}`;
      o.filters = Array.from({ length: 1 + Math.floor(random() * 40) }, cond).join(
        pick([' AND ', ' OR ', ' ', ') AND (', ' AND (']),
      );
    }
    return o;
  };
  const algoliaQueries = (): string => {
    const r = random();
    if (r < 0.15) return value();
    if (r < 0.25) return JSON.stringify(deep(200));
    const n = random() < 0.05 ? 40 : 1 + Math.floor(random() * 3);
    const one = () => ({
      indexName: pick(['products', 'products_price_asc', 'products_query_suggestions', value()]),
      ...(random() < 0.3 ? { type: 'facet', facet: pick(['brand', 'category.lvl0', 'price', value()]) } : {}),
      ...(random() < 0.2
        ? { params: qs(['query', 'hitsPerPage', 'facets', 'facetFilters', 'filters']) }
        : algoliaParams()),
    });
    return JSON.stringify({ requests: Array.from({ length: n }, one) });
  };
  const insights = (): string =>
    JSON.stringify({
      events: Array.from({ length: random() < 0.05 ? 120 : 1 + Math.floor(random() * 3) }, () => ({
        eventType: pick(['click', 'conversion', 'view', 'instantsearch', value()]),
        eventName: pick(['Hit Clicked', value()]),
        index: 'products',
        userToken: pick(['anonymous-1', value()]),
        ...(random() < 0.5 ? { queryID: pick(['q-1', value()]) } : {}),
        ...(random() < 0.5 ? { objectIDs: pick([[value()], ['p1', 'p2'], value()]) } : {}),
        ...(random() < 0.3 ? { positions: pick([[1], [value()], [-1]]) } : {}),
        ...(random() < 0.2 ? { eventSubtype: pick(['addToCart', 'purchase', value()]) } : {}),
        ...(random() < 0.2 ? { objectData: [{ price: value(), quantity: value() }] } : {}),
        ...(random() < 0.2 ? { timestamp: pick([Date.now(), value(), -1]) } : {}),
      })),
    });
  return (): FuzzRequest[] => [
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
    { method: 'POST', url: '/events', payload: events() },
    { method: 'POST', url: '/1/indexes/*/queries', payload: algoliaQueries() },
    { method: 'POST', url: `/1/indexes/${pick(['products', seg()])}/query`, payload: JSON.stringify(algoliaParams()) },
    {
      method: 'GET',
      url: `/1/indexes/${pick(['products', seg()])}?${qs(['query', 'hitsPerPage', 'page', 'filters'])}`,
    },
    {
      method: 'POST',
      url: `/1/indexes/products/facets/${pick(['brand', seg()])}/query`,
      payload: JSON.stringify(algoliaParams()),
    },
    { method: 'POST', url: '/1/events', payload: insights() },
    { method: 'GET', url: `/${seg()}/${seg()}?${qs(['x', 'key'])}` },
    { method: 'GET', url: pick(['/docs/json', '/docs/yaml', '/docs/', '/health/ready', '/metrics', '/web/store.js']) },
  ];
}

/**
 * Whether an error body has the service's JSON shape (or, on the Algolia protocol's /1/ routes,
 * Algolia's { message, status }) and leaks no backend text.
 */
export function errorShapeProblem(status: number, body: string, url = ''): string | undefined {
  let e: { error?: unknown; message?: unknown; statusCode?: unknown; status?: unknown };
  try {
    e = JSON.parse(body) as typeof e;
  } catch {
    return 'not JSON';
  }
  if (typeof e.message !== 'string') return 'no message';
  const algolia = url.startsWith('/1/') && e.status === status;
  if (!algolia && typeof e.error !== 'string') return 'no error and message';
  if (!algolia && e.statusCode !== status) return `statusCode ${String(e.statusCode)} is not the status ${status}`;
  if (/exception|elasticsearch|painless|lucene|stack trace|redis/i.test(e.message)) return `backend text: ${e.message}`;
  return undefined;
}

export interface RawEvent {
  key: Buffer | string | null;
  value: Buffer | string | null;
}

/** A valid upsert, for the events around the hostile ones. */
export const validEvent = (id: string, version = 1): RawEvent => ({
  key: id,
  value: JSON.stringify({
    op: 'upsert',
    id,
    version,
    product: { id, title: `Fuzz product ${id}`, categories: ['Fuzz', 'Valid'], price: 10 },
  }),
});

/** A hostile change event: malformed, oversized, or valid by the letter of the schema only. */
export function hostileEvent(random: () => number, i: number): RawEvent {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const id = `hostile-${i}`;
  const upsert = (product: Record<string, unknown>, eventId: string = id) =>
    JSON.stringify({ op: 'upsert', id: eventId, version: 1, product: { id: eventId, title: 't', ...product } });
  const kinds: (() => RawEvent)[] = [
    () => ({ key: null, value: upsert({}, '😀'.repeat(130 + Math.floor(random() * 120))) }),
    () => ({ key: null, value: upsert({}, 'é'.repeat(257)) }),
    () => ({ key: id, value: upsert({ categories: [pick(['Home > Evil', '>', 'A >', '> B', 'x\t>\ty']), 'Lamps'] }) }),
    () => ({ key: id, value: upsert({ description: 'd'.repeat(60000) }) }),
    () => ({ key: id, value: upsert({ attributes: { blob: 'y'.repeat(40000) } }) }),
    () => ({ key: id, value: upsert({ title: 'z'.repeat(300 * 1024) }) }),
    () => ({ key: id, value: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d]) }),
    () => ({ key: id, value: randomBytes(1 + Math.floor(random() * 2000)) }),
    () => ({ key: id, value: `${'['.repeat(20000)}${']'.repeat(20000)}` }),
    () => ({ key: id, value: null }),
    () => ({ key: 'another-key', value: upsert({}) }),
    () => ({ key: id, value: upsert({ price: 'NaN' }) }),
    // Written as text: JSON.stringify would turn 1e400 (Infinity) into a valid null.
    () => ({ key: id, value: `{"op":"patch","id":"${id}","version":1,"fields":{"rating":1e400}}` }),
    () => ({ key: id, value: JSON.stringify({ op: 'delete', id: `../${id}`, version: 1 }) }),
    () => ({ key: id, value: JSON.stringify({ op: 'delete', id, version: -1 }) }),
    () => ({
      key: id,
      value: `{"op":"upsert","id":"${id}","version":1,"product":{"id":"${id}","title":"t","__proto__":{"x":1}}}`,
    }),
    () => ({ key: id, value: upsert({ related: Array.from({ length: 101 }, (_, j) => `r${j}`) }) }),
    () => ({ key: randomBytes(2048), value: upsert({}) }),
  ];
  return pick(kinds)();
}
