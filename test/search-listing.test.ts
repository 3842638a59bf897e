// Filters, sorts, facets (disjunctive and hierarchical), paging, category pages and product pages,
// on the real BigBasket catalog and the demo catalog. Expected figures are computed from the
// catalog files themselves, never from the service.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Product } from '../catalog/product.ts';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import type { CategoryNode, Facets } from '../query/search/facets.ts';
import type { SearchResult } from '../query/search/search-service.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { readProducts } from '../catalog/read.ts';
import { dataFile, demoCatalogFile, indexCatalog } from './support/catalogs.ts';
import { dropIndices, testEs } from './support/stack.ts';

const countBy = <T>(xs: T[], key: (x: T) => string | undefined) => {
  const m = new Map<string, number>();
  for (const x of xs) {
    const k = key(x);
    if (k !== undefined) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
};
const under = (p: Product, path: string[]) => path.every((c, i) => p.categories?.[i] === c);
const qs = (params: Record<string, string | number | boolean | (string | number)[]>) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) u.append(k, String(x));
  return u.toString();
};

describe('search and browse on BigBasket', () => {
  let es: EsClient;
  let t: TestApp;
  let alias: string;
  let catalog: Product[];
  const get = async (url: string) => {
    const res = await t.app.inject(url);
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res.json() as SearchResult & { breadcrumbs?: { name: string; path: string }[] };
  };

  before(async () => {
    es = await testEs();
    const file = dataFile('catalogs/bigbasket.ndjson.gz');
    [alias, catalog] = await Promise.all([indexCatalog(es, file), readProducts(file)]);
    t = await buildTestApp(es, { indexAlias: alias, cacheEnabled: false });
  });
  after(async () => {
    await t.close();
    await dropIndices(es, alias);
    await es.close();
  });

  it('applies category, brand, price and rating filters together, with exact totals', async () => {
    const path = ['Beauty & Hygiene', 'Hair Care'];
    const inCat = catalog.filter((p) => under(p, path));
    const brands = [...countBy(inCat, (p) => p.brand)]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 2)
      .map(([b]) => b);
    const expected = inCat.filter(
      (p) => brands.includes(p.brand!) && p.price! >= 100 && p.price! <= 500 && (p.rating ?? -1) >= 3,
    );
    const r = await get(
      `/search?${qs({ category: path.join(' > '), brand: brands, price_min: 100, price_max: 500, rating_min: 3, size: 100 })}`,
    );
    assert.equal(r.total, expected.length);
    assert.ok(r.total > 0);
    for (const h of r.hits) {
      assert.ok(brands.includes(h.brand!) && h.price! >= 100 && h.price! <= 500 && h.rating! >= 3, JSON.stringify(h));
      assert.deepEqual(h.categories!.slice(0, 2), path);
    }
  });

  it('keeps the other brands and their counts when a brand is selected (disjunctive facet)', async () => {
    const path = 'Beauty & Hygiene > Hair Care';
    const without = await get(`/search?${qs({ category: path, facets: 'brand', brand_facet_size: 20 })}`);
    const picked = without.facets.brand![0]!.value;
    const withOne = await get(
      `/search?${qs({ category: path, brand: picked, facets: 'brand', brand_facet_size: 20 })}`,
    );
    assert.deepEqual(
      withOne.facets.brand!.map((b) => [b.value, b.count]),
      without.facets.brand!.map((b) => [b.value, b.count]),
    );
    assert.deepEqual(
      withOne.facets.brand!.filter((b) => b.selected).map((b) => b.value),
      [picked],
    );
    assert.equal(withOne.total, without.facets.brand![0]!.count, 'the results narrow, the facet does not');
    const inCat = catalog.filter((p) => under(p, path.split(' > ')));
    assert.equal(without.facets.brand![0]!.count, countBy(inCat, (p) => p.brand).get(picked));
  });

  it('counts the category hierarchy at each level of the selected path, with its ancestors', async () => {
    const path = ['Beauty & Hygiene', 'Hair Care'];
    const r = await get(`/search?${qs({ category: path.join(' > '), facets: 'category' })}`);
    const roots = r.facets.category!;
    assert.deepEqual(
      roots.map((n) => [n.name, n.count]).sort(),
      [...countBy(catalog, (p) => p.categories?.[0])].sort(),
      'all roots, counted without the category selection',
    );
    const root = roots.find((n) => n.selected)!;
    assert.equal(root.name, path[0]);
    const hair = root.children!.find((n) => n.selected)!;
    assert.equal(hair.value, path.join(' > '));
    const expectedLeaves = countBy(
      catalog.filter((p) => under(p, path)),
      (p) => p.categories?.[2],
    );
    assert.deepEqual(new Map(hair.children!.map((n: CategoryNode) => [n.name, n.count])), expectedLeaves);
    assert.equal(roots.filter((n) => n.children).length, 1, 'only the selected branch is expanded');
  });

  it('builds price ranges from the current results, summing to the total', async () => {
    const r = await get(`/search?${qs({ category: 'Beverages', facets: 'price,rating' })}`);
    const price = r.facets.price!;
    assert.ok(price.buckets.length >= 2 && price.buckets.length <= 5, JSON.stringify(price));
    assert.equal(
      price.buckets.reduce((n, b) => n + b.count, 0),
      r.total,
    );
    for (let i = 1; i < price.buckets.length; i++)
      assert.equal(price.buckets[i]!.from, price.buckets[i - 1]!.to, 'ranges are contiguous');
    const bev = catalog.filter((p) => p.categories?.[0] === 'Beverages');
    const first = price.buckets[0]!;
    assert.equal(first.count, bev.filter((p) => p.price! < first.to!).length);
    assert.equal(price.min, Math.min(...bev.map((p) => p.price!)));
    const four = r.facets.rating!.find((x) => x.min === 4)!;
    assert.equal(four.count, bev.filter((p) => (p.rating ?? -1) >= 4).length);
  });

  it('returns the category tree with counts, depth-limited, and a subtree', async () => {
    const res = await t.app.inject('/categories?depth=1');
    const tree = res.json() as { total: number; categories: { name: string; count: number; children?: unknown[] }[] };
    assert.equal(tree.total, catalog.length);
    assert.deepEqual(
      tree.categories.map((c) => [c.name, c.count]).sort(),
      [...countBy(catalog, (p) => p.categories?.[0])].sort(),
    );
    assert.ok(tree.categories.every((c) => c.children === undefined));
    const sub = (await t.app.inject(`/categories?${qs({ under: 'Beverages', depth: 2 })}`)).json() as typeof tree;
    const bev = catalog.filter((p) => p.categories?.[0] === 'Beverages');
    assert.deepEqual(
      sub.categories.map((c) => [c.name, c.count]).sort(),
      [...countBy(bev, (p) => p.categories?.[1])].sort(),
    );
    assert.ok(sub.categories.some((c) => (c.children?.length ?? 0) > 0));
    const missing = await t.app.inject(`/categories?${qs({ under: 'No Such Aisle' })}`);
    assert.equal(missing.statusCode, 404);
  });

  it('serves a category page with breadcrumbs, facets under the category, and 404 for an unknown one', async () => {
    const path = 'Beverages > Tea';
    const r = await get(`/categories/${encodeURIComponent(path)}/products?sort=price_asc&size=50`);
    assert.deepEqual(r.breadcrumbs, [
      { name: 'Beverages', path: 'Beverages' },
      { name: 'Tea', path: 'Beverages > Tea' },
    ]);
    assert.equal(r.total, catalog.filter((p) => under(p, ['Beverages', 'Tea'])).length);
    const tea = r.facets.category!.find((n) => n.selected)!.children!.find((n) => n.selected)!;
    assert.ok(tea.children!.length > 0, 'the page facet lists the subcategories of Tea');
    const prices = r.hits.map((h) => h.price!);
    assert.deepEqual(
      prices,
      [...prices].sort((a, b) => a - b),
    );
    assert.equal(
      (await t.app.inject(`/categories/${encodeURIComponent('Beverages > Nope')}/products`)).statusCode,
      404,
    );
  });

  it('pages without overlap, and walks past 10,000 results with the cursor', async () => {
    const p1 = await get('/search?sort=price_asc&size=50&page=1&facets=brand');
    const p2 = await get('/search?sort=price_asc&size=50&page=2&facets=brand');
    assert.equal(new Set([...p1.hits, ...p2.hits].map((h) => h.id)).size, 100);
    assert.ok(p1.hits.at(-1)!.price! <= p2.hits[0]!.price!);
    const tooDeep = await t.app.inject('/search?page=101&size=100');
    assert.equal(tooDeep.statusCode, 400);
    assert.equal(tooDeep.json().field, 'page');

    const seen = new Set<string>();
    let cursor: string | undefined;
    let lastPrice = -Infinity;
    while (seen.size < 10_500) {
      const r = await get(`/search?sort=price_asc&size=100&facets=brand${cursor ? `&cursor=${cursor}` : ''}`);
      for (const h of r.hits) {
        assert.ok(!seen.has(h.id), `no repeats (${h.id})`);
        assert.ok((h.price ?? Infinity) >= lastPrice, 'the order holds across pages');
        lastPrice = h.price ?? Infinity;
        seen.add(h.id);
      }
      cursor = r.next_cursor;
      assert.ok(cursor, 'a cursor while results remain');
    }
    const other = await t.app.inject(`/search?sort=price_desc&size=100&cursor=${cursor}`);
    assert.equal(other.statusCode, 400);
    assert.equal(other.json().field, 'cursor');
  });

  it('answers a product page, and 404 as JSON for an unknown id', async () => {
    const p = catalog[123]!;
    const res = await t.app.inject(`/products/${encodeURIComponent(p.id)}`);
    assert.equal(res.statusCode, 200);
    const body = res.json() as Product;
    assert.equal(body.title, p.title);
    assert.deepEqual(body.categories, p.categories);
    const missing = await t.app.inject('/products/nope-404');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error, 'not_found');
  });
});

describe('sorts and attribute facets on the demo catalog', () => {
  let es: EsClient;
  let t: TestApp;
  let alias: string;
  const { file, products } = demoCatalogFile(1500, 11);
  before(async () => {
    es = await testEs();
    alias = await indexCatalog(es, file);
    t = await buildTestApp(es, { indexAlias: alias, cacheEnabled: false });
  });
  after(async () => {
    await t.close();
    await dropIndices(es, alias);
    await es.close();
  });

  const ids = async (url: string) => ((await t.app.inject(url)).json() as SearchResult).hits.map((h) => h.id);
  const topBy = (key: (p: Product) => number, n: number) =>
    [...products]
      .sort((a, b) => key(b) - key(a) || (a.id < b.id ? -1 : 1))
      .slice(0, n)
      .map((p) => p.id);

  it('sorts by price both ways, newest, popularity and rating', async () => {
    assert.deepEqual(
      await ids('/search?sort=price_desc&size=10&facets=brand'),
      topBy((p) => p.price!, 10),
    );
    assert.deepEqual(
      await ids('/search?sort=price_asc&size=10&facets=brand'),
      topBy((p) => -p.price!, 10),
    );
    assert.deepEqual(
      await ids('/search?sort=newest&size=10&facets=brand'),
      topBy((p) => Date.parse(p.created_at!), 10),
    );
    assert.deepEqual(
      await ids('/search?sort=popularity&size=10&facets=brand'),
      topBy((p) => p.popularity!, 10),
    );
    const rated = (await t.app.inject('/search?sort=rating&size=20&facets=brand')).json() as SearchResult;
    const ratings = rated.hits.map((h) => h.rating!);
    assert.deepEqual(
      ratings,
      [...ratings].sort((a, b) => b - a),
    );
  });

  it('filters by attributes, ORing values of one attribute and keeping its other values visible', async () => {
    const url = `/search?${qs({ attr: ['color:Red', 'color:Blue'], facets: 'attributes' })}`;
    const r = (await t.app.inject(url)).json() as SearchResult & { facets: Facets };
    const expected = products.filter((p) => ['Red', 'Blue'].includes(p.attributes?.color ?? ''));
    assert.equal(r.total, expected.length);
    const color = r.facets.attributes!.find((a) => a.name === 'color')!;
    const all = countBy(products, (p) => p.attributes?.color);
    assert.deepEqual(new Map(color.values.map((v) => [v.value, v.count])), all, 'every color with its full count');
    assert.deepEqual(
      color.values
        .filter((v) => v.selected)
        .map((v) => v.value)
        .sort(),
      ['Blue', 'Red'],
    );
    const inStock = (
      await t.app.inject(`/search?${qs({ attr: 'color:Red', in_stock: true, facets: 'in_stock' })}`)
    ).json() as SearchResult;
    assert.equal(inStock.total, products.filter((p) => p.attributes?.color === 'Red' && p.in_stock).length);
  });
});
