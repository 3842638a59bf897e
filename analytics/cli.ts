// analytics run | retention   (npm run analytics -- <command>)
import { runCli } from '../common/cli.ts';
import { createTopicsIfMissing } from '../common/clients/kafka.ts';
import { loadConfig } from '../common/config.ts';
import { openConnections } from '../common/connections.ts';
import { createLogger } from '../common/logger.ts';
import { createMetricsRegistry, serveMetrics } from '../common/metrics.ts';
import { stopRequested } from '../common/shutdown.ts';
import { createAnalyticsConsumer } from './consumer.ts';
import { analyticsIndices } from './indices.ts';
import { createAnalyticsMetrics } from './metrics.ts';
import { analyticsWriter } from './writer.ts';

const usage = `usage: analytics <command>
  run        write impressions and shopper events to the daily analytics indices, until stopped
  retention  delete the daily indices older than SHOP_ANALYTICS_RETENTION_DAYS once, and exit`;

const HOUR = 3_600_000;

async function main([command]: string[]): Promise<number> {
  if (command !== 'run' && command !== 'retention') {
    console.error(usage);
    return 2;
  }
  const config = loadConfig();
  const log = createLogger(config.logLevel, 'analytics');
  const conn = await openConnections(config, log, 'shopsearch-analytics');
  const indices = analyticsIndices(conn.es, config.analyticsPrefix);
  const registry = createMetricsRegistry();
  const metrics = createAnalyticsMetrics(registry);
  const retention = async () => {
    const deleted = await indices.applyRetention(Date.now(), config.analyticsRetentionDays);
    metrics.deletedIndices.inc(deleted.length);
    if (deleted.length > 0) log.info({ deleted }, 'retention: old days deleted');
  };
  try {
    await indices.ensureTemplates();
    if (command === 'retention') {
      await retention();
      return 0;
    }
    const topics = { impressions: config.impressionsTopic, events: config.shopperEventsTopic };
    await createTopicsIfMissing(conn.kafka, Object.values(topics), config.shopperEventsPartitions);
    const consumer = createAnalyticsConsumer({
      kafka: conn.kafka,
      groupId: config.analyticsGroup,
      topics,
      writer: analyticsWriter(conn.es, indices),
      metrics,
      log,
      backoff: { baseMs: config.retryBaseMs, maxMs: config.retryMaxMs },
    });
    const metricsServer =
      config.analyticsMetricsPort > 0
        ? await serveMetrics(registry, config.httpHost, config.analyticsMetricsPort)
        : undefined;
    await retention().catch((err: Error) => log.warn({ err: err.message }, 'retention failed'));
    const timer = setInterval(
      () => void retention().catch((err: Error) => log.warn({ err: err.message }, 'retention failed')),
      HOUR,
    );
    const stopped = stopRequested(config.shutdownGraceMs, log);
    await consumer.start();
    log.info({ group: config.analyticsGroup, topics }, 'analytics consumer running');
    await stopped;
    clearInterval(timer);
    await consumer.stop();
    metricsServer?.close();
    return 0;
  } finally {
    await conn.close();
  }
}

runCli('analytics', main);
