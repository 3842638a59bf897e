// Opens the connections a process needs from the configuration, and closes them again.
import { createEsClient, type EsClient } from './clients/elasticsearch.ts';
import { createKafka, type Kafka } from './clients/kafka.ts';
import { createRedis, type Redis } from './clients/redis.ts';
import { esUrlOf, kafkaBrokersOf, redisUrlOf, type Config } from './config.ts';
import { stackUp } from '../stack/stack.ts';
import { createLogger, type Logger } from './logger.ts';

export interface Connections {
  es: EsClient;
  redis: Redis;
  kafka: Kafka;
  close(): Promise<void>;
}

export async function openConnections(config: Config, log: Logger, clientId: string): Promise<Connections> {
  const es = await createEsClient({ url: esUrlOf(config), requestTimeoutMs: config.esRequestTimeoutMs });
  const redis = createRedis(redisUrlOf(config));
  redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection error'));
  await redis
    .connect()
    .catch((err: Error) => log.warn({ err: err.message }, 'redis not reachable at start; will retry'));
  const kafka = createKafka(kafkaBrokersOf(config), clientId, log);
  return {
    es,
    redis,
    kafka,
    async close() {
      redis.disconnect();
      await es.close();
    },
  };
}

/** For command-line tools: the stack up (when embedded), connections open for `work`, then closed. */
export async function withConnections<T>(
  config: Config,
  clientId: string,
  say: (line: string) => void,
  work: (conn: Connections) => Promise<T>,
): Promise<T> {
  await stackUp(config, say);
  const conn = await openConnections(config, createLogger('warn', clientId, 2), clientId);
  try {
    return await work(conn);
  } finally {
    await conn.close();
  }
}
