// The closed loop against real Kafka, Redis and Elasticsearch: answers carry query ids and record
// impressions, POST /events validates and publishes, the learner folds clicks into learned signals
// the service serves within seconds, dead-letters malformed events, and ends a run killed
// mid-stream with the state of one that never was.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Product } from '../catalog/product.ts';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import { createProducer, createTopicsIfMissing, type Kafka, type Producer } from '../common/clients/kafka.ts';
import { createKafka } from '../common/clients/kafka.ts';
import { createRedis, type Redis } from '../common/clients/redis.ts';
import type { Config } from '../common/config.ts';
import { UnavailableError } from '../common/errors.ts';
import { createMetricsRegistry } from '../common/metrics.ts';
import { spawnScript } from '../common/spawn-script.ts';
import type { Impression } from '../events/impression.ts';
import { createEventPublisher } from '../events/publisher.ts';
import type { RecordedEvent } from '../events/shopper-event.ts';
import { readDeadLetter } from '../indexer/dead-letter.ts';
import { createLearner, type Learner, learnerLimitsOf } from '../learner/learner.ts';
import { createLearnerMetrics } from '../learner/metrics.ts';
import { type LearnerSnapshot, LearnerState } from '../learner/state.ts';
import { consumeToEnd } from '../common/clients/kafka-range.ts';
import { keySpace } from '../stores/keys.ts';
import { redisLearnerCheckpoints } from '../stores/learner-checkpoint.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { indexCatalog } from './support/catalogs.ts';
import { publishSuggestions } from './support/suggestions.ts';
import { waitFor } from './support/indexer.ts';
import { config, dropIndices, silentLog, testEs, testKafka, uniqueName } from './support/stack.ts';

const catalog: Product[] = [
  { id: 'g1', title: 'Gears of War 3', categories: ['Games', 'Shooters'], price: 60, popularity: 50 },
  { id: 'g2', title: 'Gears of War 3 Limited Edition', categories: ['Games', 'Shooters'], price: 100, popularity: 10 },
  { id: 'g3', title: 'Gears of War Triple Pack', categories: ['Games', 'Shooters'], price: 40, popularity: 5 },
  { id: 'c1', title: 'Wireless Controller', categories: ['Accessories'], price: 50, popularity: 40 },
];

interface Page {
  query_id: string;
  hits: { id: string }[];
}

const click = (id: string, queryId: string, product: string, position: number, session = 's-1') => ({
  type: 'click',
  event_id: id,
  session,
  query_id: queryId,
  product,
  position,
});

describe('closed loop: events and the learner', () => {
  let es: EsClient;
  let kafka: Kafka;
  let alias: string;
  let t: TestApp;
  let learnerConfig: Config;
  let learner: Learner | undefined;
  const topics = { impressions: uniqueName('impressions'), events: uniqueName('events') };

  const search = async (q: string, session = 's-1'): Promise<Page> => {
    const res = await t.app.inject(`/search?q=${encodeURIComponent(q)}&session=${session}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as Page;
  };
  const post = (events: unknown[]) => t.app.inject({ method: 'POST', url: '/events', payload: { events } });

  before(async () => {
    es = await testEs();
    kafka = testKafka();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'learner-'));
    const file = path.join(dir, 'catalog.ndjson');
    fs.writeFileSync(file, catalog.map((p) => JSON.stringify(p)).join('\n'));
    alias = await indexCatalog(es, file);
    t = await buildTestApp(
      es,
      {
        indexAlias: alias,
        cacheEnabled: false,
        rulesRefreshMs: 0,
        impressionsTopic: topics.impressions,
        shopperEventsTopic: topics.events,
        shopperEventsPartitions: 2,
      },
      undefined,
      silentLog,
      kafka,
    );
    learnerConfig = {
      ...t.config,
      learnerGroup: uniqueName('learner'),
      learnerPublishMs: 200,
      learnerCheckpointMs: 500,
      learnerMetricsPort: 0,
    };
  });
  after(async () => {
    await learner?.stop();
    await t.close();
    await dropIndices(es, alias);
    await es.close();
  });

  it('gives every answer a query id and records what it showed, keyed by session', async () => {
    const a = await search('gears of war', 's-rec');
    const b = await search('gears of war', 's-rec');
    assert.match(a.query_id, /^[0-9a-f]{32}$/);
    assert.notEqual(a.query_id, b.query_id);
    const seen: Impression[] = [];
    await waitFor('impressions on the topic', async () => {
      seen.length = 0;
      await consumeToEnd(kafka, {
        topics: [topics.impressions],
        since: 'earliest',
        groupPrefix: uniqueName('read'),
        onMessages: async (ms) => {
          for (const m of ms) {
            const i = JSON.parse(m.value!.toString()) as Impression;
            if (i.query_id === a.query_id) assert.equal(m.key?.toString(), 's-rec');
            seen.push(i);
          }
        },
      });
      return seen.some((i) => i.query_id === b.query_id);
    });
    const first = seen.find((i) => i.query_id === a.query_id)!;
    assert.deepEqual(
      [first.kind, first.query, first.session, first.offset, first.ids],
      ['search', 'gears of war', 's-rec', 0, a.hits.map((h) => h.id)],
    );
  });

  it('refuses a malformed batch naming the field, and accepts a good one (202), a repeated event id once', async () => {
    const bad = [
      [[{ ...click('e1', 'q', 'g1', 0) }], 'events.0.position'],
      [[{ type: 'view', event_id: 'e1' }], 'events.0.session'],
      [[{ type: 'purchase', event_id: 'e1', session: 's', order_id: 'o', items: [] }], 'events.0.items'],
      [[{ ...click('e1', 'q', 'g1', 1), time: '2099-01-01T00:00:00Z' }], 'events.0.time'],
      [Array.from({ length: 101 }, (_, i) => click(`e${i}`, 'q', 'g1', 1)), 'events'],
    ] as const;
    for (const [events, field] of bad) {
      const res = await post([...events]);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().field, field, res.body);
    }
    const ok = await post([
      click('dup-1', 'q', 'g1', 1),
      click('dup-1', 'q', 'g1', 1),
      { type: 'view', event_id: 'v-1', session: 's-1', product: 'g1' },
    ]);
    assert.equal(ok.statusCode, 202, ok.body);
    assert.deepEqual(ok.json(), { accepted: 2, duplicates: 1 });
  });

  it('answers 503 with Retry-After, fast, when Kafka cannot take the batch', async () => {
    const deadKafka = createKafka({ ...config, kafkaBrokers: ['127.0.0.1:1'] }, uniqueName('dead'), silentLog);
    const down = await buildTestApp(
      es,
      { indexAlias: alias, shopperEventsTopic: topics.events, impressionsTopic: '', eventsPublishTimeoutMs: 1000 },
      undefined,
      silentLog,
      deadKafka,
    );
    try {
      const started = Date.now();
      const res = await down.app.inject({
        method: 'POST',
        url: '/events',
        payload: { events: [click('x', 'q', 'g1', 1)] },
      });
      assert.equal(res.statusCode, 503, res.body);
      assert.ok(res.headers['retry-after']);
      assert.ok(Date.now() - started < 5000, 'refused within the publish timeout');
    } finally {
      await down.close();
    }
  });

  it('sends batches posted together in one go, each acknowledged, and refuses what exceeds the bound held', async () => {
    const topic = uniqueName('publisher');
    await createTopicsIfMissing(kafka, [topic], 2);
    const publisher = createEventPublisher(kafka, topic, 5000, { maxHeld: 30, maxPerRequest: 15 });
    const at = new Date().toISOString();
    const batch = (name: string, n: number) =>
      Array.from(
        { length: n },
        (_, i): RecordedEvent => ({
          ...click(`${name}-${i}`, 'q', 'g1', 1, `s-${i % 3}`),
          type: 'click',
          received_at: at,
        }),
      );
    try {
      // Posted in one turn: 10 + 10 are held while sent (in two requests: at most 15 a request), 20 more exceed 30.
      const outcomes = await Promise.allSettled([
        publisher.publish(batch('a', 10)),
        publisher.publish(batch('b', 10)),
        publisher.publish(batch('c', 20)),
      ]);
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['fulfilled', 'fulfilled', 'rejected'],
      );
      assert.ok((outcomes[2] as PromiseRejectedResult).reason instanceof UnavailableError);
      // Once acknowledged they are no longer held: a batch of 30 fits again.
      await publisher.publish(batch('d', 30));
      const read: { key: string; id: string }[] = [];
      await consumeToEnd(kafka, {
        topics: [topic],
        since: 'earliest',
        groupPrefix: uniqueName('read'),
        onMessages: async (ms) => {
          for (const m of ms) {
            const e = JSON.parse(m.value!.toString()) as { event_id: string; session: string };
            assert.equal(m.key?.toString(), e.session, 'keyed by session');
            read.push({ key: e.session, id: e.event_id });
          }
        },
      });
      assert.deepEqual(
        read.map((r) => r.id).sort(),
        [...batch('a', 10), ...batch('b', 10), ...batch('d', 30)].map((e) => e.event_id).sort(),
      );
    } finally {
      await publisher.close();
    }
  });

  it('learns from clicks within seconds: the product shoppers chose rises for their query', async () => {
    learner = createLearner({
      config: learnerConfig,
      kafka,
      redis: t.redis,
      es,
      log: silentLog,
      metrics: createLearnerMetrics(createMetricsRegistry()),
      instance: 'test-learner',
    });
    await learner.start();
    const before = await search('gears of war');
    assert.equal(before.hits[0]?.id, 'g1');
    const position = before.hits.findIndex((h) => h.id === 'g3') + 1;
    assert.ok(position > 1, 'the triple pack is not first yet');
    for (let i = 0; i < 6; i++) {
      const page = await search('gears of war', `s-${i}`);
      const res = await post([click(`c-${i}`, page.query_id, 'g3', position, `s-${i}`)]);
      assert.equal(res.statusCode, 202, res.body);
    }
    const started = Date.now();
    await waitFor(
      'the learned click to be served',
      async () => (await search('gears of war')).hits[0]?.id === 'g3',
      15000,
      100,
    );
    assert.ok(Date.now() - started < 10000, `served ${Date.now() - started} ms after the clicks`);
  });

  it('makes a query two shoppers searched a suggestion within seconds, on top of the published version', async () => {
    await publishSuggestions(t, [{ text: 'gears of war', weight: 0.5, source: 'catalog' }]);
    const suggested = async (q: string) =>
      (
        (await t.app.inject(`/suggest?q=${encodeURIComponent(q)}`)).json() as { suggestions: { text: string }[] }
      ).suggestions.map((x) => x.text);
    assert.deepEqual(await suggested('gears of war tr'), []);
    await search('gears of war triple', 'shopper-a');
    assert.deepEqual(await suggested('gears of war tr'), [], 'one shopper is not enough');
    await search('Gears of War Triple', 'shopper-b');
    await waitFor(
      'the learned suggestion to be served',
      async () => (await suggested('gears of war tr'))[0] === 'gears of war triple',
      15000,
      200,
    );
    const [first] = await suggested('gears of war');
    assert.equal(first, 'gears of war', 'the catalog phrase is still there, the longer query after it');
  });

  it('dead-letters malformed events written to the topic directly, with the reason, and keeps learning', async () => {
    const producer = createProducer(kafka);
    await producer.connect();
    await producer.send({
      topic: topics.events,
      messages: [
        { key: 's-x', value: 'not json' },
        {
          key: 's-x',
          value: JSON.stringify({
            type: 'click',
            event_id: 'bad-1',
            session: 's-x',
            received_at: new Date().toISOString(),
          }),
        },
      ],
    });
    await producer.disconnect();
    const dead: ReturnType<typeof readDeadLetter>[] = [];
    await waitFor('two dead letters', async () => {
      dead.length = 0;
      await consumeToEnd(kafka, {
        topics: [`${topics.events}.dlq`],
        since: 'earliest',
        groupPrefix: uniqueName('dlq'),
        onMessages: async (ms) => void dead.push(...ms.map(readDeadLetter)),
      });
      return dead.length >= 2;
    });
    assert.match(dead[0]!.reason!, /invalid JSON/);
    assert.match(dead[1]!.reason!, /schema violation/);
  });
});

describe('learner restarts', () => {
  let kafka: Kafka;
  let redis: Redis;
  let es: EsClient;
  let producer: Producer;
  const topics = { impressions: uniqueName('impressions'), events: uniqueName('events') };
  const children: ChildProcess[] = [];

  before(async () => {
    kafka = testKafka();
    es = await testEs();
    redis = createRedis(config);
    await redis.connect();
    await createTopicsIfMissing(kafka, [topics.impressions, topics.events, `${topics.events}.dlq`], 3);
    producer = createProducer(kafka);
    await producer.connect();
  });
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await producer.disconnect();
    redis.disconnect();
    await es.close();
  });

  /** A learner process on the shared topics with its own group and Redis prefix. */
  const startLearner = (prefix: string, group: string, env: Record<string, string> = {}): ChildProcess => {
    const child = spawnScript('learner/cli.ts', ['run'], {
      env: {
        ...process.env,
        SHOP_LOG_LEVEL: 'silent',
        SHOP_REDIS_PREFIX: prefix,
        SHOP_LEARNER_GROUP: group,
        SHOP_LEARNER_INSTANCE: group,
        SHOP_IMPRESSIONS_TOPIC: topics.impressions,
        SHOP_SHOPPER_EVENTS_TOPIC: topics.events,
        SHOP_LEARNER_PUBLISH_MS: '200',
        SHOP_LEARNER_CHECKPOINT_MS: '300',
        SHOP_LEARNER_METRICS_PORT: '0',
        SHOP_INDEX_ALIAS: uniqueName('none'),
        ...env,
      },
      stdio: 'ignore',
    });
    children.push(child);
    return child;
  };
  const checkpoints = (prefix: string) => redisLearnerCheckpoints<LearnerSnapshot>(redis, keySpace(prefix).learner);
  const ends = async (): Promise<Record<string, string>> => {
    const admin = kafka.admin();
    await admin.connect();
    const out: Record<string, string> = {};
    for (const topic of Object.values(topics))
      for (const p of await admin.fetchTopicOffsets(topic)) if (p.high !== '0') out[`${topic}/${p.partition}`] = p.high;
    await admin.disconnect();
    return out;
  };
  const caughtUp = async (prefix: string, target: Record<string, string>) => {
    const s = await checkpoints(prefix).status();
    return s !== undefined && Object.entries(target).every(([tp, end]) => s.offsets[tp] === end);
  };

  it('exits within its grace period on SIGTERM, even with its topics deleted under it', async () => {
    const own = { impressions: uniqueName('gone-impressions'), events: uniqueName('gone-events') };
    const prefix = `${uniqueName('gone')}:`;
    const child = startLearner(prefix, uniqueName('gone'), {
      SHOP_IMPRESSIONS_TOPIC: own.impressions,
      SHOP_SHOPPER_EVENTS_TOPIC: own.events,
      SHOP_SHUTDOWN_GRACE_MS: '2000',
    });
    const exited = once(child, 'exit');
    // Its first checkpoint, or its exit code at once if it stopped before making one.
    await waitFor(
      'the learner to run',
      async () => {
        assert.equal(child.exitCode, null, `the learner exited with ${child.exitCode} before its first checkpoint`);
        return (await checkpoints(prefix).load()) !== undefined;
      },
      60000,
      50,
    );
    const admin = kafka.admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    await admin.deleteTopics({
      topics: [own.impressions, own.events, `${own.events}.dlq`].filter((t) => existing.has(t)),
    });
    await admin.disconnect();
    await new Promise((r) => setTimeout(r, 1000));
    const signalled = Date.now();
    child.kill('SIGTERM');
    const stuck = new Promise((r) => setTimeout(() => r('still running'), 15000));
    const outcome = await Promise.race([exited, stuck]);
    assert.notEqual(outcome, 'still running', 'the learner must not outlive its grace period');
    assert.ok(Date.now() - signalled < 15000);
  });

  it('ends a run killed mid-stream with exactly the state of one never interrupted', async () => {
    // 3,000 searches with a click each (some sent twice), over many queries, products and positions.
    const t0 = Date.parse('2011-08-01T00:00:00Z');
    const impressions = [];
    const events = [];
    for (let i = 0; i < 3000; i++) {
      const session = `s-${i % 97}`;
      const ts = new Date(t0 + i * 60_000).toISOString();
      const ids = Array.from({ length: 10 }, (_, k) => `p-${(i * 7 + k * 13) % 211}`);
      const qid = `q-${i}`;
      impressions.push({
        key: session,
        value: JSON.stringify({ query_id: qid, ts, kind: 'search', query: `query ${i % 53}`, ids, offset: 0, session }),
      });
      const e = { ...click(`e-${i}`, qid, ids[i % 10]!, (i % 10) + 1, session), time: ts, received_at: ts };
      events.push({ key: session, value: JSON.stringify(e) });
      if (i % 50 === 0) events.push({ key: session, value: JSON.stringify(e) });
    }
    for (let i = 0; i < impressions.length; i += 500) {
      await producer.send({ topic: topics.impressions, messages: impressions.slice(i, i + 500) });
      await producer.send({ topic: topics.events, messages: events.slice(i, i + 500) });
    }
    await producer.send({ topic: topics.events, messages: events.slice(3000) });
    const target = await ends();

    const killed = { prefix: `${uniqueName('killed')}:`, group: uniqueName('killed') };
    let child = startLearner(killed.prefix, killed.group);
    // Kill it once it has checkpointed part of the stream, then again right after a restart.
    await waitFor('a first checkpoint', async () => (await checkpoints(killed.prefix).load()) !== undefined, 60000, 50);
    child.kill('SIGKILL');
    await once(child, 'exit');
    child = startLearner(killed.prefix, killed.group);
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGKILL');
    await once(child, 'exit');
    child = startLearner(killed.prefix, killed.group);
    await waitFor('the restarted learner to catch up', () => caughtUp(killed.prefix, target), 120000);
    child.kill('SIGTERM');
    await once(child, 'exit');

    const whole = { prefix: `${uniqueName('whole')}:`, group: uniqueName('whole') };
    const uninterrupted = startLearner(whole.prefix, whole.group);
    await waitFor('the uninterrupted learner to catch up', () => caughtUp(whole.prefix, target), 120000);
    uninterrupted.kill('SIGTERM');
    await once(uninterrupted, 'exit');

    const a = (await checkpoints(killed.prefix).load())!;
    const b = (await checkpoints(whole.prefix).load())!;
    assert.deepEqual(a.offsets, target);
    assert.deepEqual(a.counters, b.counters, 'no event counted twice or lost');
    assert.equal(a.counters.events.click, 3000);
    assert.equal(a.counters.duplicates, 60);
    const signals = (s: LearnerSnapshot) => {
      const state = new LearnerState(learnerLimitsOf(config), s);
      const learned = state.clicks.signals(state.maxTime, () => undefined, [], {
        halfLifeDays: 30,
        smoothing: 3,
        maxProducts: 10,
        maxCategories: 3,
        minShare: 0,
      });
      return [...learned].sort().map(([k, v]) => [k, v.products.map(([id, share]) => [id, share.toFixed(9)])]);
    };
    assert.deepEqual(signals(a), signals(b));
    assert.equal(signals(a).length, 53);
  });
});
