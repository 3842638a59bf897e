// The real app for tests: real Elasticsearch and Redis, a test alias and Redis prefix.
import type { FastifyInstance } from 'fastify';
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import { createRedis, type Redis } from '../../common/clients/redis.ts';
import { corsOriginsOf, redisUrlOf, type Config } from '../../common/config.ts';
import type { Logger } from '../../common/logger.ts';
import { createMetricsRegistry } from '../../common/metrics.ts';
import { buildApp, protectionOf } from '../../query/http/app.ts';
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
): Promise<TestApp> {
  // Tests train models in this same process, which stalls its event loop: load shedding is off
  // unless a test turns it on.
  const c: Config = {
    ...config,
    redisPrefix: `${uniqueName('app')}:`,
    rateLimitMax: 0,
    maxEventLoopDelayMs: 0,
    // Tests hammer one app from one address; the tests of these limits turn them on.
    authFailureLimit: 0,
    clientConcurrency: 0,
    clientBudgetMs: 0,
    trustCustomerIds: true,
    ...settings,
  };
  const redis = createRedis(redisUrlOf(c));
  redis.on('error', () => {});
  await redis.connect();
  const metrics = createMetricsRegistry();
  const runtime = createQueryRuntime(c, es, redis, log, metrics);
  await runtime.vocabulary.refresh();
  const app = await buildApp({
    log,
    metrics,
    probes: probes ?? { elasticsearch: esProbe(es), redis: redisProbe(redis) },
    readyRequires: ['elasticsearch', 'redis'],
    readinessTimeoutMs: 1500,
    services: runtime.services,
    ...protectionOf(c, redis),
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
      const keys = await redis.keys(`${c.redisPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
}
