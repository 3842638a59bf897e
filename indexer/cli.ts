// indexer run | import | rebuild | status | dlq   (npm run indexer -- <command> --help)
import { parseArgs } from 'node:util';
import { createProducer } from '../common/clients/kafka.ts';
import { openConnections } from '../common/connections.ts';
import { loadConfig, type Config } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';
import { createMetricsRegistry, serveMetrics } from '../common/metrics.ts';
import { createProgress } from '../common/progress.ts';
import { stopRequested } from '../common/shutdown.ts';
import { ensureLiveIndex, indexOptionsOf } from '../mappings/lifecycle.ts';
import { catalogEvents, countCatalog, defaultVersionBase } from './catalog-events.ts';
import { createIndexer } from './consumer.ts';
import { readDeadLetter } from './dead-letter.ts';
import type { ProductEvent } from './event.ts';
import { createIndexerMetrics } from './metrics.ts';
import { publishEvents } from './publisher.ts';
import { rebuildFromCatalog } from './rebuild.ts';
import { replayInto } from './replay.ts';
import { indexerStatus } from './status.ts';
import { ensureTopics, eventTopicsOf } from './topics.ts';
import { runCli } from '../common/cli.ts';

const usage = `usage: indexer <command> [options]
  run                                   consume events into the index until stopped
  import --catalog FILE [--priority high] [--version-base N]
                                        publish a catalog (NDJSON/CSV, .gz ok) as upsert events
  rebuild --catalog FILE [--replay-since ISO|earliest|none] [--version-base N]
                                        build a new index version, catch up, switch the alias
  status                                lag per partition, dead letters, live index
  dlq [--limit N]                       print dead-lettered events with their reasons`;

const backoffOf = (c: Config) => ({ baseMs: c.retryBaseMs, maxMs: c.retryMaxMs });

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      catalog: { type: 'string' },
      priority: { type: 'string' },
      'version-base': { type: 'string' },
      'replay-since': { type: 'string', default: 'earliest' },
      limit: { type: 'string', default: '20' },
      help: { type: 'boolean' },
    },
  });
  if (!command || values.help || !['run', 'import', 'rebuild', 'status', 'dlq'].includes(command)) {
    console.error(usage);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  const log = createLogger(config.logLevel, 'indexer');
  const conn = await openConnections(config, log, 'shopsearch-indexer');
  const topics = eventTopicsOf(config.eventsTopic);
  const versionBase = values['version-base'] !== undefined ? Number(values['version-base']) : defaultVersionBase();
  try {
    switch (command) {
      case 'run': {
        await ensureTopics(conn.kafka, topics, config.eventsPartitions);
        await ensureLiveIndex(conn.es, indexOptionsOf(config));
        const registry = createMetricsRegistry();
        const indexer = createIndexer({
          kafka: conn.kafka,
          es: conn.es,
          log,
          metrics: createIndexerMetrics(registry),
          alias: config.indexAlias,
          topics,
          groupId: config.indexerGroup,
          concurrency: config.indexerConcurrency,
          sessionTimeoutMs: config.indexerSessionTimeoutMs,
          batchSize: config.indexerBatchSize,
          batchBytes: config.indexerBatchBytes,
          maxEventBytes: config.maxEventBytes,
          deadLetterMaxBytes: config.deadLetterMaxBytes,
          backoff: backoffOf(config),
        });
        const metricsServer =
          config.indexerMetricsPort > 0
            ? await serveMetrics(registry, config.httpHost, config.indexerMetricsPort)
            : undefined;
        await indexer.start();
        await stopRequested(config.shutdownGraceMs, log);
        await indexer.stop();
        metricsServer?.close();
        return 0;
      }
      case 'import': {
        if (!values.catalog) throw new Error('--catalog FILE is required');
        if (values.priority !== undefined && values.priority !== 'high')
          throw new Error('--priority takes only "high"');
        await ensureTopics(conn.kafka, topics, config.eventsPartitions);
        const producer = createProducer(conn.kafka);
        await producer.connect();
        const progress = createProgress('publishing', await countCatalog(values.catalog));
        const rejected: { line: number; reason: string }[] = [];
        let batch: ProductEvent[] = [];
        for await (const rec of catalogEvents(values.catalog, {
          versionBase,
          ...(values.priority ? { priority: 'high' as const } : {}),
        })) {
          if ('error' in rec) rejected.push({ line: rec.line, reason: rec.error });
          else batch.push(rec.event);
          progress.tick();
          if (batch.length >= 2000) {
            await publishEvents(producer, topics, batch);
            batch = [];
          }
        }
        if (batch.length > 0) await publishEvents(producer, topics, batch);
        await producer.disconnect();
        const p = progress.done();
        console.log(
          JSON.stringify({
            published: p.count - rejected.length,
            rejected: rejected.length,
            per_second: Math.round(p.perSecond),
            first_rejected: rejected.slice(0, 20),
          }),
        );
        return 0;
      }
      case 'rebuild': {
        if (!values.catalog) throw new Error('--catalog FILE is required');
        const since = values['replay-since'];
        const replay =
          since === 'none'
            ? undefined
            : async (index: string) => {
                await ensureTopics(conn.kafka, topics, config.eventsPartitions);
                return replayInto(index, {
                  kafka: conn.kafka,
                  es: conn.es,
                  topics: [topics.priority, topics.normal],
                  since: since === 'earliest' ? 'earliest' : Date.parse(since!),
                  maxEventBytes: config.maxEventBytes,
                  backoff: backoffOf(config),
                  groupPrefix: config.indexerGroup,
                });
              };
        const r = await rebuildFromCatalog(conn.es, indexOptionsOf(config), {
          catalogFile: values.catalog,
          versionBase,
          batchSize: config.indexerBatchSize,
          replay,
          progress: true,
        });
        console.log(JSON.stringify(r));
        return 0;
      }
      case 'status': {
        const s = await indexerStatus(conn.kafka, conn.es, config.indexAlias, topics, config.indexerGroup);
        console.log(JSON.stringify(s, null, 2));
        return 0;
      }
      case 'dlq': {
        const limit = Number(values.limit);
        const consumer = conn.kafka.consumer({
          groupId: `${config.indexerGroup}.dlq-reader.${process.pid}.${Date.now()}`,
        });
        await consumer.connect();
        await consumer.subscribe({ topic: topics.deadLetter, fromBeginning: true });
        let shown = 0;
        await new Promise<void>((resolve) => {
          const idle = setTimeout(resolve, 3000);
          void consumer.run({
            eachMessage: async ({ message }) => {
              if (shown++ < limit) console.log(JSON.stringify(readDeadLetter(message)));
              idle.refresh();
              if (shown >= limit) resolve();
            },
          });
        });
        await consumer.disconnect();
        return 0;
      }
    }
    return 2;
  } finally {
    await conn.close();
  }
}

runCli('indexer', main);
