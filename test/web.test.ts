// The storefront and the merchandiser console in a real browser: Debian's chromium (installed by
// the test set-up when missing) driven by playwright-core, against the service on the embedded
// stack with a catalog indexed and a recommendation model published. Screenshots of the main
// pages are saved to test/artifacts/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { analyticsIndices } from '../analytics/indices.ts';
import { analyticsWriter } from '../analytics/writer.ts';
import type { Product } from '../catalog/product.ts';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import type { Kafka } from '../common/clients/kafka.ts';
import { consumeToEnd } from '../common/clients/kafka-range.ts';
import { projectRoot } from '../common/config.ts';
import { catalogText } from '../query/suggest/build/catalog-phrases.ts';
import { recsKeys } from '../recommender/publish/keys.ts';
import { summarize } from '../recommender/publish/product-summary.ts';
import { publish } from '../recommender/publish/publish.ts';
import { train } from '../recommender/train.ts';
import { ensureTools } from '../stack/prerequisites.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { launchChromium } from './support/browser.ts';
import { shopInteractions, shopProducts, smallTraining } from './support/baskets.ts';
import { indexCatalog } from './support/catalogs.ts';
import { publishSuggestions } from './support/suggestions.ts';
import { config, dropIndices, silentLog, testEs, testKafka, uniqueName } from './support/stack.ts';
import { waitFor } from './support/indexer.ts';

const KEY = 'web-test-admin-key';
const ARTIFACTS = path.join(projectRoot, 'test', 'artifacts');
// The shop fixture with brands and ratings, so every facet has something to show.
const products: Product[] = shopProducts.map((p, i) => ({
  ...p,
  brand: p.id.startsWith('g')
    ? i % 2
      ? 'Greenly'
      : 'Rootwise'
    : p.id.startsWith('k')
      ? i % 2
        ? 'Chefmate'
        : 'Panora'
      : 'Carry',
  rating: 3 + (i % 3),
  rating_count: 10 + i,
  popularity: 20 - i,
}));

describe('web pages in a browser', () => {
  let es: EsClient;
  let kafka: Kafka;
  let alias: string;
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  const resultIds = () =>
    page.$$eval('#hits .hit h3 a', (as) => as.map((a) => new URL((a as HTMLAnchorElement).href).searchParams.get('p')));

  before(async () => {
    ensureTools(['chromium'], config.stackInstall, (l) => process.stderr.write(`[web test] ${l}\n`));
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    es = await testEs();
    kafka = testKafka();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'web-')), 'catalog.ndjson');
    fs.writeFileSync(file, products.map((p) => JSON.stringify(p)).join('\n'));
    alias = await indexCatalog(es, file);
    t = await buildTestApp(
      es,
      {
        indexAlias: alias,
        adminKeys: `tester:${KEY}`,
        rulesRefreshMs: 0,
        cacheEnabled: false,
        // As the demo runs: the storefront gets customer tokens from the demo-only route.
        customerTokenSecrets: ['web-test-secret'],
        demoCustomerTokens: true,
        trustCustomerIds: false,
        analyticsPrefix: `${alias}-analytics`,
        experimentsMinSearches: 50,
        impressionsTopic: uniqueName('impressions'),
        shopperEventsTopic: uniqueName('events'),
      },
      undefined,
      silentLog,
      kafka,
    );
    await seedAnalytics(es, t.config.analyticsPrefix);
    await publishSuggestions(t, (await catalogText(es, alias)).phrases);
    const model = await train({ interactions: shopInteractions(), products }, smallTraining);
    await publish(t.redis, recsKeys(t.config.redisPrefix), model, products.map(summarize));
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  });
  after(async () => {
    await browser?.close();
    await t.close();
    await analyticsIndices(es, t.config.analyticsPrefix).dropAll();
    await dropIndices(es, alias);
    await es.close();
  });

  it('suggests as the shopper types, with the typed part marked, and Enter shows results', async () => {
    await page.goto(`${base}/`);
    await page.fill('#q', 'gard');
    await page.waitForSelector('#suggestions [role=option]');
    assert.match(await page.innerHTML('#suggestions'), /<mark>gard<\/mark>/i);
    await page.keyboard.press('Escape');
    assert.equal(await page.isHidden('#suggestions'), true);
    // Arrow keys walk the list; Enter takes the highlighted suggestion.
    await page.fill('#q', 'kitchen');
    await page.waitForSelector('#suggestions [role=option]');
    const first = (await page.textContent('#suggestions [role=option]')) ?? '';
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.getAttribute('#suggestions [role=option]', 'aria-selected'), 'true');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#hits');
    assert.equal(new URL(page.url()).searchParams.get('q'), first.trim());
    // Typing then Enter searches what was typed, and a suggestion answer arriving late stays closed.
    await page.fill('#q', 'steel');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#hits');
    assert.match(page.url(), /\?q=steel$/);
    assert.ok((await resultIds()).length > 0);
    await page.waitForTimeout(400);
    assert.equal(await page.isHidden('#suggestions'), true, 'no list left open over the results');
    await shot('storefront-results');
  });

  it('narrows results with a facet, shows it as a removable chip, and keeps the state in the URL', async () => {
    await page.goto(`${base}/?q=steel`);
    await page.waitForSelector('#hits');
    const all = await page.textContent('#total');
    await page.check('input[data-toggle=brand][value=Greenly]');
    await page.waitForSelector('.chip');
    assert.match(page.url(), /brand=Greenly/);
    const narrowed = await resultIds();
    assert.ok(narrowed.length > 0 && narrowed.every((id) => products.find((p) => p.id === id)!.brand === 'Greenly'));
    // The URL alone brings the same page back.
    const shared = page.url();
    await page.goto(shared);
    await page.waitForSelector('.chip');
    assert.deepEqual(await resultIds(), narrowed);
    await page.click('.chip');
    await page.waitForFunction((n) => document.querySelector('#total')?.textContent === n, all);
    assert.doesNotMatch(page.url(), /brand=/);
    await page.goBack();
    await page.waitForSelector('.chip');
    assert.match(page.url(), /brand=Greenly/, 'back restores the filtered page');
  });

  it('opens a category page from the menu, with breadcrumbs', async () => {
    await page.goto(`${base}/`);
    await page.click('#categories a');
    await page.waitForSelector('.crumbs');
    assert.match((await page.textContent('.crumbs')) ?? '', /Store/);
    assert.ok((await resultIds()).length > 0);
    await shot('storefront-category');
  });

  it('shows "recommended for you" on the home page once a demo customer is chosen, and fits a phone', async () => {
    await page.goto(`${base}/`);
    assert.equal(await page.$('section[aria-label="Recommended for you"]'), null);
    await page.fill('#customer', 'c0');
    await page.press('#customer', 'Enter');
    await page.waitForSelector('section[aria-label="Recommended for you"] li');
    await shot('storefront-home');
    // The customer's searches come back first in their suggestions, marked as theirs.
    await page.fill('#q', 'steel');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#hits');
    await page.fill('#q', 'ste');
    await page.waitForSelector('#suggestions [role=option] .past');
    assert.match((await page.textContent('#suggestions [role=option]')) ?? '', /steel/);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/?q=steel`);
    await page.waitForSelector('#hits');
    assert.ok(
      await page.evaluate(() => document.documentElement.scrollWidth <= 390),
      'no sideways scrolling at phone width',
    );
    await shot('storefront-phone');
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  it('keeps the storefront small: page, script and styles under 150 KB gzipped', async () => {
    const sizes = await Promise.all(
      ['/', '/web/store.js', '/web/style.css'].map(
        async (u) => gzipSync(Buffer.from(await (await fetch(`${base}${u}`)).arrayBuffer())).length,
      ),
    );
    assert.ok(sizes.reduce((a, b) => a + b, 0) < 150 * 1024, `${sizes}`);
    const res = await fetch(`${base}/`);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });

  it('shows a product page with its similar-items and bought-together rails', async () => {
    await page.goto(`${base}/?p=g1`);
    await page.waitForSelector('.product h1');
    await page.waitForSelector('section[aria-label="Similar items"] li');
    assert.ok((await page.$$('section[aria-label="Frequently bought together"] li')).length > 0);
    await shot('storefront-product');
  });

  it('reports what the shopper does: a suggestion chosen, a result and a rail item clicked, a view, a cart add, a checkout', async () => {
    // The earlier tests' pages sent events too: only this test's count.
    const started = Date.now();
    await page.goto(`${base}/`);
    await page.fill('#q', 'kitchen');
    await page.waitForSelector('#suggestions [role=option][data-kind=query]');
    const chosen = ((await page.textContent('#suggestions [role=option][data-kind=query]')) ?? '').trim();
    await page.click('#suggestions [role=option][data-kind=query]');
    await page.waitForSelector('#hits');
    const second = (await resultIds())[1]!;
    await page.click('#hits .hit:nth-child(2) h3 a');
    await page.waitForSelector('#add-to-cart');
    await page.click('#add-to-cart');
    await page.waitForSelector('#checkout');
    const railItem = await page.getAttribute('.rail a', 'data-product');
    await page.click('.rail a');
    await page.waitForSelector(`#checkout`);
    await page.click('#checkout');
    await page.waitForSelector('#add-to-cart');
    const events = await waitFor('the storefront events on the topic', async () => {
      const seen: Record<string, unknown>[] = [];
      await consumeToEnd(kafka, {
        topics: [t.config.shopperEventsTopic],
        since: 'earliest',
        groupPrefix: 'web-test',
        onMessages: async (ms) =>
          void seen.push(...ms.map((m) => JSON.parse(String(m.value))).filter((e) => Date.parse(e.time) >= started)),
      });
      return seen.some((e) => e.type === 'purchase') && seen;
    });
    const of = (type: string) => events.filter((e) => e.type === type);
    assert.deepEqual(
      of('suggestion_click').map((e) => e.text),
      [chosen],
    );
    const clicks = of('click');
    assert.deepEqual(
      clicks.map((e) => [e.product, e.position]),
      [
        [second, 2],
        [railItem, 1],
      ],
    );
    assert.ok(
      clicks.every((e) => typeof e.query_id === 'string'),
      'each click names the answer it was on',
    );
    assert.deepEqual(
      of('view').map((e) => e.product),
      [second, railItem],
    );
    assert.deepEqual(
      of('add_to_cart').map((e) => e.product),
      [second],
    );
    assert.deepEqual(
      (of('purchase')[0]!.items as { product: string }[]).map((i) => i.product),
      [second],
    );
    assert.equal(new Set(events.map((e) => e.session)).size, 1, 'one session for the tab');
  });

  it('creates a pin rule in the console, previews it, and the storefront shows the product pinned', async () => {
    const plain = (await (await fetch(`${base}/search?q=steel`)).json()) as { hits: { id: string }[] };
    const target = plain.hits.at(-1)!.id;
    await page.goto(`${base}/admin`);
    await page.fill('#key', KEY);
    await page.click('#signin-form button');
    await page.waitForSelector('#app:not([hidden])');
    await page.fill('#f-id', 'pin-steel');
    await page.fill('#f-name', 'Pin for steel');
    await page.selectOption('#f-qmatch', 'equals');
    await page.fill('#f-qvalues', 'steel');
    await page.selectOption('#add-type', 'pin');
    await page.click('#add-action');
    await page.fill('[data-a=id]', target);
    await page.fill('[data-a=position]', '1');
    await page.fill('#p-q', 'steel');
    await page.click('#preview-form button');
    await page.waitForSelector('#with li');
    assert.equal(await page.getAttribute('#with li:first-child', 'data-id'), target);
    assert.match((await page.textContent('#with li:first-child')) ?? '', /pinned/);
    await shot('console-preview');
    await page.click('#rule-form button[type=submit]');
    // "Saved." shows before the list and audit reload; wait for the audit row itself.
    await page.waitForSelector('#audit tr:has-text("create pin-steel")');
    assert.match((await page.textContent('#rules')) ?? '', /Pin for steel/);
    await page.goto(`${base}/?q=steel`);
    await page.waitForSelector('#hits');
    assert.equal((await resultIds())[0], target);
  });

  it("shows the API's field error beside the input of an invalid rule", async () => {
    await page.goto(`${base}/admin`);
    await page.waitForSelector('#app:not([hidden])');
    await page.click('#new-rule');
    await page.fill('#f-id', 'bad-boost');
    await page.fill('#f-name', 'Bad boost');
    await page.selectOption('#add-type', 'boost');
    await page.click('#add-action');
    await page.fill('[data-a=factor]', '0.5');
    await page.fill('[data-g=brands]', 'Greenly');
    await page.click('#rule-form button[type=submit]');
    await page.waitForSelector('[data-error="actions.0.factor"]:not(:empty)');
    assert.match((await page.textContent('[data-error="actions.0.factor"]')) ?? '', /must be > 1/);
    await shot('console-error');
  });

  /** The console, signed in. */
  const openConsole = async () => {
    await page.goto(`${base}/admin`);
    await page.waitForSelector('#app:not([hidden]), #signin:not([hidden])');
    if (await page.isVisible('#signin')) {
      await page.fill('#key', KEY);
      await page.click('#signin-form button');
    }
    await page.waitForSelector('#app:not([hidden])');
  };

  it('shows analytics with charts and tables, and starts a rewrite rule for a query without results', async () => {
    await openConsole();
    await page.click('[data-tab=analytics]');
    await page.waitForSelector('#charts figure[data-chart=positions] svg');
    assert.equal(await page.textContent('[data-kpi=Searches] b'), '220');
    assert.match((await page.textContent('#t-zero')) ?? '', /gardn tools/);
    assert.equal(await page.getAttribute('#t-top tr[data-query="steel pan"] a', 'href'), '/?q=steel%20pan');
    await shot('console-analytics');
    await page.click('#t-zero [data-rule="gardn tools"]');
    await page.waitForSelector('#tab-rules:not([hidden])');
    assert.equal(await page.inputValue('#f-qvalues'), 'gardn tools');
    assert.equal(await page.getAttribute('#actions .action', 'data-type'), 'rewrite');
    await page.fill('[data-a=query]', 'garden tools');
    await page.click('#rule-form button[type=submit]');
    await page.waitForSelector('#audit tr:has-text("create rewrite-gardn-tools")');
    assert.match((await page.textContent('#form-status')) ?? '', /Saved/);
  });

  it('starts an experiment in the console, shows its results with intervals, and stops it', async () => {
    await openConsole();
    await page.click('[data-tab=experiments]');
    await page.fill('#x-id', 'web-ab');
    await page.fill('#x-name', 'Plain BM25 against the default');
    await page.fill('#v1-name', 'control');
    await page.click('#x-form button[type=submit]');
    await page.waitForSelector('[data-xerror="variants.1.name"]:not(:empty)');
    await page.fill('#v1-name', 'plain');
    await page.click('#x-form button[type=submit]');
    await page.waitForSelector('#x-results [data-status]');
    // The seeded answers of "web-ab" (60 searches a variant): a control with far more clicks.
    assert.equal(await page.getAttribute('#x-results [data-status]', 'data-status'), 'significant');
    assert.match((await page.textContent('#x-results tr[data-variant=plain]')) ?? '', /p=0\.0/);
    await shot('console-experiment');
    page.once('dialog', (d) => void d.accept());
    await page.click('[data-stop=web-ab]');
    await page.waitForFunction(() => document.querySelector('#x-results h3')?.textContent?.includes('stopped'));
    const res = await fetch(`${base}/search?q=steel&session=s1`);
    assert.equal(((await res.json()) as { experiment?: unknown }).experiment, undefined);
  });
});

/** A week of answers and clicks written the way the analytics consumer writes them. */
async function seedAnalytics(es: EsClient, prefix: string): Promise<void> {
  const indices = analyticsIndices(es, prefix);
  await indices.ensureTemplates();
  const writer = analyticsWriter(es, indices);
  const now = Date.now();
  const impressions = [];
  const clicks = [];
  // 100 searches over the last 6 days and 40 in the week before, clicked 3 times in 4 when found.
  for (let i = 0; i < 140; i++) {
    const q = i % 10 === 0 ? 'gardn tools' : i % 3 ? 'steel pan' : 'garden hose';
    const daysAgo = i < 100 ? i % 6 : 8 + (i % 5);
    const ts = new Date(now - daysAgo * 86_400_000 - ((i * 5) % 20) * 3_600_000 - 60_000).toISOString();
    const ids = q === 'gardn tools' ? [] : ['g1', 'g2', 'k1'];
    impressions.push({
      query_id: `w${i}`,
      ts,
      kind: 'search' as const,
      query: q,
      page: 1,
      size: 3,
      total: ids.length,
      ids,
      session: `w${i}`,
    });
    if (ids.length && i % 4)
      clicks.push({
        type: 'click' as const,
        event_id: `wc${i}`,
        session: `w${i}`,
        query_id: `w${i}`,
        product: ids[i % 3]!,
        received_at: ts,
      });
  }
  // The experiment's answers: 60 a variant, the control clicked 4 times in 5, the plain one in 5.
  for (const variant of ['control', 'plain'])
    for (let i = 0; i < 60; i++) {
      const query_id = `x-${variant}-${i}`;
      const ts = new Date(now - 60_000).toISOString();
      impressions.push({
        query_id,
        ts,
        kind: 'search' as const,
        query: 'steel',
        page: 1,
        total: 3,
        ids: ['k1', 'g1'],
        session: query_id,
        experiment: 'web-ab',
        variant,
        took: 5,
      });
      if (i % 5 < (variant === 'control' ? 4 : 1))
        clicks.push({
          type: 'click' as const,
          event_id: `xc-${query_id}`,
          session: query_id,
          query_id,
          product: 'k1',
          received_at: ts,
        });
    }
  await writer.write(impressions, clicks);
  await es.indices.refresh({ index: `${prefix}-*` });
}
