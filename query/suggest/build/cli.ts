// suggest rebuild [--log FILE ...] [--from-topic] [--before ISO] [--min-users N] [--no-catalog]: counts the
// sources into suggestion entries and publishes them as a new version (a snapshot) in Redis.
import { parseArgs } from 'node:util';
import { createEsClient } from '../../../common/clients/elasticsearch.ts';
import { createRedis } from '../../../common/clients/redis.ts';
import { createKafka } from '../../../common/clients/kafka.ts';
import { consumeToEnd } from '../../../common/clients/kafka-range.ts';
import { loadConfig } from '../../../common/config.ts';
import { suggestionStoreFor } from '../../../stores/suggestions.ts';
import { createLogger } from '../../../common/logger.ts';
import type { Impression } from '../../../events/impression.ts';
import { readSearchLog, suggestionEntries, type LoggedSearch } from './sources.ts';
import { runCli } from '../../../common/cli.ts';

const usage = 'usage: suggest rebuild [--log FILE ...] [--from-topic] [--before ISO] [--min-users N] [--no-catalog]';

async function* fromTopic(config: ReturnType<typeof loadConfig>): AsyncGenerator<LoggedSearch> {
  const kafka = createKafka(config, 'shopsearch-suggest', createLogger('error', 'suggest', 2));
  const found: LoggedSearch[] = [];
  await consumeToEnd(kafka, {
    topics: [config.impressionsTopic],
    since: 'earliest',
    groupPrefix: 'shopsearch-suggest',
    onMessages: async (messages) => {
      for (const m of messages) {
        try {
          const e = JSON.parse(m.value?.toString() ?? '') as Partial<Impression>;
          // First pages of searches that found something: searches that found nothing are not worth suggesting.
          if (e.kind === 'search' && typeof e.query === 'string' && (e.offset ?? 0) === 0 && (e.total ?? 0) > 0)
            found.push({
              query: e.query,
              ...(typeof e.user === 'string' ? { user: e.user } : {}),
              ...(e.ts ? { time: Date.parse(e.ts) } : {}),
            });
        } catch {
          // not an impression: skip
        }
      }
    },
  });
  yield* found;
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      log: { type: 'string', multiple: true },
      'from-topic': { type: 'boolean' },
      before: { type: 'string' },
      'min-users': { type: 'string' },
      'no-catalog': { type: 'boolean' },
    },
  });
  if (positionals[0] !== 'rebuild') {
    console.error(usage);
    return 2;
  }
  const config = loadConfig();
  const es = await createEsClient(config, { requestTimeoutMs: 60000 });
  const before = values.before ? Date.parse(values.before) : undefined;
  if (values.before && !Number.isFinite(before)) throw new Error(`--before is not a date: ${values.before}`);
  const minUsers = values['min-users'] ? Number(values['min-users']) : config.suggestMinUsers;
  const entries = await suggestionEntries({
    logs: [...(values.log ?? []).map(readSearchLog), ...(values['from-topic'] ? [fromTopic(config)] : [])],
    minUsers,
    ...(before !== undefined ? { before } : {}),
    ...(values['no-catalog'] ? {} : { catalog: { es, alias: config.indexAlias } }),
  });
  await es.close();
  const redis = createRedis(config);
  await redis.connect();
  const published = await suggestionStoreFor(redis, config).publishSnapshot(entries);
  redis.disconnect();
  console.log(
    JSON.stringify({
      version: published.version,
      suggestions: entries.length,
      from_queries: entries.filter((e) => e.source === 'query').length,
    }),
  );
  return 0;
}

runCli('suggest', main);
