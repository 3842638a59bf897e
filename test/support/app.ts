// The real app for tests: real Elasticsearch and Redis, a test alias and Redis prefix.
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import { createRedis, type Redis } from '../../common/clients/redis.ts';
import type { Config } from '../../common/config.ts';
import type { Logger } from '../../common/logger.ts';
import { createMetricsRegistry } from '../../common/metrics.ts';
import type { Probe } from '../../query/http/readiness.ts';
import { buildService } from '../../query/http/service.ts';
import type { QueryRuntime } from '../../query/http/wiring.ts';
import type { Kafka } from '../../common/clients/kafka.ts';
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
  // unless a test turns it on, and autocomplete waits for its products as long as it takes
  // (test/suggest-degraded.test.ts sets a real budget).
  const c: Config = {
    ...config,
    redisPrefix: `${uniqueName('app')}:`,
    rateLimitMax: 0,
    maxEventLoopDelayMs: 0,
    suggestBudgetMs: 5000,
    // Tests hammer one app from one address; the tests of these limits turn them on.
    authFailureLimit: 0,
    clientConcurrency: 0,
    clientBudgetMs: 0,
    trustCustomerIds: true,
    ...settings,
  };
  const redis = createRedis(c);
  redis.on('error', () => {});
  await redis.connect();
  const service = await buildService({
    config: c,
    es,
    redis,
    log,
    metrics: createMetricsRegistry(),
    ...(probes ? { probes } : {}),
    ...(kafka ? { kafka, impressionsFlushMs: 50 } : {}),
  });
  const { app, runtime } = service;
  return {
    app,
    runtime,
    redis,
    config: c,
    async close() {
      await service.close();
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
