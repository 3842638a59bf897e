// The scheduled retrain against real Kafka, Redis and Elasticsearch: orders sent to POST /events
// reach the events topic, the learner runs `recommender retrain` in a child process when a retrain
// is due, and the rails then serve a new published version that learned from those orders.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Product } from '../catalog/product.ts';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import type { Kafka } from '../common/clients/kafka.ts';
import { createMetricsRegistry } from '../common/metrics.ts';
import { createLearner, type Learner } from '../learner/learner.ts';
import { createLearnerMetrics } from '../learner/metrics.ts';
import { keySpace } from '../stores/keys.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { indexCatalog } from './support/catalogs.ts';
import { waitFor } from './support/indexer.ts';
import { dropIndices, silentLog, testEs, testKafka, uniqueName } from './support/stack.ts';

const catalog: Product[] = [
  { id: 'tent', title: 'Two person tent', categories: ['Outdoor'], price: 120 },
  { id: 'pegs', title: 'Tent pegs, set of 12', categories: ['Outdoor'], price: 8 },
  { id: 'stove', title: 'Camping stove', categories: ['Outdoor'], price: 45 },
  { id: 'gas', title: 'Stove gas canister', categories: ['Outdoor'], price: 6 },
  { id: 'lamp', title: 'Desk lamp', categories: ['Home'], price: 30 },
  { id: 'bulb', title: 'LED bulb', categories: ['Home'], price: 4 },
];
/** Shoppers buy these together, and never across pairs. */
const PAIRS = [
  ['tent', 'pegs'],
  ['stove', 'gas'],
  ['lamp', 'bulb'],
];

interface Rail {
  source: string | null;
  version: string | null;
  items: { id: string; source: string }[];
}

describe('scheduled retrain of the recommendation model', () => {
  let es: EsClient;
  let kafka: Kafka;
  let alias: string;
  let t: TestApp;
  let learner: Learner | undefined;

  before(async () => {
    es = await testEs();
    kafka = testKafka();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retrain-'));
    const file = path.join(dir, 'catalog.ndjson');
    fs.writeFileSync(file, catalog.map((p) => JSON.stringify(p)).join('\n'));
    alias = await indexCatalog(es, file);
    t = await buildTestApp(
      es,
      {
        indexAlias: alias,
        impressionsTopic: uniqueName('impressions'),
        shopperEventsTopic: uniqueName('events'),
        interactionsTopic: uniqueName('interactions'),
        recsPointerTtlMs: 0,
        recsAnswerCacheMb: 0,
        // The retrain keeps only its newest models: never let it prune the project's own folder.
        recsModelDir: path.join(dir, 'models'),
      },
      undefined,
      silentLog,
      kafka,
    );
  });
  after(async () => {
    await learner?.stop();
    await t.close();
    await dropIndices(es, alias);
    await es.close();
  });

  it('trains on the orders sent to POST /events when a retrain is due, and the rails serve what it learned', async () => {
    const rail = async (url: string) => (await t.app.inject(url)).json() as Rail;
    assert.equal((await rail('/recommendations/bought-together?items=tent')).version, null, 'nothing published yet');
    const orders = Array.from({ length: 36 }, (_, i) => ({
      type: 'purchase',
      event_id: `order-${i}`,
      session: `s-${i}`,
      customer: `c-${i % 6}`,
      order_id: `o-${i}`,
      items: PAIRS[i % 3]!.map((product) => ({ product, price: 10, quantity: 1 })),
    }));
    for (let i = 0; i < orders.length; i += 12) {
      const res = await t.app.inject({ method: 'POST', url: '/events', payload: { events: orders.slice(i, i + 12) } });
      assert.equal(res.statusCode, 202, res.body);
    }
    // The last retrain was long ago: one is due as soon as the learner looks.
    await t.redis.set(keySpace(t.config.redisPrefix).learner.retrainedAt, String(Date.now() - 3_600_000));
    const registry = createMetricsRegistry();
    learner = createLearner({
      config: {
        ...t.config,
        learnerGroup: uniqueName('learner'),
        learnerMetricsPort: 0,
        recsRetrainEveryMs: 90_000,
      },
      kafka,
      redis: t.redis,
      es,
      log: silentLog,
      metrics: createLearnerMetrics(registry),
      instance: 'retrain-test',
    });
    await learner.start();
    const answer = await waitFor(
      'a retrained model to be published and served',
      async () => {
        const r = await rail('/recommendations/bought-together?items=tent&size=3');
        return r.version !== null && r;
      },
      120_000,
      500,
    );
    assert.equal(answer.source, 'bought-together');
    assert.equal(answer.items[0]?.id, 'pegs', answer.items.map((i) => `${i.id}:${i.source}`).join(' '));
    await waitFor('the retrain to be counted', async () =>
      /shop_learner_retrains_total\{outcome="ok"\} 1/.test(await registry.metrics()),
    );
    // The next one is a period later, not at once: the start of this one is kept.
    const kept = Number(await t.redis.get(keySpace(t.config.redisPrefix).learner.retrainedAt));
    assert.ok(Date.now() - kept < 120_000, 'the retrain start was recorded');
  });
});
