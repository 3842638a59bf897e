// Text matching: stemming, synonyms, typo tolerance that does not drown exact matches, highlights,
// zero-result relaxation and "did you mean", on the BigBasket catalog.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import type { SearchResult } from '../query/search/search-service.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { dataFile, indexCatalog } from './support/catalogs.ts';
import { dropIndices, testEs } from './support/stack.ts';

describe('text matching on BigBasket', () => {
  let es: EsClient;
  let t: TestApp;
  let alias: string;
  const search = async (q: string, extra = '') => {
    const res = await t.app.inject(`/search?q=${encodeURIComponent(q)}&facets=brand${extra}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as SearchResult;
  };

  before(async () => {
    es = await testEs();
    alias = await indexCatalog(es, dataFile('catalogs/bigbasket.ndjson.gz'));
    t = await buildTestApp(es, { indexAlias: alias, cacheEnabled: false });
  });
  after(async () => {
    await t.close();
    await dropIndices(es, alias);
    await es.close();
  });

  it('matches word forms (stemming): "bottles" finds "Bottle" titles', async () => {
    const r = await search('water bottles');
    assert.ok(r.total > 10);
    assert.match(r.hits[0]!.title, /bottle/i);
  });

  it('matches synonyms from the synonyms file: "fridge" finds refrigerator products', async () => {
    const direct = await search('refrigerator');
    const viaSynonym = await search('fridge');
    assert.ok(direct.total > 0);
    const fridgeIds = new Set(viaSynonym.hits.map((h) => h.id));
    assert.ok(
      direct.hits.some((h) => fridgeIds.has(h.id)),
      'refrigerator products appear for "fridge"',
    );
  });

  it('tolerates a typo, and ranks exact matches above fuzzy ones', async () => {
    const typo = await search('shampooo');
    assert.ok(typo.total > 0, 'a typo still finds shampoos');
    assert.match(typo.hits[0]!.title, /shampoo/i);
    // "rice" must not be drowned by fuzzy cousins such as "ice" or "price".
    const exact = await search('rice');
    assert.ok(
      exact.hits.slice(0, 10).every((h) => /\brice\b/i.test(`${h.title} ${h.categories?.join(' ')}`)),
      exact.hits
        .slice(0, 10)
        .map((h) => h.title)
        .join(' | '),
    );
  });

  it('highlights matches with <mark>, HTML-escaped', async () => {
    const r = await search('green tea');
    const hl = r.hits.find((h) => h.highlight?.title)?.highlight?.title;
    assert.match(hl!, /<mark>(Green|Tea)<\/mark>/i);
  });

  it('relaxes a zero-result query by dropping the term that matches nothing, and says so', async () => {
    const r = await search('tea qwzxv');
    assert.ok(r.total > 0);
    assert.deepEqual(r.relaxed, { query: 'tea', dropped_terms: ['qwzxv'], fuzzy: false });
    assert.equal(r.next_cursor, undefined, 'pages beyond a relaxed answer go through relaxed.query');
  });

  it('lets a query of three or more words miss one, ranking products with every word first', async () => {
    const r = await search('green tea qwzxv');
    assert.ok(r.total > 0);
    assert.equal(r.relaxed, undefined, 'no relaxation needed');
    const full = await search('green tea bags');
    assert.ok(
      full.hits.slice(0, 3).every((h) => /green/i.test(h.title) && /tea/i.test(h.title)),
      JSON.stringify(full.hits.slice(0, 3).map((h) => h.title)),
    );
  });

  it('falls back to fuzzier matching when dropping terms is not enough', async () => {
    const r = await search('shamppoo');
    assert.ok(r.total > 0, JSON.stringify(r.relaxed));
    assert.match(r.hits[0]!.title, /shampoo/i);
  });

  it('offers "did you mean" from the catalog vocabulary', async () => {
    const r = await search('chocolste biscits');
    assert.equal(r.did_you_mean, 'chocolate biscuits');
    const fine = await search('chocolate biscuits');
    assert.equal(fine.did_you_mean, undefined, 'no suggestion for a correctly spelled query');
  });

  it('treats query syntax as plain words', async () => {
    for (const q of [
      'tea AND (coffee',
      'title:tea',
      '*:*',
      '"unbalanced',
      'tea~2 OR /.*/',
      '{"script":{"source":"1"}}',
    ]) {
      const res = await t.app.inject(`/search?q=${encodeURIComponent(q)}&facets=brand`);
      assert.equal(res.statusCode, 200, `${q}: ${res.body}`);
    }
  });
});
