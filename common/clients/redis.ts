import { Redis, type RedisOptions } from 'ioredis';

export type { Redis };

/** A Redis client that fails commands fast while disconnected instead of queueing them forever. */
export function createRedis(url: string, opts: RedisOptions = {}): Redis {
  return new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(200 * times, 2000),
    ...opts,
  });
}
