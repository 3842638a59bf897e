// Fuzzing at scale against the built service and the built indexer on the real stack: 100,000
// seeded hostile requests over every route (5 rounds of 20 routes per 100), then 10,000 hostile
// change events among valid ones in both lanes. Passes when no answer is 5xx but declared load
// shedding, every error is in the service's JSON shape, both lanes end at zero lag, every valid
// event is indexed and every hostile one is dead-lettered.
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateDemoCatalog } from '../catalog/demo.ts';
import { demoInteractions } from '../catalog/demo-interactions.ts';
import { createRedis } from '../common/clients/redis.ts';
import { mintCustomerToken } from '../common/customer-token.ts';
import { freePort } from '../common/free-port.ts';
import { seededRandom } from '../common/random.ts';
import { rebuildFromCatalog } from '../indexer/rebuild.ts';
import { ensureTopics, eventTopicsOf } from '../indexer/topics.ts';
import { ensureLiveIndex, indexOptionsOf } from '../mappings/lifecycle.ts';
import { recsKeys } from '../recommender/publish/keys.ts';
import { summarize } from '../recommender/publish/product-summary.ts';
import { publish } from '../recommender/publish/publish.ts';
import { train } from '../recommender/train.ts';
import { defaultTrainingOptions } from '../recommender/training-options.ts';
import { createProducer, type Kafka } from '../common/clients/kafka.ts';
import { committedCount, endOffsetCount } from '../common/clients/kafka-offsets.ts';
import { consumeToEnd } from '../common/clients/kafka-range.ts';
import { readDeadLetter } from '../indexer/dead-letter.ts';
import {
  errorShapeProblem,
  type FuzzRequest,
  fuzzRequests,
  hostileEvent,
  type RawEvent,
  validEvent,
} from './fuzz-inputs.ts';
import { startService } from './service.ts';
import { benchName, benchServers, config, deleteKeys, round, say, spawnBuilt } from './support.ts';

const ADMIN_KEY = 'fuzz-bench-admin-key';
const SECRET = 'fuzz-bench-token-secret';

function send(agent: http.Agent, base: URL, r: FuzzRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: r.method,
        path: r.url,
        headers: {
          'x-admin-key': ADMIN_KEY,
          ...(r.payload !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        timeout: 30000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', () => resolve({ status: 0, body: '' }));
      },
    );
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.on('timeout', () => req.destroy());
    req.end(r.payload);
  });
}

async function fuzzRoutes(base: string, requests: number, concurrency: number) {
  const url = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const first = await send(agent, url, { method: 'GET', url: '/search?sort=price_asc&size=2' });
  const valid = {
    cursors: [JSON.parse(first.body).next_cursor as string],
    tokens: [mintCustomerToken('demo-1', SECRET, 3600), mintCustomerToken('demo-2', SECRET, 3600)],
  };
  const next = fuzzRequests(seededRandom(20261130), valid);
  const queue: FuzzRequest[] = [];
  const statuses: Record<string, number> = {};
  const failures: string[] = [];
  let undeclared5xx = 0;
  let overBudget = 0;
  let badShape = 0;
  let sent = 0;
  const started = performance.now();
  const worker = async () => {
    while (sent < requests) {
      if (queue.length === 0) queue.push(...next());
      const r = queue.shift()!;
      sent++;
      const res = await send(agent, url, r);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      const where = `${r.method} ${r.url.slice(0, 120)}`;
      // (The Algolia protocol's routes say the same in their { message, status } shape.)
      const shed = res.status === 503 && /"error":"overloaded"|service is overloaded/.test(res.body);
      // Elasticsearch over the request's budget: 503 + Retry-After by design, counted apart.
      const unavailable = res.status === 503 && /"error":"unavailable"|backend unavailable/.test(res.body);
      if (unavailable) overBudget++;
      if (res.status >= 500 || res.status === 0) {
        if (!shed && !unavailable) {
          undeclared5xx++;
          if (failures.length < 10) failures.push(`${where} → ${res.status} ${res.body.slice(0, 200)}`);
        }
      }
      if (res.status >= 400) {
        const problem = errorShapeProblem(res.status, res.body, r.url);
        if (problem) {
          badShape++;
          if (failures.length < 10) failures.push(`${where} → ${res.status}: ${problem}`);
        }
      }
      if (sent % 10000 === 0) say(`  ${sent} requests`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return {
    requests: sent,
    seconds: round((performance.now() - started) / 1000),
    statuses,
    undeclared_5xx: undeclared5xx,
    backend_over_budget_503: overBudget,
    errors_not_in_json_shape: badShape,
    first_failures: failures,
  };
}

async function fuzzEvents(kafka: Kafka, alias: string, hostile: number, valid: number) {
  const topics = eventTopicsOf(benchName('fuzz-events'));
  await ensureTopics(kafka, topics, config.eventsPartitions);
  const group = benchName('fuzz-indexer');
  const random = seededRandom(7);
  const events: { lane: 'normal' | 'priority'; event: RawEvent }[] = [];
  for (let i = 0, v = 0; i < hostile + valid; i++) {
    const lane = random() < 0.2 ? 'priority' : 'normal';
    const isValid = v < valid && random() < valid / (hostile + valid);
    events.push({ lane, event: isValid ? validEvent(`fuzz-valid-${v++}`) : hostileEvent(random, i) });
  }
  const validIds = events.filter((e) => String(e.event.value).includes('Fuzz product')).length;
  const producer = createProducer(kafka);
  await producer.connect();
  // Sends sized to fit Kafka's request limit: hostile events reach 300 KB.
  for (const lane of ['normal', 'priority'] as const) {
    let batch: RawEvent[] = [];
    let bytes = 0;
    const flush = async () => {
      if (batch.length > 0) await producer.send({ topic: topics[lane], acks: -1, messages: batch });
      batch = [];
      bytes = 0;
    };
    for (const e of events.filter((x) => x.lane === lane)) {
      const size = (e.event.value?.length ?? 0) + (e.event.key?.length ?? 0);
      if (bytes + size > 700 * 1024) await flush();
      batch.push(e.event);
      bytes += size;
    }
    await flush();
  }
  await producer.disconnect();
  const metricsPort = await freePort();
  const started = performance.now();
  const indexer = spawnBuilt('indexer/cli.ts', ['run'], {
    SHOP_EVENTS_TOPIC: topics.normal,
    SHOP_INDEX_ALIAS: alias,
    SHOP_INDEXER_GROUP: group,
    SHOP_INDEXER_METRICS_PORT: String(metricsPort),
    SHOP_LOG_LEVEL: 'error',
  });
  const lanes = [
    { topic: topics.normal, group },
    { topic: topics.priority, group: `${group}.priority` },
  ];
  const deadline = Date.now() + 15 * 60000;
  let caughtUp = false;
  while (Date.now() < deadline) {
    let done = true;
    for (const l of lanes)
      if ((await committedCount(kafka, l.group, l.topic)) < (await endOffsetCount(kafka, l.topic))) done = false;
    if (done) {
      caughtUp = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  const seconds = round((performance.now() - started) / 1000);
  const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text());
  indexer.kill('SIGTERM');
  await new Promise((r) => indexer.once('exit', r));
  const gauge = (name: string) =>
    Object.fromEntries(
      [...metrics.matchAll(new RegExp(`^${name}\\{lane="(\\w+)"\\} (\\S+)$`, 'gm'))].map((m) => [m[1], Number(m[2])]),
    );
  // Dead letters are at least once: a batch replayed after a rebalance sends its letters again.
  const sources = new Set<string>();
  await consumeToEnd(kafka, {
    topics: [topics.deadLetter],
    since: 'earliest',
    groupPrefix: benchName('fuzz-dlq'),
    onMessages: async (messages) => {
      for (const m of messages) sources.add(readDeadLetter(m).source);
    },
  });
  return {
    hostile_events: events.length - validIds,
    valid_events: validIds,
    seconds,
    caught_up: caughtUp,
    dead_letters: await endOffsetCount(kafka, topics.deadLetter),
    dead_lettered_events: sources.size,
    lane_lag: gauge('shop_indexer_lane_lag'),
    oldest_unprocessed_seconds: gauge('shop_indexer_oldest_unprocessed_seconds'),
    topics,
  };
}

export async function fuzzBench(args: { docs: number; repeat: number }) {
  const { es, kafka } = await benchServers();
  const alias = benchName('fuzz');
  const products = [...generateDemoCatalog({ count: 2000, seed: 11 })];
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-')), 'catalog.ndjson');
  fs.writeFileSync(file, products.map((p) => JSON.stringify(p)).join('\n'));
  const opts = { ...indexOptionsOf(config), alias };
  await ensureLiveIndex(es, opts);
  await rebuildFromCatalog(es, opts, { catalogFile: file, versionBase: 1, batchSize: 2000 });
  const prefix = `${alias}:`;
  const redis = createRedis(config);
  await redis.connect();
  const interactions = demoInteractions(products, { customers: 300, basketsPerCustomer: 8, seed: 3, end: Date.now() });
  const model = await train({ interactions, products }, { ...defaultTrainingOptions, minCount: 2 });
  await publish(redis, recsKeys(prefix), model, products.map(summarize));

  const service = await startService({
    SHOP_INDEX_ALIAS: alias,
    SHOP_REDIS_PREFIX: prefix,
    SHOP_ADMIN_KEYS: `fuzzer:${ADMIN_KEY}`,
    SHOP_CUSTOMER_TOKEN_SECRET: SECRET,
    // Every request reaches its route: failed authentications would get the fuzzer's address 429s.
    SHOP_AUTH_FAILURE_LIMIT: '0',
    SHOP_IMPRESSIONS_TOPIC: '',
  });
  let routes: Awaited<ReturnType<typeof fuzzRoutes>>;
  try {
    say(`requests: ${args.docs} over every route, ${args.repeat * 4} at once`);
    routes = await fuzzRoutes(service.url, args.docs, args.repeat * 4);
  } finally {
    await service.stop();
  }
  say('events: 12,000, about 10,000 hostile among 2,000 valid, both lanes');
  const events = await fuzzEvents(kafka, alias, 10000, 2000);
  const indexedValid = (await es.count({ index: alias, query: { prefix: { id: 'fuzz-valid-' } } })).count;

  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: Object.values(events.topics) }).catch(() => {});
  await admin.disconnect();
  await es.indices.delete({ index: `${alias}-*`, ignore_unavailable: true, allow_no_indices: true });
  await deleteKeys(redis, prefix);
  redis.disconnect();
  await es.close();
  const { topics: _topics, ...eventSummary } = events;
  const pass =
    routes.undeclared_5xx === 0 &&
    routes.errors_not_in_json_shape === 0 &&
    events.caught_up &&
    Object.values(events.lane_lag).every((x) => x === 0) &&
    indexedValid === events.valid_events &&
    events.dead_lettered_events === events.hostile_events;
  return { bench: 'fuzz', pass, routes, events: { ...eventSummary, valid_indexed: indexedValid } };
}
