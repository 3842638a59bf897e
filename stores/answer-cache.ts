// Answers cached in two layers: an in-process LRU for hot keys, then Redis shared by every
// instance. The LRU keeps an answer fresh for half the Redis TTL, so instances converge quickly.
// Identical concurrent misses share one computation (no stampede). Redis keeps answers longer
// than they are fresh, to serve them marked stale while Elasticsearch is down.
import { Counter, type Registry } from 'prom-client';
import type { Redis } from '../common/clients/redis.ts';
import type { Logger } from '../common/logger.ts';
import { memoryCache, parsedBytes } from '../common/memory-cache.ts';

export interface CacheOptions {
  redis: Redis;
  /** The Redis key of a cache key. */
  key: (key: string) => string;
  ttlSeconds: number;
  staleSeconds: number;
  /** Bytes the in-process layer may hold. */
  maxBytes: number;
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

interface Held {
  entry: Entry;
  /** Length of the entry's JSON text, for the memory bound. */
  length: number;
}

export interface AnswerCache {
  get<T>(key: string, compute: () => Promise<T>): Promise<Cached<T>>;
}

/** A cache that never stores: every answer comes from the origin. */
export const noCache: AnswerCache = { get: async (_key, compute) => ({ value: await compute(), source: 'origin' }) };

export function createAnswerCache(o: CacheOptions): AnswerCache {
  const ttlMs = o.ttlSeconds * 1000;
  const lru = memoryCache<Held>({ maxBytes: o.maxBytes, ttlMs: ttlMs / 2, sizeOf: (h) => parsedBytes(h.length) });
  const inflight = new Map<string, Promise<unknown>>();
  const lookups = new Counter({
    name: 'shop_cache_lookups_total',
    help: 'Cache lookups by the layer that answered',
    labelNames: ['source'],
    registers: [o.registry],
  });

  const readRedis = async (key: string): Promise<Held | undefined> => {
    try {
      const raw = await o.redis.get(o.key(key));
      return raw ? { entry: JSON.parse(raw) as Entry, length: raw.length } : undefined;
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
      if (hot) return answer(hot.entry.value, 'memory');
      const shared = await readRedis(key);
      const age = shared ? Date.now() - shared.entry.storedAt : Infinity;
      if (shared && age < ttlMs) {
        lru.set(key, shared, { ttl: Math.max(1, ttlMs / 2 - age) });
        return answer(shared.entry.value, 'redis');
      }
      let pending = inflight.get(key) as Promise<T> | undefined;
      if (!pending) {
        pending = compute().finally(() => inflight.delete(key));
        inflight.set(key, pending);
        void pending.then(
          (value) => {
            const entry: Entry = { value, storedAt: Date.now() };
            const text = JSON.stringify(entry);
            lru.set(key, { entry, length: text.length });
            o.redis
              .set(o.key(key), text, 'EX', o.staleSeconds)
              .catch((err: Error) => o.log.warn({ err: err.message }, 'cache write failed'));
          },
          () => {},
        );
      }
      try {
        return answer(await pending, 'origin');
      } catch (err) {
        if (shared) return answer(shared.entry.value, 'stale');
        throw err;
      }
    },
  };
}
