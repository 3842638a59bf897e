// What the learner learns for the rails as shoppers act, between two trainings of the model:
// trending items, items carted or bought together, each customer's recent items (which expire a
// month after their last interaction). Each
// publication is one transaction (MULTI) with a new revision, and each reader takes what it
// needs in one command, so a reader sees one publication or the next, never half of one.
import type { Redis } from '../common/clients/redis.ts';
import type { Scored } from '../recommender/models/ranked-list.ts';
import type { KeySpace } from './keys.ts';

export interface LiveRailChanges {
  trending?: Scored[];
  together: ReadonlyMap<string, Scored[]>;
  recent: ReadonlyMap<string, string[]>;
}

export interface LiveRailStore {
  publish(changes: LiveRailChanges): Promise<void>;
  trending(): Promise<Scored[] | undefined>;
  together(ids: readonly string[]): Promise<(Scored[] | undefined)[]>;
  recent(customer: string): Promise<string[] | undefined>;
  /** Counts publications: an answer built from live lists is as fresh as this. */
  revision(): Promise<string>;
}

const CHUNK = 1000;
const parse = <T>(raw: string | null): T | undefined => (raw === null ? undefined : (JSON.parse(raw) as T));

/** A customer's recent items are forgotten this long after their last interaction. */
const RECENT_TTL_S = 30 * 86400;

export function redisLiveRails(redis: Redis, keys: KeySpace['liveRails']): LiveRailStore {
  const chunks = <V>(m: ReadonlyMap<string, V>) => {
    const entries = [...m].map(([k, v]) => [k, JSON.stringify(v)] as const);
    return Array.from({ length: Math.ceil(entries.length / CHUNK) }, (_, i) =>
      Object.fromEntries(entries.slice(i * CHUNK, (i + 1) * CHUNK)),
    );
  };
  return {
    async publish(c) {
      if (!c.trending && c.together.size === 0 && c.recent.size === 0) return;
      const tx = redis.multi();
      if (c.trending) tx.set(keys.trending, JSON.stringify(c.trending));
      for (const part of chunks(c.together)) tx.hset(keys.together, part);
      for (const [customer, items] of c.recent)
        tx.set(keys.recent(customer), JSON.stringify(items), 'EX', RECENT_TTL_S);
      const results = await tx.incr(keys.revision).exec();
      const failed = results?.find(([err]) => err);
      if (!results || failed) throw failed?.[0] ?? new Error('live rails transaction aborted');
    },
    trending: async () => parse<Scored[]>(await redis.get(keys.trending)),
    together: async (ids) =>
      ids.length === 0 ? [] : (await redis.hmget(keys.together, ...ids)).map((r) => parse<Scored[]>(r)),
    recent: async (customer) => parse<string[]>(await redis.get(keys.recent(customer))),
    revision: async () => (await redis.get(keys.revision)) ?? '0',
  };
}
