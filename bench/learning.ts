// The closed loop's speed, same run, same machine:
// - POST /events of the built service against a bare fastify route producing the same batch to
//   Kafka (throughput ratio, target ≥ 0.8);
// - the learner catching up on a backlog of searches and clicks (events/s, target ≥ 2,000), and
//   its lag while events arrive at a fixed rate;
// - freshness: from a click accepted by POST /events to the clicked product served first for
//   its query (p50/p99, target p99 ≤ 5 s).
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateDemoCatalog } from '../catalog/demo.ts';
import { createProducer, createTopicsIfMissing } from '../common/clients/kafka.ts';
import { createRedis } from '../common/clients/redis.ts';
import { freePort } from '../common/free-port.ts';
import { rebuildFromCatalog } from '../indexer/rebuild.ts';
import { indexOptionsOf } from '../mappings/lifecycle.ts';
import { keySpace } from '../stores/keys.ts';
import { redisLearnerCheckpoints } from '../stores/learner-checkpoint.ts';
import { load, startService } from './service.ts';
import { benchName, benchServers, config, cpuMs, percentile, round, say, spawnBuilt } from './support.ts';

interface RouteFigures {
  rps: number;
  cpu_ms_per_request: number;
  p99_ms: number;
  errors: number;
}

const click = (n: number, queryId: string, product: string, position: number, time?: string) => ({
  type: 'click',
  event_id: `b-${n}`,
  session: `s-${n % 500}`,
  query_id: queryId,
  product,
  position,
  ...(time ? { time } : {}),
});

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  for (const deadline = Date.now() + 30000; Date.now() < deadline; await sleep(100)) {
    if (child.exitCode !== null) throw new Error('baseline route exited');
    if (
      await fetch(url).then(
        () => true,
        () => false,
      )
    )
      return;
  }
  throw new Error('baseline route did not start');
}

export async function learningBench(args: { seconds: number; docs: number }) {
  const { es, kafka } = await benchServers();
  const run = benchName('loop');
  const topics = { impressions: `${run}-impressions`, events: `${run}-events` };
  await createTopicsIfMissing(
    kafka,
    [topics.impressions, topics.events, `${topics.events}.dlq`, `${run}-raw`],
    config.shopperEventsPartitions,
  );
  const alias = `${run}-products`;
  const products = [...generateDemoCatalog({ count: 2000, seed: 11 })];
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'loop-')), 'catalog.ndjson');
  fs.writeFileSync(file, products.map((p) => JSON.stringify(p)).join('\n'));
  await rebuildFromCatalog(
    es,
    { ...indexOptionsOf(config), alias },
    { catalogFile: file, versionBase: 1, batchSize: 1000 },
  );
  const prefix = `${run}:`;
  const env = {
    SHOP_INDEX_ALIAS: alias,
    SHOP_REDIS_PREFIX: prefix,
    SHOP_IMPRESSIONS_TOPIC: topics.impressions,
    SHOP_SHOPPER_EVENTS_TOPIC: topics.events,
    SHOP_LEARNER_GROUP: `${run}-learner`,
    SHOP_LEARNER_METRICS_PORT: '0',
    SHOP_CACHE_ENABLED: 'false',
  };

  // 1. POST /events against the bare route, a batch of 20 clicks per request.
  const batch = JSON.stringify({
    events: Array.from({ length: 20 }, (_, i) => click(i, 'q-bench', `DEMO-${String(i).padStart(6, '0')}`, i + 1)),
  });
  const post = [
    { method: 'POST' as const, path: '/events', body: batch, headers: { 'content-type': 'application/json' } },
  ];
  const service = await startService(env);
  const rawPort = await freePort();
  const raw = spawnBuilt('bench/raw-events-route.ts', [String(rawPort), `${run}-raw`], {});
  await waitReady(`http://127.0.0.1:${rawPort}/`, raw);
  // Alternated in rounds, so a change in the machine's load (shared cores) falls on both sides alike;
  // the CPU each process spent per request is reported beside the throughput, being less noisy.
  say('POST /events: service and the bare route, alternated in rounds');
  const rounds = 4;
  const sides = [
    { url: service.url, pid: service.child.pid!, requests: 0, seconds: 0, cpu: 0, p99: [] as number[], errors: 0 },
    {
      url: `http://127.0.0.1:${rawPort}`,
      pid: raw.pid!,
      requests: 0,
      seconds: 0,
      cpu: 0,
      p99: [] as number[],
      errors: 0,
    },
  ];
  // Both warmed up first (JIT, lazily loaded modules, Kafka connections): the side measured first
  // used to be measured cold.
  for (const side of sides) await load(side.url, post, { connections: 8, seconds: 2, rate: 100000 });
  for (let r = 0; r < rounds; r++)
    for (const side of r % 2 === 0 ? sides : [...sides].reverse()) {
      const cpu = cpuMs(side.pid);
      const started = performance.now();
      const res = await load(side.url, post, { connections: 8, seconds: args.seconds / rounds, rate: 100000 });
      side.seconds += (performance.now() - started) / 1000;
      side.cpu += cpuMs(side.pid) - cpu;
      side.requests += res.requests;
      side.p99.push(res.p99_ms);
      side.errors += res.errors + res.non2xx;
    }
  const [ours, bare] = sides.map((s) => ({
    rps: Math.round(s.requests / s.seconds),
    cpu_ms_per_request: round(s.cpu / s.requests, 3),
    p99_ms: Math.max(...s.p99),
    errors: s.errors,
  })) as [RouteFigures, RouteFigures];
  raw.kill('SIGTERM');

  // 2. The learner on a backlog: searches (impressions) and a click for each, written to the topics.
  const backlog = Math.max(20000, args.docs);
  const producer = createProducer(kafka);
  await producer.connect();
  const t0 = Date.now() - backlog * 10;
  for (let i = 0; i < backlog; i += 1000) {
    const impressions = [];
    const events = [];
    for (let n = i; n < Math.min(backlog, i + 1000); n++) {
      const ts = new Date(t0 + n * 10).toISOString();
      const ids = Array.from({ length: 10 }, (_, k) => products[(n * 7 + k * 13) % products.length]!.id);
      impressions.push({
        key: `s-${n % 500}`,
        value: JSON.stringify({ query_id: `bq-${n}`, ts, kind: 'search', query: `query ${n % 997}`, ids, offset: 0 }),
      });
      events.push({
        key: `s-${n % 500}`,
        value: JSON.stringify({ ...click(n, `bq-${n}`, ids[n % 10]!, (n % 10) + 1, ts), received_at: ts }),
      });
    }
    await producer.send({ topic: topics.impressions, messages: impressions });
    await producer.send({ topic: topics.events, messages: events });
  }
  await producer.disconnect();
  const redis = createRedis(config);
  await redis.connect();
  const status = redisLearnerCheckpoints(redis, keySpace(prefix).learner);
  const admin = kafka.admin();
  await admin.connect();
  const ends = async () => {
    const out: Record<string, bigint> = {};
    for (const topic of Object.values(topics))
      for (const p of await admin.fetchTopicOffsets(topic)) out[`${topic}/${p.partition}`] = BigInt(p.high);
    return out;
  };
  const behind = async () => {
    const [target, s] = [await ends(), await status.status()];
    return Object.entries(target).reduce((n, [tp, end]) => n + Number(end - BigInt(s?.offsets[tp] ?? '0')), 0);
  };
  say(`learner: catching up on ${backlog} searches and ${backlog} clicks`);
  const learner = spawnBuilt('learner/cli.ts', ['run'], { ...env, SHOP_LOG_LEVEL: 'warn' });
  const started = Date.now();
  let folded = 0;
  while ((folded = 2 * backlog - (await behind())) < 2 * backlog) {
    if (learner.exitCode !== null) throw new Error('learner exited');
    if (Date.now() - started > 600_000) throw new Error('learner did not catch up in 10 minutes');
    await sleep(100);
  }
  const catchUpPerSecond = folded / ((Date.now() - started) / 1000);

  // 3. Freshness, with the learner live: a click on the last of a query's results, until it is first.
  say('freshness: from a click accepted to its product served first');
  const delays: number[] = [];
  let missed = 0;
  const queries = [...new Set(products.map((p) => p.title.split(' ').slice(1, 3).join(' ')))].slice(0, 40);
  for (const [n, q] of queries.entries()) {
    const page = (await (await fetch(`${service.url}/search?q=${encodeURIComponent(q)}&size=10`)).json()) as {
      query_id: string;
      hits: { id: string }[];
    };
    if (page.hits.length < 2) continue;
    const target = page.hits.at(-1)!.id;
    await sleep(1100); // the impression reaches the topic (flushed once a second) before its click
    const res = await fetch(`${service.url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        events: [0, 1, 2].map((k) => click(1e6 + n * 10 + k, page.query_id, target, page.hits.length)),
      }),
    });
    if (res.status !== 202) throw new Error(`POST /events: ${res.status}`);
    const accepted = Date.now();
    let seen = false;
    while (Date.now() - accepted < 10000) {
      const now = (await (await fetch(`${service.url}/search?q=${encodeURIComponent(q)}&size=3`)).json()) as {
        hits: { id: string }[];
      };
      if (now.hits[0]?.id === target) {
        seen = true;
        break;
      }
      await sleep(20);
    }
    if (seen) delays.push(Date.now() - accepted);
    else missed++;
  }
  delays.sort((a, b) => a - b);

  // 4. Lag under a steady 2,000 events/s for the run's seconds.
  say('learner lag at 2,000 events per second');
  const steady = createProducer(kafka);
  await steady.connect();
  let maxBehind = 0;
  const until = Date.now() + args.seconds * 1000;
  for (let n = 0; Date.now() < until; ) {
    const ts = new Date().toISOString();
    const messages = Array.from({ length: 200 }, () => {
      n++;
      return {
        key: `s-${n % 500}`,
        value: JSON.stringify({
          ...click(2e6 + n, `bq-${n % backlog}`, products[n % products.length]!.id, 1, ts),
          received_at: ts,
        }),
      };
    });
    await steady.send({ topic: topics.events, messages });
    maxBehind = Math.max(maxBehind, await behind());
    await sleep(100);
  }
  await steady.disconnect();
  const drainStarted = Date.now();
  while ((await behind()) > 0 && Date.now() - drainStarted < 60000) await sleep(100);
  const drainMs = Date.now() - drainStarted;

  // Stopped before its topics go: a learner whose topics vanish under it keeps retrying.
  if (learner.exitCode === null) {
    learner.kill('SIGTERM');
    if ((await Promise.race([once(learner, 'exit'), sleep(60000)])) === undefined) learner.kill('SIGKILL');
  }
  await service.stop();
  await admin
    .deleteTopics({ topics: [...Object.values(topics), `${topics.events}.dlq`, `${run}-raw`] })
    .catch(() => {});
  await admin.disconnect();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await es.indices.delete({ index: `${alias}-*` }).catch(() => {});
  await es.close();
  return {
    events_route: {
      ours_rps: ours.rps,
      bare_rps: bare.rps,
      ratio: round(ours.rps / bare.rps, 2),
      ours_cpu_ms_per_request: ours.cpu_ms_per_request,
      bare_cpu_ms_per_request: bare.cpu_ms_per_request,
      ours_p99_ms: ours.p99_ms,
      bare_p99_ms: bare.p99_ms,
      errors: ours.errors,
      bare_errors: bare.errors,
    },
    learner_catch_up_events_per_s: Math.round(catchUpPerSecond),
    learner_steady_2000_per_s: { max_behind_events: maxBehind, drained_after_ms: drainMs },
    freshness_ms: {
      trials: delays.length,
      missed,
      p50: percentile(delays, 50),
      p99: percentile(delays, 99),
      max: delays.at(-1),
    },
  };
}
