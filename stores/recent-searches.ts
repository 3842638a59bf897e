// A shopper's own recent searches, newest first, in Redis: typing the start of one brings it back
// at the top of the suggestions (on Best Buy, one search in twelve repeats the shopper's own
// earlier query). Written after a search answers and never awaited; when Redis fails, suggestions
// come without them. Writes waiting on a slow or absent Redis are bounded (a search never queues
// memory behind it): past the bound a write is dropped, which costs a suggestion, not an answer.
import type { Redis } from '../common/clients/redis.ts';
import { UnavailableError } from '../common/errors.ts';
import type { Logger } from '../common/logger.ts';

export interface RecentSearches {
  /** Records `text` (already in the form suggestions show) as the customer's newest search. */
  record(customer: string, text: string): void;
  list(customer: string): Promise<string[]>;
  /** Deletes everything kept for the customer (they closed their account, or asked). */
  forget(customer: string): Promise<void>;
}

export interface RecentSearchesOptions {
  key: (customer: string) => string;
  /** Searches kept per customer. */
  keep: number;
  ttlSeconds: number;
}

/** Writes that may wait on Redis at once. */
export const MAX_PENDING_WRITES = 1000;

export function redisRecentSearches(redis: Redis, o: RecentSearchesOptions, log: Logger): RecentSearches {
  const key = o.key;
  let pending = 0;
  let dropped = 0;
  return {
    record(customer, text) {
      if (pending >= MAX_PENDING_WRITES) {
        if (dropped++ % 1000 === 0) log.warn({ dropped }, 'recent searches not recorded: Redis is behind');
        return;
      }
      pending++;
      const k = key(customer);
      redis
        .multi()
        .lrem(k, 0, text)
        .lpush(k, text)
        .ltrim(k, 0, o.keep - 1)
        .expire(k, o.ttlSeconds)
        .exec()
        .catch((err: Error) => log.warn({ err: err.message }, 'recording a recent search failed'))
        .finally(() => pending--);
    },
    async list(customer) {
      try {
        return await redis.lrange(key(customer), 0, o.keep - 1);
      } catch {
        return [];
      }
    },
    async forget(customer) {
      try {
        await redis.del(key(customer));
      } catch {
        throw new UnavailableError('recent searches store unavailable, retry shortly');
      }
    },
  };
}
