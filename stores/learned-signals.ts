// Learned signals in Redis, replaced whole by `ranking learn`: one hash of learned queries, a
// description of what they were learned from, and a revision the service polls to reload.
import type { Redis } from '../common/clients/redis.ts';
import type { LearnedQuery, LearnedSignals } from '../ranking/learn/learned.ts';
import type { KeySpace } from './keys.ts';

export interface LearnedMeta {
  learned_at: string;
  /** Clicks up to this time were learned from. */
  as_of: string;
  clicks: number;
  queries: number;
}

export interface LearnedStore {
  revision(): Promise<number>;
  load(): Promise<LearnedSignals>;
  meta(): Promise<LearnedMeta | undefined>;
  /** Replaces everything in one transaction: readers see the old signals or the new, never a mix. */
  replace(signals: LearnedSignals, meta: LearnedMeta): Promise<void>;
  /** Sets some queries and removes others in one transaction, with a new revision. */
  update(set: LearnedSignals, remove: readonly string[], meta: LearnedMeta): Promise<void>;
}

const CHUNK = 1000;

export function redisLearnedStore(redis: Redis, keys: KeySpace['learned']): LearnedStore {
  async function write(set: LearnedSignals, remove: readonly string[], meta: LearnedMeta, all: boolean): Promise<void> {
    const entries = [...set].map(([k, v]) => [k, JSON.stringify(v)] as const);
    const tx = redis.multi();
    if (all) tx.del(keys.queries);
    for (let i = 0; i < remove.length; i += CHUNK) tx.hdel(keys.queries, ...remove.slice(i, i + CHUNK));
    for (let i = 0; i < entries.length; i += CHUNK)
      tx.hset(keys.queries, Object.fromEntries(entries.slice(i, i + CHUNK)));
    const results = await tx.set(keys.meta, JSON.stringify(meta)).incr(keys.revision).exec();
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw failed?.[0] ?? new Error('learned signals transaction aborted');
  }
  return {
    async revision(): Promise<number> {
      return Number((await redis.get(keys.revision)) ?? 0);
    },
    async load(): Promise<LearnedSignals> {
      return new Map(
        Object.entries(await redis.hgetall(keys.queries)).map(([k, v]) => [k, JSON.parse(v) as LearnedQuery]),
      );
    },
    async meta(): Promise<LearnedMeta | undefined> {
      const raw = await redis.get(keys.meta);
      return raw === null ? undefined : (JSON.parse(raw) as LearnedMeta);
    },
    replace: (signals, meta) => write(signals, [], meta, true),
    update: (set, remove, meta) => write(set, remove, meta, false),
  };
}
