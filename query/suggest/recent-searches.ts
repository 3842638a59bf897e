// A shopper's own recent searches, newest first, in Redis: typing the start of one brings it back
// at the top of the suggestions (on Best Buy, one search in twelve repeats the shopper's own
// earlier query). Written after a search answers and never awaited; when Redis fails, suggestions
// come without them.
import type { Redis } from '../../common/clients/redis.ts';
import { UnavailableError } from '../../common/errors.ts';
import type { Logger } from '../../common/logger.ts';
import { normalizeSuggestion, typedPrefix } from './normalize.ts';

export interface RecentSearches {
  record(customer: string, query: string): void;
  list(customer: string): Promise<string[]>;
  /** Deletes everything kept for the customer (they closed their account, or asked). */
  forget(customer: string): Promise<void>;
}

export interface RecentSearchesOptions {
  prefix: string;
  /** Searches kept per customer. */
  keep: number;
  ttlSeconds: number;
}

export function redisRecentSearches(redis: Redis, o: RecentSearchesOptions, log: Logger): RecentSearches {
  const key = (customer: string) => `${o.prefix}recent-searches:${customer}`;
  return {
    record(customer, query) {
      const text = query.trim().replace(/\s+/g, ' ').toLowerCase();
      if (!normalizeSuggestion(text)) return;
      const k = key(customer);
      redis
        .multi()
        .lrem(k, 0, text)
        .lpush(k, text)
        .ltrim(k, 0, o.keep - 1)
        .expire(k, o.ttlSeconds)
        .exec()
        .catch((err: Error) => log.warn({ err: err.message }, 'recording a recent search failed'));
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

/**
 * The shopper's recent searches that start as typed (newest first, at most `max`, so popular
 * suggestions keep most of the list), then the other suggestions without them, cut to `size`.
 */
export function recentFirst(
  texts: readonly string[],
  recent: readonly string[],
  typed: string,
  size: number,
  max = 2,
): { text: string; recent: boolean }[] {
  const prefix = typedPrefix(typed);
  const mine = new Map<string, string>();
  for (const r of recent) {
    const key = normalizeSuggestion(r);
    if (mine.size < max && key.startsWith(prefix) && !mine.has(key)) mine.set(key, r);
  }
  return [
    ...[...mine.values()].map((text) => ({ text, recent: true })),
    ...texts.filter((t) => !mine.has(normalizeSuggestion(t))).map((text) => ({ text, recent: false })),
  ].slice(0, size);
}
