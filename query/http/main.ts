// The service process: connections from config, the live index ensured, HTTP on the configured port.
import { setTimeout as sleep } from 'node:timers/promises';
import { openConnections } from '../../common/connections.ts';
import { loadConfig } from '../../common/config.ts';
import { createLogger } from '../../common/logger.ts';
import { createMetricsRegistry } from '../../common/metrics.ts';
import { stopRequested } from '../../common/shutdown.ts';
import { ensureLiveIndex, indexOptionsOf } from '../../mappings/lifecycle.ts';
import { LOAD_SAMPLE_MS } from './app.ts';
import { buildService } from './service.ts';

const config = loadConfig();
const log = createLogger(config.logLevel);
const conn = await openConnections(config, log, 'shopsearch-query').catch((err: Error) => {
  // Wrong credentials or an untrusted certificate: one clear line (no secret in it), then stop.
  log.fatal({ err: err.message }, 'cannot connect');
  process.exit(1);
});
const index = await ensureLiveIndex(conn.es, indexOptionsOf(config));
log.info({ alias: config.indexAlias, index }, 'serving index');

const metrics = createMetricsRegistry();
const service = await buildService({ config, es: conn.es, redis: conn.redis, kafka: conn.kafka, log, metrics });
const { app } = service;

void stopRequested(config.shutdownGraceMs, log).then(async () => {
  await service.close();
  await conn.close();
  process.exit(0);
});

// Start-up work (vocabulary, schemas) blocks the event loop; its samples would make a fresh
// instance shed its first requests. Listen once two clean samples have replaced them.
await app.ready();
await sleep(2 * LOAD_SAMPLE_MS);
await app.listen({ host: config.httpHost, port: config.httpPort });
