// The Algolia protocol's parameters as this service's /search request, without a server: the three
// filter parameters, index names, hostile inputs refused with 400 naming the parameter, and the
// answer's highlight and facet shapes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError, NotFoundError } from '../../common/errors.ts';
import { ConditionBudget, FILTER_LIMITS, parseFilterArray, parseFilters } from '../../query/algolia/filters.ts';
import { algoliaParams, filtersOf, indexTarget, productQuery } from '../../query/algolia/request.ts';
import { facetValues, withTags } from '../../query/algolia/response.ts';
import { shopperEvents } from '../../query/algolia/insights.ts';

const refused = (f: () => unknown, field: string) =>
  assert.throws(f, (e: unknown) => e instanceof BadRequestError && e.field === field, `refused naming ${field}`);

describe('Algolia filters', () => {
  it('read facetFilters arrays: strings ANDed, inner arrays ORed, negation and escaped dashes', () => {
    const groups = parseFilterArray(
      'facetFilters',
      [['brand:A', 'brand:B'], 'in_stock:true', '-brand:C', 'brand:\\-D'],
      new ConditionBudget(),
    );
    assert.equal(groups.length, 4);
    assert.deepEqual(
      groups[0]!.anyOf.map((c) => c.kind === 'facet' && c.value),
      ['A', 'B'],
    );
    assert.deepEqual(groups[2]!.anyOf[0], { kind: 'facet', attribute: 'brand', value: 'C', negated: true });
    assert.deepEqual(groups[3]!.anyOf[0], { kind: 'facet', attribute: 'brand', value: '-D', negated: false });
  });

  it('read a filters string into the same groups, ranges and NOT included', () => {
    const groups = parseFilters(
      '(brand:"Acme Co" OR brand:Zed) AND price:10 TO 20 AND NOT rating<3',
      new ConditionBudget(),
    );
    assert.deepEqual(
      groups[0]!.anyOf.map((c) => c.kind === 'facet' && c.value),
      ['Acme Co', 'Zed'],
    );
    assert.deepEqual(groups[1]!.anyOf[0], { kind: 'range', attribute: 'price', from: 10, to: 20, negated: false });
    assert.deepEqual(groups[2]!.anyOf[0], { kind: 'numeric', attribute: 'rating', op: '>=', value: 3 });
  });

  it('leave brands out with a negation in either form', () => {
    assert.deepEqual(filtersOf({ facetFilters: ['-brand:A', ['brand:B', 'brand:C']], filters: 'NOT brand:"D E"' }), {
      brand_not: ['D E', 'A'],
      brand: ['B', 'C'],
    });
  });

  it('become the /search filters', () => {
    assert.deepEqual(
      filtersOf({
        filters: 'category.lvl1:"Home > Kitchen"',
        facetFilters: [['brand:A', 'brand:B'], 'attributes.color:red'],
        numericFilters: ['price>=10', 'price<=20', 'rating>=4'],
      }),
      {
        category: 'Home > Kitchen',
        brand: ['A', 'B'],
        attr: ['color:red'],
        price_min: 10,
        price_max: 20,
        rating_min: 4,
      },
    );
  });

  it('refuse what the engine cannot apply, naming the parameter', () => {
    refused(() => filtersOf({ facetFilters: [['brand:A', 'category.lvl0:B']] }), 'facetFilters');
    refused(() => filtersOf({ facetFilters: ['-category.lvl0:A'] }), 'facetFilters');
    refused(() => filtersOf({ facetFilters: [['-brand:A', 'brand:B']] }), 'facetFilters');
    refused(() => filtersOf({ filters: 'NOT in_stock:true' }), 'filters');
    refused(() => filtersOf({ facetFilters: ['category.lvl1:Home'] }), 'facetFilters');
    refused(() => filtersOf({ facetFilters: [['category.lvl0:A', 'category.lvl0:B']] }), 'facetFilters');
    refused(() => filtersOf({ numericFilters: ['price>10'] }), 'numericFilters');
    refused(() => filtersOf({ numericFilters: ['weight>=10'] }), 'numericFilters');
    refused(() => filtersOf({ filters: 'colour:red' }), 'filters');
    refused(() => filtersOf({ filters: 'brand:A OR price>=3' }), 'filters');
  });

  it('bound hostile inputs: length, condition count, nesting, malformed text', () => {
    refused(() => filtersOf({ filters: `brand:${'x'.repeat(FILTER_LIMITS.filtersLength)}` }), 'filters');
    const many = Array.from({ length: FILTER_LIMITS.conditions + 1 }, (_, i) => `brand:b${i}`);
    refused(() => filtersOf({ facetFilters: [many] }), 'facetFilters');
    refused(() => filtersOf({ filters: many.join(' OR ') }), 'filters');
    refused(() => filtersOf({ filters: '((brand:A))' }), 'filters');
    refused(() => filtersOf({ filters: '(brand:A AND brand:B)' }), 'filters');
    refused(() => filtersOf({ filters: 'brand:"A' }), 'filters');
    refused(() => filtersOf({ filters: 'brand:A AND' }), 'filters');
    refused(() => filtersOf({ filters: 'brand:A brand:B' }), 'filters');
    refused(() => filtersOf({ facetFilters: [[['brand:A']]] as never }), 'facetFilters');
    refused(() => filtersOf({ numericFilters: ['price>=1e999'] }), 'numericFilters');
    refused(() => filtersOf({ facetFilters: [`brand:${'x'.repeat(600)}`] }), 'facetFilters');
  });
});

describe('Algolia parameters', () => {
  it('come from fields and from the params string of older clients, validated', () => {
    const p = algoliaParams({
      indexName: 'products',
      params:
        'query=tea&hitsPerPage=5&page=2&facets=%5B%22brand%22%5D&facetFilters=%5B%5B%22brand%3AA%22%5D%5D&clickAnalytics=true',
    });
    assert.deepEqual(p, {
      query: 'tea',
      hitsPerPage: 5,
      page: 2,
      facets: ['brand'],
      facetFilters: [['brand:A']],
      clickAnalytics: true,
    });
    refused(() => algoliaParams({ hitsPerPage: 1000 }), 'hitsPerPage');
    refused(() => algoliaParams({ query: 'x'.repeat(201) }), 'query');
    refused(() => algoliaParams({ params: 'facets=%5Bbroken' }), 'facets');
    refused(() => algoliaParams({ optionalFilters: ['brand:A'] }), 'optionalFilters');
    refused(() => algoliaParams({ userToken: 'has spaces' }), 'userToken');
  });

  it('map index names to the products, their sort replicas and the suggestions', () => {
    assert.deepEqual(indexTarget('products', 'products'), { kind: 'products', sort: 'relevance' });
    assert.deepEqual(indexTarget('products_price_asc', 'products'), { kind: 'products', sort: 'price_asc' });
    assert.deepEqual(indexTarget('products_query_suggestions', 'products'), { kind: 'suggestions' });
    assert.throws(() => indexTarget('products_relevance', 'products'), NotFoundError);
    assert.throws(() => indexTarget('other', 'products'), NotFoundError);
  });

  it('become the /search querystring: 0-based pages, facets by engine name, hitsPerPage 0 as facets only', () => {
    const q = productQuery(
      {
        query: 'tea',
        page: 1,
        hitsPerPage: 0,
        facets: ['brand', 'category.lvl0', 'category.lvl1', 'nope'],
        userToken: 'u-1',
      },
      'price_desc',
    );
    assert.deepEqual(q.querystring, {
      q: 'tea',
      sort: 'price_desc',
      page: 2,
      size: 1,
      facets: 'brand,category',
      session: 'u-1',
    });
    assert.equal(q.noHits, true);
    assert.deepEqual(productQuery({ facets: ['nope'] }, 'relevance').params.facets, []);
    refused(() => productQuery({ page: 200, hitsPerPage: 100 }, 'relevance'), 'page');
  });
});

describe('Algolia answers', () => {
  it('turn the engine’s escaped HTML highlight into raw text with the client’s tags', () => {
    assert.deepEqual(withTags('Tom &amp; <mark>Jerry</mark> &lt;3', '__ais__', '__/ais__'), {
      value: 'Tom & __ais__Jerry__/ais__ <3',
      matchLevel: 'full',
      matchedWords: ['jerry'],
    });
  });

  it('read category levels from the tree: level 0 always, deeper ones below the selection', () => {
    const tree = [
      {
        value: 'A',
        name: 'A',
        count: 5,
        selected: true,
        children: [{ value: 'A > x', name: 'x', count: 3, selected: false }],
      },
      { value: 'B', name: 'B', count: 2, selected: false },
    ];
    assert.deepEqual(
      facetValues({ category: tree }, 'category.lvl0')!.map((v) => [v.value, v.count]),
      [
        ['A', 5],
        ['B', 2],
      ],
    );
    assert.deepEqual(
      facetValues({ category: tree }, 'category.lvl1')!.map((v) => [v.value, v.count]),
      [['A > x', 3]],
    );
  });
});

describe('Insights events', () => {
  const base = { eventName: 'Hit Clicked', index: 'products', userToken: 'anonymous-1', timestamp: 1_700_000_000_000 };
  it('become one click per object with the query id and position', () => {
    const events = shopperEvents({
      ...base,
      eventType: 'click',
      queryID: 'q1',
      objectIDs: ['p1', 'p2'],
      positions: [3, 4],
    });
    assert.deepEqual(
      events.map((e) => e.type === 'click' && [e.product, e.query_id, e.position, e.session]),
      [
        ['p1', 'q1', 3, 'anonymous-1'],
        ['p2', 'q1', 4, 'anonymous-1'],
      ],
    );
    assert.equal(events[0]!.time, new Date(base.timestamp).toISOString());
    assert.notEqual(events[0]!.event_id, events[1]!.event_id);
    assert.equal(
      shopperEvents({ ...base, eventType: 'click', queryID: 'q1', objectIDs: ['p1'] })[0]!.event_id,
      shopperEvents({ ...base, eventType: 'click', queryID: 'q1', objectIDs: ['p1'] })[0]!.event_id,
      'a repeated event keeps its id, so it is counted once',
    );
  });

  it('map carts and purchases, and ignore what the loop has no meaning for', () => {
    const cart = shopperEvents({
      ...base,
      eventType: 'conversion',
      eventSubtype: 'addToCart',
      objectIDs: ['p1'],
      objectData: [{ queryID: 'q2', price: '9.5', quantity: 2 }],
    });
    assert.deepEqual(
      cart.map((e) => e.type === 'add_to_cart' && [e.product, e.query_id, e.price, e.quantity]),
      [['p1', 'q2', 9.5, 2]],
    );
    const bought = shopperEvents({
      ...base,
      eventType: 'conversion',
      eventSubtype: 'purchase',
      objectIDs: ['p1'],
      objectData: [{ price: 3 }],
    });
    assert.equal(bought[0]!.type, 'purchase');
    assert.deepEqual(shopperEvents({ ...base, eventType: 'click', objectIDs: ['p1'] }), [], 'no query id');
    assert.deepEqual(shopperEvents({ ...base, eventType: 'conversion', objectIDs: ['p1'] }), [], 'no subtype');
    assert.deepEqual(
      shopperEvents({ ...base, eventType: 'conversion', eventSubtype: 'purchase', objectIDs: ['p1'] }),
      [],
      'a purchase without prices',
    );
  });
});
