// Autocomplete on the Best Buy catalog with suggestions built from the August search log, and the
// loop from /search through the Kafka search log back into suggestions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import { createTopicsIfMissing } from '../common/clients/kafka.ts';
import { createMetricsRegistry } from '../common/metrics.ts';
import type { Impression } from '../events/impression.ts';
import { createRecorder } from '../events/recorder.ts';
import { readSearchLog, suggestionEntries } from '../query/suggest/build/sources.ts';
import type { SuggestResult } from '../query/suggest/engine.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { dataFile, indexCatalog } from './support/catalogs.ts';
import { dropIndices, silentLog, testEs, testKafka, uniqueName } from './support/stack.ts';
import { waitFor } from './support/indexer.ts';
import { runCli } from './support/run-cli.ts';
import { publishSuggestions } from './support/suggestions.ts';

const ADMIN_KEY = 'suggest-test-admin-key-0123456789';

describe('autocomplete on Best Buy', () => {
  let es: EsClient;
  let t: TestApp;
  let alias: string;
  const suggest = async (q: string) => {
    const res = await t.app.inject(`/suggest?q=${encodeURIComponent(q)}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as SuggestResult;
  };

  before(async () => {
    es = await testEs();
    alias = await indexCatalog(es, dataFile('catalogs/bestbuy-xbox.ndjson'));
    const august = {
      logs: [readSearchLog(dataFile('logs/bestbuy-xbox-dev.queries.csv'))],
      before: Date.parse('2011-09-01T00:00:00'),
      minUsers: 2,
    };
    t = await buildTestApp(es, { indexAlias: alias, cacheEnabled: false, adminKeys: `tester:${ADMIN_KEY}` });
    await publishSuggestions(t, await suggestionEntries({ ...august, catalog: { es, alias } }));
  });
  after(async () => {
    await t.close();
    await dropIndices(es, alias);
    await es.close();
  });

  it('completes popular queries with the typed prefix highlighted, plus categories and products', async () => {
    const r = await suggest('hal');
    assert.equal(r.suggestions[0]!.text, 'halo', 'the most searched completion first');
    assert.ok(
      r.suggestions.every((s) => s.highlighted.startsWith('<mark>hal</mark>')),
      JSON.stringify(r.suggestions),
    );
    assert.equal(r.suggestions[0]!.source, 'query');
    assert.deepEqual(
      r.categories.map((c) => c.name),
      ['Xbox 360 Games'],
    );
    assert.ok(r.products.length > 0 && r.products.every((p) => /halo/i.test(p.title)), JSON.stringify(r.products));
  });

  it('ignores case and accents, completes words mid-phrase, and tolerates a typo', async () => {
    assert.deepEqual(
      await suggest('HALO').then((r) => r.suggestions.map((s) => s.text)),
      await suggest('hálo').then((r) => r.suggestions.map((s) => s.text)),
    );
    const mid = await suggest('arkham');
    assert.ok(
      mid.suggestions.some((s) => s.text.startsWith('batman arkham')),
      JSON.stringify(mid.suggestions),
    );
    const typo = await suggest('modrn warf');
    assert.ok(
      typo.suggestions.some((s) => s.text.includes('modern warfare')),
      JSON.stringify(typo.suggestions),
    );
  });

  it('lists phrases starting as typed before more popular ones with the typed word inside', async () => {
    const texts = (await suggest('arkham')).suggestions.map((s) => s.text);
    const starts = texts.filter((t) => t.startsWith('arkham'));
    assert.ok(starts.length > 0 && starts.length < texts.length, JSON.stringify(texts));
    assert.deepEqual(texts.slice(0, starts.length), starts, JSON.stringify(texts));
    assert.ok(
      texts.indexOf('batman arkham city') > texts.indexOf('arkham city'),
      'searched by more shoppers, but the typed text is inside it',
    );
  });

  it('takes a space after the last word as that word being complete', async () => {
    const texts = async (q: string) => (await suggest(q)).suggestions.map((s) => s.text);
    assert.ok((await texts('mw')).includes('mw3'));
    const spaced = await texts('mw ');
    assert.ok(!spaced.includes('mw3'), JSON.stringify(spaced));
    const halo = await texts('halo ');
    assert.ok(halo.length > 0 && halo.every((t) => t.startsWith('halo ')), JSON.stringify(halo));
  });

  it('suggests a one-shopper query only when the catalog or other shoppers vouch for each of its words', async () => {
    const witcher = await suggest('the witc');
    assert.ok(
      witcher.suggestions.some((s) => s.text === 'the witcher' && s.source === 'query'),
      JSON.stringify(witcher.suggestions),
    );
    assert.deepEqual((await suggest('99023')).suggestions, [], "one shopper's number (9902347) never shows");
  });

  it('suggests catalog phrases for queries nobody searched before', async () => {
    const r = await suggest('kinectim');
    assert.ok(
      r.suggestions.some((s) => s.text.startsWith('kinectimals')),
      JSON.stringify(r.suggestions),
    );
  });

  it("offers a customer's own recent searches first, to that customer only", async () => {
    const me = uniqueName('shopper');
    const texts = async (url: string) => {
      const res = await t.app.inject(url);
      assert.equal(res.statusCode, 200, res.body);
      return (res.json() as SuggestResult).suggestions.map((s) => `${s.text}/${s.source}`);
    };
    for (const q of ['halo wars', 'zzqxv qqzzw'])
      assert.equal((await t.app.inject(`/search?q=${encodeURIComponent(q)}&customer=${me}`)).statusCode, 200);
    const mine = await waitFor('the recorded search', async () => {
      const r = await texts(`/suggest?q=hal&customer=${me}`);
      return r[0] === 'halo wars/recent' ? r : undefined;
    });
    assert.equal(mine.filter((x) => x.startsWith('halo wars/')).length, 1, `listed once: ${mine}`);
    assert.ok(
      !(await texts(`/suggest?q=hal&customer=${uniqueName('other')}`)).some((x) => x.endsWith('/recent')),
      "another customer's list is theirs",
    );
    assert.ok(!(await texts('/suggest?q=hal')).some((x) => x.endsWith('/recent')));
    assert.deepEqual(await texts(`/suggest?q=zzq&customer=${me}`), [], 'a search that found nothing is not kept');
    assert.equal((await t.app.inject('/suggest?q=hal&customer=bad%20id')).json().field, 'customer');
    // Forgotten on the shop's request, with an admin key only.
    const forget = { method: 'DELETE' as const, url: `/admin/customers/${me}/recent-searches` };
    assert.equal((await t.app.inject(forget)).statusCode, 401);
    assert.equal((await t.app.inject({ ...forget, headers: { 'x-admin-key': ADMIN_KEY } })).statusCode, 204);
    assert.ok(!(await texts(`/suggest?q=hal&customer=${me}`)).some((x) => x.endsWith('/recent')));
  });

  it('rejects a missing, empty-after-trim or oversized q with a JSON error naming it', async () => {
    for (const url of ['/suggest', `/suggest?q=${'x'.repeat(101)}`, '/suggest?q=a&size=99', '/suggest?q=a&extra=1']) {
      const res = await t.app.inject(url);
      assert.equal(res.statusCode, 400, url);
      assert.ok(['q', 'size', 'extra'].includes(res.json().field), `${url}: ${res.body}`);
    }
    assert.deepEqual((await suggest('   ')).suggestions, []);
    assert.deepEqual((await suggest('!!! ?')).suggestions, [], 'punctuation alone completes nothing');
  });

  it('turns recorded searches into suggestions: /search -> Kafka log -> suggest rebuild', async () => {
    const topic = uniqueName('searches');
    const kafka = testKafka();
    await createTopicsIfMissing(kafka, [topic], 1);
    const searchLog = createRecorder<Impression>(kafka, silentLog, createMetricsRegistry(), {
      topic,
      what: 'impressions',
      flushMs: 100,
    });
    t.runtime.impressionSink.record = (i) => searchLog.record(i);
    for (let i = 0; i < 3; i++)
      assert.equal((await t.app.inject('/search?q=skylanders%20giants%20portal&facets=brand')).statusCode, 200);
    // One customer three times is one shopper: not enough for --min-users 3.
    for (let i = 0; i < 3; i++)
      assert.equal((await t.app.inject('/search?q=skylanders%20spyro&facets=brand&customer=c-1')).statusCode, 200);
    await t.app.inject('/search?q=zzqxv%20qqzzw&facets=brand'); // found nothing: never suggested
    await searchLog.close();
    delete t.runtime.impressionSink.record;

    const before = t.runtime.suggestions.current()?.version;
    const run = await runCli(
      'query/suggest/build/cli.ts',
      ['rebuild', '--from-topic', '--min-users', '3', '--no-catalog'],
      {
        SHOP_INDEX_ALIAS: alias,
        SHOP_IMPRESSIONS_TOPIC: topic,
        SHOP_REDIS_PREFIX: t.config.redisPrefix,
      },
    );
    assert.equal(run.code, 0, run.err);
    assert.equal((run.summary() as { from_queries: number }).from_queries, 1, run.out);
    await waitFor('the published version, picked up by polling', async () =>
      t.runtime.suggestions.current()?.version !== before ? true : undefined,
    );
    const r = await suggest('skyl');
    assert.deepEqual(
      r.suggestions.map((s) => s.text),
      ['skylanders giants portal'],
    );
  });
});
