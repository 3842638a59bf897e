// The real app for tests: real Elasticsearch and Redis, a test alias and Redis prefix.
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import { createRedis, type Redis } from '../../common/clients/redis.ts';
import { corsOriginsOf, redisUrlOf, type Config } from '../../common/config.ts';
import type { Logger } from '../../common/logger.ts';
import { createMetricsRegistry } from '../../common/metrics.ts';
import type { Kafka } from '../../common/clients/kafka.ts';
import { buildApp } from '../../query/http/app.ts';
import { openClosedLoop } from '../../query/http/closed-loop.ts';
import { createQueryRuntime, type QueryRuntime } from '../../query/http/wiring.ts';
import { esProbe, redisProbe, type Probe } from '../../query/http/readiness.ts';
import { config, silentLog, uniqueName } from './stack.ts';

export interface TestApp {
  app: FastifyInstance;
  runtime: QueryRuntime;
  redis: Redis;
  config: Config;
  close(): Promise<void>;
}

export async function buildTestApp(
  es: EsClient,
  settings: Partial<Config> & { indexAlias: string },
  probes?: Record<string, Probe>,
  log: Logger = silentLog,
  /** With Kafka: answers record impressions and POST /events publishes (the closed loop). */
  kafka?: Kafka,
): Promise<TestApp> {
  // Tests train models in this same process, which stalls its event loop: load shedding is off
  // unless a test turns it on.
  const c: Config = {
    ...config,
    redisPrefix: `${uniqueName('app')}:`,
    rateLimitMax: 0,
    maxEventLoopDelayMs: 0,
    ...settings,
  };
  const redis = createRedis(redisUrlOf(c));
  redis.on('error', () => {});
  await redis.connect();
  const metrics = createMetricsRegistry();
  const runtime = createQueryRuntime(c, es, redis, log, metrics);
  await runtime.vocabulary.refresh();
  const loop = kafka ? await openClosedLoop(c, kafka, log, metrics, runtime, 50) : undefined;
  const app = await buildApp({
    log,
    metrics,
    probes: probes ?? { elasticsearch: esProbe(es), redis: redisProbe(redis) },
    readyRequires: ['elasticsearch', 'redis'],
    readinessTimeoutMs: 1500,
    services: runtime.services,
    rateLimit: { redis, max: c.rateLimitMax, timeWindow: c.rateLimitWindow, prefix: c.redisPrefix },
    corsOrigins: corsOriginsOf(c),
    maxEventLoopDelayMs: c.maxEventLoopDelayMs,
  });
  return {
    app,
    runtime,
    redis,
    config: c,
    async close() {
      runtime.vocabulary.stop();
      await app.close();
      await loop?.close();
      const keys = await redis.keys(`${c.redisPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
}

/** An answer's body without its query id, which every answer gets afresh. */
export function answerOf(res: { body: string }): Record<string, unknown> {
  const { query_id, ...rest } = JSON.parse(res.body) as Record<string, unknown>;
  assert.match(String(query_id), /^[0-9a-f]{32}$/, 'every answer carries a query id');
  return rest;
}
