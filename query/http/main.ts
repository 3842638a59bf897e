// The service process: connections from config, the live index ensured, HTTP on the configured port.
import { setTimeout as sleep } from 'node:timers/promises';
import { createTopicsIfMissing } from '../../common/clients/kafka.ts';
import { openConnections } from '../../common/connections.ts';
import { corsOriginsOf, loadConfig } from '../../common/config.ts';
import { createLogger } from '../../common/logger.ts';
import { createMetricsRegistry } from '../../common/metrics.ts';
import { ensureLiveIndex, indexOptionsOf } from '../../mappings/lifecycle.ts';
import { buildApp, LOAD_SAMPLE_MS, protectionOf } from './app.ts';
import { createQueryRuntime } from './wiring.ts';
import { createSearchLog } from '../search-log.ts';
import { esProbe, kafkaProbe, redisProbe } from './readiness.ts';

const config = loadConfig();
const log = createLogger(config.logLevel);
const conn = await openConnections(config, log, 'shopsearch-query');
const index = await ensureLiveIndex(conn.es, indexOptionsOf(config));
log.info({ alias: config.indexAlias, index }, 'serving index');

const metrics = createMetricsRegistry();
const runtime = createQueryRuntime(config, conn.es, conn.redis, log, metrics);
if (config.searchLogTopic)
  await createTopicsIfMissing(conn.kafka, [config.searchLogTopic], 3).catch((err: Error) =>
    log.warn({ err: err.message }, 'search log topic not created'),
  );
const searchLog = config.searchLogTopic ? createSearchLog(conn.kafka, config.searchLogTopic, log, metrics) : undefined;
if (searchLog) runtime.searchSink.record = (q, total, customer) => searchLog.record(q, total, customer);
// Spelling suggestions need the vocabulary; build it before serving, but do not fail without it.
await runtime.vocabulary
  .refresh()
  .catch((err: Error) => log.warn({ err: err.message }, 'spelling vocabulary not built yet'));

const app = await buildApp({
  log,
  metrics,
  probes: { elasticsearch: esProbe(conn.es), redis: redisProbe(conn.redis), kafka: kafkaProbe(conn.kafka) },
  readyRequires: config.readyRequires,
  readinessTimeoutMs: config.readinessTimeoutMs,
  services: runtime.services,
  ...protectionOf(config, conn.redis),
  corsOrigins: corsOriginsOf(config),
  maxEventLoopDelayMs: config.maxEventLoopDelayMs,
});

const shutdown = async (signal: string) => {
  log.info({ signal }, 'shutting down');
  runtime.vocabulary.stop();
  await app.close();
  await searchLog?.close();
  await conn.close();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

// Start-up work (vocabulary, schemas) blocks the event loop; its samples would make a fresh
// instance shed its first requests. Listen once two clean samples have replaced them.
await app.ready();
await sleep(2 * LOAD_SAMPLE_MS);
await app.listen({ host: config.httpHost, port: config.httpPort });
