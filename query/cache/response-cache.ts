// Answers cached in two layers: an in-process LRU for hot keys, then Redis shared by every
// instance. The LRU keeps an answer fresh for half the Redis TTL, so instances converge quickly.
// Identical concurrent misses share one computation (no stampede). Redis keeps answers longer
// than they are fresh, to serve them marked stale while Elasticsearch is down.
import { LRUCache } from 'lru-cache';
import { Counter, type Registry } from 'prom-client';
import type { Redis } from '../../common/clients/redis.ts';
import type { Logger } from '../../common/logger.ts';

export interface CacheOptions {
  redis: Redis;
  prefix: string;
  ttlSeconds: number;
  staleSeconds: number;
  maxEntries: number;
  registry: Registry;
  log: Logger;
}

export type CacheSource = 'memory' | 'redis' | 'origin' | 'stale';

export interface Cached<T> {
  value: T;
  source: CacheSource;
}

interface Entry {
  value: unknown;
  storedAt: number;
}

export interface ResponseCache {
  get<T>(key: string, compute: () => Promise<T>): Promise<Cached<T>>;
}

/** A cache that never stores: every answer comes from the origin. */
export const noCache: ResponseCache = { get: async (_key, compute) => ({ value: await compute(), source: 'origin' }) };

export function createResponseCache(o: CacheOptions): ResponseCache {
  const ttlMs = o.ttlSeconds * 1000;
  const lru = new LRUCache<string, Entry>({ max: o.maxEntries, ttl: ttlMs / 2 });
  const inflight = new Map<string, Promise<unknown>>();
  const lookups = new Counter({
    name: 'shop_cache_lookups_total',
    help: 'Cache lookups by the layer that answered',
    labelNames: ['source'],
    registers: [o.registry],
  });

  const readRedis = async (key: string): Promise<Entry | undefined> => {
    try {
      const raw = await o.redis.get(o.prefix + key);
      return raw ? (JSON.parse(raw) as Entry) : undefined;
    } catch (err) {
      o.log.warn({ err: (err as Error).message }, 'cache read failed; answering from the origin');
      return undefined;
    }
  };

  const answer = <T>(value: unknown, source: CacheSource): Cached<T> => {
    lookups.inc({ source });
    return { value: value as T, source };
  };

  return {
    async get<T>(key: string, compute: () => Promise<T>): Promise<Cached<T>> {
      const hot = lru.get(key);
      if (hot) return answer(hot.value, 'memory');
      const shared = await readRedis(key);
      if (shared && Date.now() - shared.storedAt < ttlMs) {
        lru.set(key, shared, { ttl: Math.max(1, ttlMs / 2 - (Date.now() - shared.storedAt)) });
        return answer(shared.value, 'redis');
      }
      let pending = inflight.get(key) as Promise<T> | undefined;
      if (!pending) {
        pending = compute().finally(() => inflight.delete(key));
        inflight.set(key, pending);
        void pending.then(
          (value) => {
            const entry: Entry = { value, storedAt: Date.now() };
            lru.set(key, entry);
            o.redis
              .set(o.prefix + key, JSON.stringify(entry), 'EX', o.staleSeconds)
              .catch((err: Error) => o.log.warn({ err: err.message }, 'cache write failed'));
          },
          () => {},
        );
      }
      try {
        return answer(await pending, 'origin');
      } catch (err) {
        if (shared) return answer(shared.value, 'stale');
        throw err;
      }
    },
  };
}
