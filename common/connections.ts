// Opens the connections a process needs from the configuration, and closes them again. The one
// way processes open connections: every server gets the configured credentials and TLS, and a
// server that refuses them stops the process at start with a clear ConnectionError.
import { createEsClient, type EsClient } from './clients/elasticsearch.ts';
import { checkKafka, createKafka, type Kafka } from './clients/kafka.ts';
import { connectRedis, createRedis, type Redis } from './clients/redis.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';

export interface Connections {
  es: EsClient;
  redis: Redis;
  kafka: Kafka;
  close(): Promise<void>;
}

export async function openConnections(config: Config, log: Logger, clientId: string): Promise<Connections> {
  const es = await createEsClient(config);
  const redis = createRedis(config);
  try {
    const down = await connectRedis(redis, config);
    // Redis down at start only degrades the service: the client reconnects by itself.
    if (down) log.warn({ err: down.message }, 'redis not reachable at start; will retry');
    redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection error'));
    const kafkaDown = await checkKafka(config, clientId, log);
    if (kafkaDown) log.warn({ err: kafkaDown.message }, 'kafka not reachable at start; will retry');
    return {
      es,
      redis,
      kafka: createKafka(config, clientId, log),
      async close() {
        redis.disconnect();
        await es.close();
      },
    };
  } catch (err) {
    redis.disconnect();
    await es.close();
    throw err;
  }
}
