// What integration tests share: the stack started by scripts/test.sh (or configured externally),
// and unique names so tests never see each other's indices, topics, groups or keys.
import { randomBytes } from 'node:crypto';
import { createEsClient, type EsClient } from '../../common/clients/elasticsearch.ts';
import { createKafka, type Kafka } from '../../common/clients/kafka.ts';
import { createRedis, type Redis } from '../../common/clients/redis.ts';
import { loadConfig, type Config } from '../../common/config.ts';
import { createLogger } from '../../common/logger.ts';
import { indexOptionsOf, type IndexOptions } from '../../mappings/lifecycle.ts';

export const config: Config = loadConfig();
export const silentLog = createLogger('silent');

/** A lowercase name no other test (or earlier run) uses. */
export const uniqueName = (prefix: string): string => `t-${prefix}-${randomBytes(5).toString('hex')}`;

export const testEs = (): Promise<EsClient> => createEsClient(config, { requestTimeoutMs: 30000 });
export const testRedis = (): Redis => createRedis(config);
export const testKafka = (): Kafka => createKafka(config, uniqueName('client'), silentLog);

export const testIndexOptions = (alias = uniqueName('products')): IndexOptions => ({
  ...indexOptionsOf(config),
  alias,
});

/** Deletes every index version of a test alias. */
export async function dropIndices(es: EsClient, alias: string): Promise<void> {
  await es.indices.delete({ index: `${alias}-*`, ignore_unavailable: true, allow_no_indices: true });
}
