// The /instantsearch storefront in Chromium: Algolia's unmodified libraries against the service.
// Every widget is driven (autocomplete with query suggestions and categories, hits, hierarchical
// menu, refinement list with search for facet values, range slider, sort-by, pagination, stats),
// the requests the page sends are recorded, and after each step the hits shown equal /search's for
// the same parameters. A click on a hit, sent by search-insights, arrives on the events topic.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Product } from '../catalog/product.ts';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import type { Kafka } from '../common/clients/kafka.ts';
import { projectRoot } from '../common/config.ts';
import { type AlgoliaParams, algoliaParams, indexTarget, productQuery } from '../query/algolia/request.ts';
import type { SearchResult } from '../query/search/search-service.ts';
import { ensureTools } from '../stack/prerequisites.ts';
import { algoliaApp, eventsOn } from './support/algolia-app.ts';
import type { TestApp } from './support/app.ts';
import { launchChromium } from './support/browser.ts';
import { waitFor } from './support/indexer.ts';
import { config, dropIndices, testEs, testKafka } from './support/stack.ts';

const ARTIFACTS = path.join(projectRoot, 'test', 'artifacts');

const CATALOG_SEED = 11;

type Sent = { indexName: string; type?: string } & Record<string, unknown>;

describe('InstantSearch storefront in a browser', () => {
  let es: EsClient;
  let kafka: Kafka;
  let alias: string;
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let products: Product[];
  /** Every multi-query batch the page sent, in order. */
  const batches: Sent[][] = [];
  const insightsBodies: string[] = [];
  /** Protocol requests the service refused: none may be, whatever the page sends. */
  const refusals: string[] = [];
  let eventsTopic: string;

  const shownIds = () => page.$$eval('#hits .hit', (els) => els.map((e) => (e as HTMLElement).dataset.id ?? ''));
  /** The query behind the hits on screen: the last one sent that asked for hits. */
  const mainQuery = (): Sent =>
    [...batches.flat()]
      .reverse()
      .find(
        (r) => r.type !== 'facet' && !r.indexName.endsWith('_query_suggestions') && algoliaParams(r).hitsPerPage !== 0,
      )!;
  /** The hits shown equal /search's answer to the same parameters; returns that answer. */
  async function matchesSearch(what: string): Promise<{ sent: AlgoliaParams; s: SearchResult }> {
    await page.waitForLoadState('networkidle');
    const r = mainQuery();
    const sent = algoliaParams(r);
    const target = indexTarget(r.indexName, 'products');
    assert.equal(target.kind, 'products');
    const q = productQuery(sent, target.kind === 'products' ? target.sort : 'relevance');
    const { session: _s, ...querystring } = q.querystring;
    const res = await t.app.inject(`/search?${new URLSearchParams(querystring as Record<string, string>)}`);
    assert.equal(res.statusCode, 200, res.body);
    const s = res.json() as SearchResult;
    await waitFor(
      `${what}: the hits shown equal /search's`,
      async () => {
        const shown = await shownIds();
        return JSON.stringify(shown) === JSON.stringify(s.hits.map((h) => h.id)) || undefined;
      },
      10000,
    );
    assert.ok(s.total > 0, `${what}: something is shown`);
    return { sent, s };
  }

  before(async () => {
    ensureTools(['chromium'], config.stackInstall, (l) => process.stderr.write(`[instantsearch test] ${l}\n`));
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    es = await testEs();
    kafka = testKafka();
    ({ t, alias, products, base, eventsTopic } = await algoliaApp(es, kafka, CATALOG_SEED));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('pageerror', (e) => process.stderr.write(`[page error] ${e.stack}\n`));
    page.on('response', (r) => {
      if (r.status() >= 400 && new URL(r.url()).pathname.startsWith('/1/')) refusals.push(`${r.status()} ${r.url()}`);
    });
    page.on('request', (req) => {
      const url = new URL(req.url());
      if (url.pathname === '/1/indexes/*/queries' || url.pathname === '/1/indexes/%2A/queries')
        batches.push((JSON.parse(req.postData() ?? '{}') as { requests: Sent[] }).requests);
      if (url.pathname === '/1/events') insightsBodies.push(req.postData() ?? '');
    });
  });
  after(async () => {
    // What the libraries sent, for test/algolia.test.ts's replay (copied to test/support/ when they change).
    fs.writeFileSync(
      path.join(ARTIFACTS, 'instantsearch-requests.json'),
      `${JSON.stringify({ catalogSeed: CATALOG_SEED, batches, insights: insightsBodies.map((b) => JSON.parse(b)) }, null, 1)}\n`,
    );
    await browser?.close();
    await t.close();
    await dropIndices(es, alias);
    await es.close();
  });

  it('loads with every widget, its first results equal to /search', async () => {
    await page.goto(`${base}/instantsearch`);
    await page.waitForSelector('#hits .hit');
    const { s } = await matchesSearch('first page');
    assert.match((await page.textContent('#stats')) ?? '', new RegExp(s.total.toLocaleString('en-US')));
    for (const sel of [
      '.ais-HierarchicalMenu-item',
      '.ais-RefinementList-item',
      '.ais-RangeSlider',
      '.ais-SortBy-select',
      '.ais-Pagination-item',
    ])
      assert.ok(await page.$(sel), `${sel} is shown`);
  });

  it('suggests queries with categories as the shopper types; choosing one searches it', async () => {
    await page.click('#autocomplete input');
    await page.keyboard.type('wire', { delay: 30 });
    await page.waitForSelector('.aa-Panel .aa-Item');
    const items = await page.$$eval('.aa-Panel .aa-Item', (els) => els.map((e) => e.textContent?.trim() ?? ''));
    // The first suggestion carries the categories of what was typed, each an item of its own.
    const categories = items.filter((x) => x.startsWith('in '));
    const queries = items.filter((x) => !x.startsWith('in '));
    assert.ok(queries.length > 1 && queries.every((x) => /wire/i.test(x)), items.join(' | '));
    assert.ok(categories.length > 0 && items.indexOf(categories[0]!) === 1, items.join(' | '));
    assert.ok(await page.$('.aa-Panel mark'), 'the typed part is marked');
    await page.screenshot({ path: path.join(ARTIFACTS, 'instantsearch-autocomplete.png') });
    const chosen = queries[0]!;
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await waitFor(
      'the chosen suggestion searched',
      async () => (mainQuery().query as string) === chosen || undefined,
      10000,
    );
    await matchesSearch('a suggestion');
  });

  it('narrows with the hierarchical menu, two levels down', async () => {
    await page.fill('#autocomplete input', '');
    await page.keyboard.press('Enter');
    await page.click('.ais-HierarchicalMenu-item >> nth=0 >> .ais-HierarchicalMenu-link');
    await page.waitForSelector('.ais-HierarchicalMenu-list--child');
    await page.click('.ais-HierarchicalMenu-list--child .ais-HierarchicalMenu-link >> nth=0');
    await waitFor(
      'a level-1 category filter',
      async () => JSON.stringify(mainQuery().facetFilters ?? '').includes('category.lvl1:') || undefined,
      10000,
    );
    const { s } = await matchesSearch('a category');
    const shownCount = await page.textContent(
      '.ais-HierarchicalMenu-list--child .ais-HierarchicalMenu-item--selected .ais-HierarchicalMenu-count',
    );
    assert.equal(Number(shownCount), s.total, 'the selected category counts what is shown');
  });

  it('searches brand values and refines by one', async () => {
    const brand = products[0]!.brand!;
    await page.fill('#brand .ais-SearchBox-input', brand.slice(0, 3));
    await waitFor(
      'a search for facet values',
      async () => batches.flat().some((r) => r.type === 'facet') || undefined,
      10000,
    );
    await page.waitForSelector(`#brand .ais-RefinementList-labelText:has-text("${brand}")`);
    await page.click(`#brand .ais-RefinementList-labelText:has-text("${brand}")`);
    await waitFor(
      'a brand filter',
      async () => JSON.stringify(mainQuery().facetFilters ?? '').includes(`brand:${brand}`) || undefined,
      10000,
    );
    const { s } = await matchesSearch('a brand');
    assert.ok(s.hits.every((h) => h.brand === brand));
    await page.click('#brand .ais-RefinementList-item--selected .ais-RefinementList-checkbox');
  });

  it('narrows the price with the range slider', async () => {
    const handle = (await (await page.$('#price .rheostat-handle-lower'))!.boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + 60, handle.y + handle.height / 2, { steps: 5 });
    await page.mouse.up();
    await waitFor(
      'a price filter',
      async () => JSON.stringify(mainQuery().numericFilters ?? '').includes('price>=') || undefined,
      10000,
    );
    const { s } = await matchesSearch('a price range');
    const lower = Number(/price>=([\d.]+)/.exec(JSON.stringify(mainQuery().numericFilters))![1]);
    assert.ok(s.hits.every((h) => h.price! >= lower));
  });

  it('sorts through a replica and pages', async () => {
    await page.selectOption('.ais-SortBy-select', 'products_price_desc');
    await waitFor(
      'the replica queried',
      async () => mainQuery().indexName === 'products_price_desc' || undefined,
      10000,
    );
    const { s } = await matchesSearch('sorted by price');
    assert.ok(s.hits.every((h, i) => i === 0 || s.hits[i - 1]!.price! >= h.price!));
    await page.click('.ais-Pagination-item--page >> nth=1');
    await waitFor('page 2 asked for', async () => mainQuery().page === 1 || undefined, 10000);
    await matchesSearch('page 2');
    await page.screenshot({ path: path.join(ARTIFACTS, 'instantsearch-results.png'), fullPage: true });
  });

  it('sends a click on a hit through search-insights onto the events topic', async () => {
    const queryId = await waitFor('a query id on the main query', async () => {
      const ids = await shownIds();
      return ids.length ? ids : undefined;
    });
    const clicked = queryId[0]!;
    await page.click(`#hits .hit[data-id="${clicked}"] h3`);
    const body = await waitFor(
      'an Insights click sent',
      async () => insightsBodies.find((b) => b.includes(clicked) && b.includes('"eventType":"click"')),
      10000,
    );
    const sent = (JSON.parse(body) as { events: { queryID?: string; eventType: string; positions: number[] }[] })
      .events[0]!;
    const main = mainQuery();
    assert.deepEqual(
      sent.positions,
      [(main.page as number) * (main.hitsPerPage as number) + 1],
      'positions count from page 1',
    );
    assert.equal(sent.eventType, 'click');
    assert.match(sent.queryID ?? '', /^[0-9a-f]{32}$/);
    const event = await waitFor('the click on the events topic', async () =>
      (await eventsOn(kafka, eventsTopic)).find((e) => e.product === clicked && e.type === 'click'),
    );
    assert.deepEqual([event.query_id, event.position], [sent.queryID, sent.positions[0]]);
    assert.deepEqual(refusals, [], 'the service refused none of the requests the libraries sent');
  });
});
