// The real closed loop in one process, for replays: the service (answers record impressions, POST
// /events publishes to Kafka) and the learner on topics and Redis keys of their own, with the
// service's clock set to the replayed time. `settle` waits until everything sent so far is folded
// in, published and visible to the service, so each replayed answer sees only what was learned
// from events before it.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import { createKafka, type Kafka } from '../../common/clients/kafka.ts';
import { createRedis, type Redis } from '../../common/clients/redis.ts';
import type { Config } from '../../common/config.ts';
import { createLogger } from '../../common/logger.ts';
import { createMetricsRegistry } from '../../common/metrics.ts';
import type { RecordedEvent } from '../../events/shopper-event.ts';
import { createLearner, learnerTopicsOf } from '../../learner/learner.ts';
import { createLearnerMetrics } from '../../learner/metrics.ts';
import { buildService, type Service } from '../../query/http/service.ts';
import { keySpace } from '../../stores/keys.ts';
import { redisLearnerCheckpoints } from '../../stores/learner-checkpoint.ts';

export interface LiveHarness {
  service: Service;
  redis: Redis;
  config: Config;
  /** The replayed time answers are given at (impressions carry it). */
  setTime(ms: number): void;
  get(url: string): Promise<Record<string, unknown>>;
  /** Sends shopper events (at most 100 a call), as the shop would. */
  send(events: Omit<RecordedEvent, 'received_at'>[]): Promise<void>;
  /** Resolves once everything sent so far is learned, published and visible to the service. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function openLiveHarness(base: Config, es: EsClient, alias: string): Promise<LiveHarness> {
  const run = randomBytes(4).toString('hex');
  const config: Config = {
    ...base,
    indexAlias: alias,
    redisPrefix: `eval-live-${run}:`,
    impressionsTopic: `eval-impressions-${run}`,
    shopperEventsTopic: `eval-events-${run}`,
    learnerGroup: `eval-learner-${run}`,
    learnerPublishMs: 10,
    learnerCheckpointMs: 60_000,
    learnerMetricsPort: 0,
    // Answers must reflect each publication at once: no cache, rules and signals checked every request.
    cacheEnabled: false,
    rulesRefreshMs: 0,
    // One replaying client, trusted: no limits, raw customer ids (recent searches need them).
    rateLimitMax: 0,
    maxEventLoopDelayMs: 0,
    clientConcurrency: 0,
    clientBudgetMs: 0,
    authFailureLimit: 0,
    trustCustomerIds: true,
    suggestBudgetMs: 5000,
  };
  const log = createLogger('warn', 'eval-live', 2);
  const kafka: Kafka = createKafka(config, `eval-live-${run}`, log);
  const redis = createRedis(config);
  await redis.connect();
  const service = await buildService({
    config,
    es,
    redis,
    kafka,
    log,
    metrics: createMetricsRegistry(),
    impressionsFlushMs: 100,
  });
  const learner = createLearner({
    config,
    kafka,
    redis,
    es,
    log,
    metrics: createLearnerMetrics(createMetricsRegistry()),
    instance: `eval-${run}`,
  });
  await learner.start();
  const status = redisLearnerCheckpoints(redis, keySpace(config.redisPrefix).learner);
  const topics = learnerTopicsOf(config);
  const admin = kafka.admin();
  await admin.connect();

  async function ends(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const topic of [topics.impressions, topics.events])
      for (const p of await admin.fetchTopicOffsets(topic))
        if (p.high !== p.low) out[`${topic}/${p.partition}`] = p.high;
    return out;
  }

  return {
    service,
    redis,
    config,
    setTime: (ms) => {
      service.runtime.clock.now = () => ms;
    },
    async get(url) {
      const res = await service.app.inject(url);
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      return res.json() as Record<string, unknown>;
    },
    async send(events) {
      const res = await service.app.inject({ method: 'POST', url: '/events', payload: { events } });
      if (res.statusCode !== 202) throw new Error(`POST /events: ${res.statusCode} ${res.body}`);
    },
    async settle() {
      await service.flush();
      const target = await ends();
      const started = Date.now();
      for (;;) {
        const s = await status.status();
        const done = s && Object.entries(target).every(([tp, end]) => BigInt(s.offsets[tp] ?? '0') >= BigInt(end));
        // Published after reading up to the target; the service checks revisions on every request.
        if (done && Date.parse(s.publishedAt) > started) {
          // The published suggestions too, without waiting for the service's next poll.
          await service.runtime.suggestions.refresh();
          return;
        }
        await sleep(5);
      }
    },
    async close() {
      await learner.stop();
      await service.close();
      await admin.deleteTopics({ topics: [topics.impressions, topics.events, topics.deadLetter] }).catch(() => {});
      await admin.disconnect();
      const keys = await redis.keys(`${config.redisPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
}
