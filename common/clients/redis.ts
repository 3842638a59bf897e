// The one place that builds a Redis client, from the configuration: URL, ACL user and password,
// TLS (`rediss://` or SHOP_REDIS_TLS) with a CA file.
import fs from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import { type Config, redisUrlOf, scrub } from '../config.ts';
import { ConnectionError } from '../errors.ts';

export type { Redis };

/** A Redis client that fails commands fast while disconnected instead of queueing them forever. */
export function createRedis(c: Config, opts: RedisOptions = {}): Redis {
  const url = redisUrlOf(c);
  const tls = c.redisTls || url.startsWith('rediss:');
  return new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(200 * times, 2000),
    ...(c.redisUsername !== undefined ? { username: c.redisUsername } : {}),
    ...(c.redisPassword !== undefined ? { password: c.redisPassword } : {}),
    ...(tls ? { tls: c.redisCaFile ? { ca: fs.readFileSync(c.redisCaFile) } : {} } : {}),
    ...opts,
  });
}

/**
 * Connects a client made by createRedis. Refused credentials or an untrusted certificate throw a
 * ConnectionError (no reconnect will cure them, so the client is stopped); a server that is merely
 * down resolves with its error while the client keeps reconnecting in the background.
 */
export async function connectRedis(redis: Redis, c: Config): Promise<Error | undefined> {
  // connect() rejects with "Connection is closed"; the reason comes as an error event before it.
  let reason: Error | undefined;
  const remember = (err: Error) => {
    reason = err;
  };
  redis.on('error', remember);
  try {
    await redis.connect();
    return undefined;
  } catch (e) {
    const message = (reason ?? (e as Error)).message;
    const where = `Redis at ${scrub(redisUrlOf(c), c)}`;
    const refused = /WRONGPASS|NOAUTH|NOPERM|invalid password|invalid username/i.test(message);
    const untrusted = /certificate|self.signed|SSL|TLS/i.test(message);
    if (!refused && !untrusted) return new Error(scrub(message, c));
    redis.disconnect();
    throw new ConnectionError(
      'redis',
      refused
        ? `${where} refused the credentials of user "${c.redisUsername ?? 'default'}": check SHOP_REDIS_USERNAME and SHOP_REDIS_PASSWORD`
        : scrub(`${where} is not trusted: ${message} (set SHOP_REDIS_CA_FILE)`, c),
    );
  } finally {
    redis.off('error', remember);
  }
}
