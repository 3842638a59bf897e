// learner run | status   (npm run learner -- <command>)
import { hostname } from 'node:os';
import { runCli } from '../common/cli.ts';
import { openConnections } from '../common/connections.ts';
import { loadConfig } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';
import { createMetricsRegistry, serveMetrics } from '../common/metrics.ts';
import { stopRequested } from '../common/shutdown.ts';
import { keySpace } from '../stores/keys.ts';
import { redisLearnerCheckpoints } from '../stores/learner-checkpoint.ts';
import { createLearner } from './learner.ts';
import { createLearnerMetrics } from './metrics.ts';

const usage = `usage: learner <command>
  run      fold impressions and shopper events into what the service serves, until stopped
  status   what the running learner has read and published (JSON)`;

async function main([command]: string[]): Promise<number> {
  if (command !== 'run' && command !== 'status') {
    console.error(usage);
    return 2;
  }
  const config = loadConfig();
  const log = createLogger(config.logLevel, 'learner');
  const conn = await openConnections(config, log, 'shopsearch-learner');
  try {
    if (command === 'status') {
      const status = await redisLearnerCheckpoints(conn.redis, keySpace(config.redisPrefix).learner).status();
      console.log(JSON.stringify(status ?? null));
      return 0;
    }
    const registry = createMetricsRegistry();
    const learner = createLearner({
      config,
      kafka: conn.kafka,
      redis: conn.redis,
      es: conn.es,
      log,
      metrics: createLearnerMetrics(registry),
      instance: config.learnerInstance || `${hostname()}:${process.pid}`,
    });
    const metricsServer =
      config.learnerMetricsPort > 0
        ? await serveMetrics(registry, config.httpHost, config.learnerMetricsPort)
        : undefined;
    const stopped = stopRequested(config.shutdownGraceMs, log);
    await Promise.race([learner.start(), stopped]);
    await stopped;
    await learner.stop();
    metricsServer?.close();
    return 0;
  } finally {
    await conn.close();
  }
}

runCli('learner', main);
