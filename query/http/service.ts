// The service assembled from configuration and open connections: engines and stores (wiring), the
// closed loop when Kafka is given, the spelling vocabulary, and the HTTP app. The process entry
// point (main.ts), the tests and the live evaluations all build it here.
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import type { Kafka } from '../../common/clients/kafka.ts';
import type { Redis } from '../../common/clients/redis.ts';
import { type Config, corsOriginsOf } from '../../common/config.ts';
import type { Logger } from '../../common/logger.ts';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { buildApp, protectionOf } from './app.ts';
import { openClosedLoop } from './closed-loop.ts';
import { esProbe, kafkaProbe, type Probe, redisProbe } from './readiness.ts';
import { createQueryRuntime, type QueryRuntime } from './wiring.ts';

export interface ServiceDeps {
  config: Config;
  es: EsClient;
  redis: Redis;
  /** Without Kafka, answers record no impressions and POST /events is absent. */
  kafka?: Kafka;
  log: Logger;
  metrics: Registry;
  probes?: Record<string, Probe>;
  /** How often impressions are flushed to Kafka (default once a second). */
  impressionsFlushMs?: number;
}

export interface Service {
  app: FastifyInstance;
  runtime: QueryRuntime;
  /** Sends the impressions buffered so far (replays wait for them). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export async function buildService(d: ServiceDeps): Promise<Service> {
  const c = d.config;
  const runtime = createQueryRuntime(c, d.es, d.redis, d.log, d.metrics);
  const loop = d.kafka ? await openClosedLoop(c, d.kafka, d.log, d.metrics, runtime, d.impressionsFlushMs) : undefined;
  // Autocomplete serves the published suggestions from memory: load them before serving (without
  // them, until Redis answers, keystrokes get products only, marked degraded).
  await runtime.suggestions.refresh();
  // Spelling suggestions need the vocabulary; build it before serving, but do not fail without it.
  await runtime.vocabulary
    .refresh()
    .catch((err: Error) => d.log.warn({ err: err.message }, 'spelling vocabulary not built yet'));
  const app = await buildApp({
    log: d.log,
    metrics: d.metrics,
    probes: d.probes ?? {
      elasticsearch: esProbe(d.es),
      redis: redisProbe(d.redis),
      ...(d.kafka ? { kafka: kafkaProbe(d.kafka) } : {}),
    },
    readyRequires: c.readyRequires,
    readinessTimeoutMs: c.readinessTimeoutMs,
    services: runtime.services,
    ...protectionOf(c, d.redis),
    corsOrigins: corsOriginsOf(c),
    maxEventLoopDelayMs: c.maxEventLoopDelayMs,
  });
  return {
    app,
    runtime,
    flush: async () => loop?.flush(),
    async close() {
      runtime.vocabulary.stop();
      await runtime.suggestions.stop();
      await app.close();
      await loop?.close();
    },
  };
}
