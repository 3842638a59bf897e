// The Elasticsearch request a search becomes, without Elasticsearch: filters by facet, the body's
// query / post_filter / aggregations split, sorts, paging and cursors, and rule clauses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultProfile } from '../../ranking/profile.ts';
import { composeRules } from '../../ranking/rules/compose.ts';
import type { Rule } from '../../ranking/rules/rule.ts';
import { facetAggregations } from '../../query/search/facets.ts';
import { buildFilters, facetFiltersExcept } from '../../query/search/filters.ts';
import { listFingerprint, toSearchParams } from '../../query/search/params.ts';
import { buildSearchBody } from '../../query/search/request.ts';
import { groupQuery } from '../../query/search/rule-clauses.ts';
import { decodeCursor, encodeCursor, sortFor } from '../../query/search/sort.ts';

const params = (qs: Parameters<typeof toSearchParams>[0], fixed?: string) => toSearchParams(qs, fixed);
const json = (v: unknown) => JSON.stringify(v);

describe('search filters', () => {
  it('keep each shopper selection under its facet, and a category page’s category as a base filter', () => {
    const p = params({
      category: 'Home > Kitchen',
      brand: ['A', 'B'],
      price_min: 10,
      price_max: 20,
      rating_min: 4,
      in_stock: true,
      attr: ['color:red', 'color:blue', 'size:M'],
    });
    const f = buildFilters(p, false);
    assert.deepEqual(f.base, []);
    assert.deepEqual([...f.byFacet.keys()].sort(), [
      'attr:color',
      'attr:size',
      'brand',
      'category',
      'in_stock',
      'price',
      'rating',
    ]);
    assert.deepEqual(f.byFacet.get('brand'), { terms: { 'brand.keyword': ['A', 'B'] } });
    assert.deepEqual(f.byFacet.get('price'), { range: { price: { gte: 10, lte: 20 } } });
    assert.match(json(f.byFacet.get('attr:color')), /"attrs.value":\["red","blue"\]/);
    const page = buildFilters(params({}, 'Home > Kitchen'), true);
    assert.deepEqual(page.base, [{ term: { category_paths: 'Home > Kitchen' } }]);
    assert.equal(page.byFacet.size, 0);
  });

  it('leave out the excluded facet’s own selection (disjunctive facets)', () => {
    const f = buildFilters(params({ brand: ['A'], in_stock: true }), false);
    assert.deepEqual(facetFiltersExcept(f, 'brand'), [{ term: { in_stock: true } }]);
    assert.equal(facetFiltersExcept(f).length, 2);
  });
});

describe('search body', () => {
  it('puts base filters in the query, selections in post_filter and pins out of the list', () => {
    const p = params({ q: 'red kettle', brand: ['A'] }, 'Home');
    const body = buildSearchBody(p, { profile: defaultProfile, categoryIsFixed: true, pinned: ['P1'] });
    const query = body.query as { bool: { must: unknown[]; filter: unknown[] } };
    assert.deepEqual(query.bool.filter, [{ term: { category_paths: 'Home' } }]);
    assert.match(json(query.bool.must), /"query":"red kettle"/);
    assert.deepEqual(body.post_filter, {
      bool: { filter: [{ terms: { 'brand.keyword': ['A'] } }, { bool: { must_not: [{ ids: { values: ['P1'] } }] } }] },
    });
    assert.ok(body.highlight, 'a text query is highlighted');
    assert.deepEqual(body.sort, ['_score', { id: { order: 'asc' } }]);
  });

  it('pages with from/size, and continues a cursor with search_after instead', () => {
    const p = params({ q: 'tea', page: 3, size: 10 });
    const body = buildSearchBody(p, { profile: defaultProfile, categoryIsFixed: false });
    assert.equal(body.from, 20);
    assert.equal(body.size, 10);
    const cursor = encodeCursor([1.5, 'X9'], listFingerprint(p), 'key');
    const after = decodeCursor(cursor, listFingerprint(p), 'key');
    const next = buildSearchBody({ ...p, cursor }, { profile: defaultProfile, categoryIsFixed: false, after });
    assert.deepEqual(next.search_after, [1.5, 'X9']);
    assert.equal(next.from, undefined);
  });

  it('has no highlight and orders by popularity without text', () => {
    const body = buildSearchBody(params({}), { profile: defaultProfile, categoryIsFixed: false, withFacets: false });
    assert.equal(body.highlight, undefined);
    assert.equal(body.aggs, undefined);
    assert.deepEqual(body.sort, [{ popularity: { order: 'desc', missing: '_last' } }, { id: { order: 'asc' } }]);
  });

  it('multiplies relevance by rule boosts and filters out hidden products', () => {
    const rule: Rule = {
      id: 'r',
      name: 'r',
      enabled: true,
      priority: 0,
      conditions: {},
      actions: [
        { type: 'boost', group: { brands: ['A'] }, factor: 3 },
        { type: 'hide', group: { ids: ['H'] } },
      ],
    };
    const body = buildSearchBody(params({ q: 'tea' }), {
      profile: defaultProfile,
      categoryIsFixed: false,
      effects: composeRules([rule]),
    });
    const text = json(body.query);
    assert.match(text, /"function_score".*"weight":3/);
    assert.match(text, /"must_not":\[\{"ids":\{"values":\["H"\]\}\}\]/);
  });
});

describe('sorts and cursors', () => {
  it('end every sort in the product id, so positions are unique', () => {
    for (const sort of ['relevance', 'price_asc', 'price_desc', 'rating', 'newest', 'popularity'] as const) {
      assert.deepEqual(sortFor(sort, true).at(-1), { id: { order: 'asc' } }, sort);
    }
  });

  it('refuse a cursor of another result list, or one this service did not issue', () => {
    const cursor = encodeCursor([1], 'list-a', 'key');
    assert.deepEqual(decodeCursor(cursor, 'list-a', 'key'), [1]);
    assert.throws(() => decodeCursor(cursor, 'list-b', 'key'), /another query/);
    assert.throws(() => decodeCursor('bm90IGpzb24', 'list-a', 'key'), /not one this service issued/);
    // Signed with another key, or its values changed under the same signature: refused before any use.
    assert.throws(() => decodeCursor(cursor, 'list-a', 'other key'), /not one this service issued/);
    const [body, sig] = cursor.split('.');
    const forged = Buffer.from(JSON.stringify({ after: [{ script: 1 }], list: 'list-a' })).toString('base64url');
    assert.notEqual(forged, body);
    assert.throws(() => decodeCursor(`${forged}.${sig}`, 'list-a', 'key'), /not one this service issued/);
  });
});

describe('facet aggregations', () => {
  it('count each facet under every selection but its own', () => {
    const p = params({ brand: ['A'], in_stock: true, facets: 'brand,in_stock,price' });
    const aggs = facetAggregations(p, buildFilters(p, false));
    assert.deepEqual(Object.keys(aggs).sort(), ['brand', 'in_stock', 'price']);
    assert.deepEqual(aggs.brand?.filter, { bool: { filter: [{ term: { in_stock: true } }] } });
    assert.deepEqual(aggs.in_stock?.filter, { bool: { filter: [{ terms: { 'brand.keyword': ['A'] } }] } });
    assert.equal((aggs.price!.filter as { bool: { filter: unknown[] } }).bool.filter.length, 2);
  });

  it('opens the category tree along the selected path', () => {
    const p = params({ category: 'A > B', facets: 'category' });
    const inner = facetAggregations(p, buildFilters(p, false)).category?.aggs ?? {};
    assert.deepEqual(Object.keys(inner), ['lvl0', 'lvl1', 'lvl2']);
    assert.deepEqual(inner.lvl2?.filter, { term: { category_paths: 'A > B' } });
  });
});

describe('rule product groups', () => {
  it('become one clause per condition, all of which must hold', () => {
    assert.deepEqual(groupQuery({ ids: ['a'] }), { ids: { values: ['a'] } });
    assert.deepEqual(groupQuery({ brands: ['A'], price_max: 5 }), {
      bool: { filter: [{ terms: { 'brand.keyword': ['A'] } }, { range: { price: { lte: 5 } } }] },
    });
  });
});
