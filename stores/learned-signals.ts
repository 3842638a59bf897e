// Learned signals in Redis, replaced whole by `ranking learn`, updated by the learner: one hash of
// learned queries, a description of what they were learned from, a revision the service polls,
// and a stream with one entry per revision naming the queries it set and removed, so a reader
// catches up by fetching those alone instead of the whole hash every second.
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

/** Everything, with the revision it is at and where in the changes stream that revision ends. */
export interface LearnedSnapshot {
  revision: number;
  cursor: string;
  signals: LearnedSignals;
}

/** What changed after a snapshot (or earlier changes): apply `set` and `removed` to be at `revision`. */
export interface LearnedChanges {
  revision: number;
  cursor: string;
  set: LearnedSignals;
  removed: string[];
}

export interface LearnedStore {
  revision(): Promise<number>;
  load(): Promise<LearnedSignals>;
  snapshot(): Promise<LearnedSnapshot>;
  /**
   * What changed since `revision` (at `cursor`), read atomically: undefined when nothing did;
   * 'reload' when the stream no longer covers it (trimmed, replaced whole, or more than
   * `maxKeys` queries changed), and a snapshot is the cheaper way.
   */
  changesSince(revision: number, cursor: string, maxKeys: number): Promise<LearnedChanges | 'reload' | undefined>;
  meta(): Promise<LearnedMeta | undefined>;
  /** Replaces everything in one transaction: readers see the old signals or the new, never a mix. */
  replace(signals: LearnedSignals, meta: LearnedMeta): Promise<void>;
  /** Sets some queries and removes others in one transaction, with a new revision. */
  update(set: LearnedSignals, remove: readonly string[], meta: LearnedMeta): Promise<number>;
}

const CHUNK = 1000;
/** Revisions the changes stream keeps (about): a reader further behind takes a snapshot. */
const KEEP_CHANGES = 100;
/**
 * A revision changing more queries than this (a full rewrite) is marked a reset, not listed:
 * readers take a snapshot anyway, and the stream stays within ~100 × 10,000 names.
 */
const MAX_LISTED = 10_000;

// One entry per revision ("set"/"removed": JSON arrays of queries; "reset": replaced whole). The
// entries after the cursor must be exactly as many as the revisions since, or some were trimmed.
const CHANGES_SINCE = `
local rev = tonumber(redis.call('GET', KEYS[1]) or '0')
local held = tonumber(ARGV[1])
if rev == held then return {rev} end
if rev < held or rev - held > tonumber(ARGV[4]) then return {rev, 'reload'} end
-- The entry after the cursor (not "(" .. cursor, which needs Redis 6.2).
local ms, seq = string.match(ARGV[2], '^(%d+)-(%d+)$')
local entries = redis.call('XRANGE', KEYS[2], ms .. '-' .. (tonumber(seq) + 1), '+', 'COUNT', rev - held + 1)
if #entries ~= rev - held then return {rev, 'reload'} end
local state, n = {}, 0
for _, e in ipairs(entries) do
  local f = e[2]
  for i = 1, #f, 2 do
    if f[i] == 'reset' then return {rev, 'reload'} end
    for _, k in ipairs(cjson.decode(f[i + 1])) do
      if state[k] == nil then n = n + 1 end
      state[k] = f[i]
    end
  end
  if n > tonumber(ARGV[3]) then return {rev, 'reload'} end
end
local set, removed = {}, {}
for k, what in pairs(state) do
  if what == 'set' then set[#set + 1] = k else removed[#removed + 1] = k end
end
local values = {}
for i = 1, #set, 1000 do
  local part = redis.call('HMGET', KEYS[3], unpack(set, i, math.min(i + 999, #set)))
  for _, v in ipairs(part) do values[#values + 1] = v end
end
return {rev, entries[#entries][1], set, values, removed}`;

const parsed = (hash: Record<string, string>): LearnedSignals =>
  new Map(Object.entries(hash).map(([k, v]) => [k, JSON.parse(v) as LearnedQuery]));

export function redisLearnedStore(redis: Redis, keys: KeySpace['learned']): LearnedStore {
  /** Returns the new revision. */
  async function write(
    set: LearnedSignals,
    remove: readonly string[],
    meta: LearnedMeta,
    all: boolean,
  ): Promise<number> {
    const entries = [...set].map(([k, v]) => [k, JSON.stringify(v)] as const);
    const tx = redis.multi();
    if (all) tx.del(keys.queries);
    for (let i = 0; i < remove.length; i += CHUNK) tx.hdel(keys.queries, ...remove.slice(i, i + CHUNK));
    for (let i = 0; i < entries.length; i += CHUNK)
      tx.hset(keys.queries, Object.fromEntries(entries.slice(i, i + CHUNK)));
    const change =
      all || entries.length + remove.length > MAX_LISTED
        ? ['reset', '1']
        : ['set', JSON.stringify(entries.map(([k]) => k)), 'removed', JSON.stringify(remove)];
    const results = await tx
      .set(keys.meta, JSON.stringify(meta))
      .incr(keys.revision)
      .xadd(keys.changes, 'MAXLEN', '~', KEEP_CHANGES, '*', ...change)
      .exec();
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw failed?.[0] ?? new Error('learned signals transaction aborted');
    return Number(results.at(-2)?.[1]);
  }
  return {
    async revision(): Promise<number> {
      return Number((await redis.get(keys.revision)) ?? 0);
    },
    async load(): Promise<LearnedSignals> {
      return parsed(await redis.hgetall(keys.queries));
    },
    async snapshot(): Promise<LearnedSnapshot> {
      // One transaction: the hash, its revision and the stream's end agree.
      const results = await redis
        .multi()
        .get(keys.revision)
        .xrevrange(keys.changes, '+', '-', 'COUNT', 1)
        .hgetall(keys.queries)
        .exec();
      const failed = results?.find(([err]) => err);
      if (!results || failed) throw failed?.[0] ?? new Error('learned signals snapshot aborted');
      const [revision, last, all] = results.map(([, v]) => v) as [
        string | null,
        [string, string[]][],
        Record<string, string>,
      ];
      return {
        revision: Number(revision ?? 0),
        cursor: last[0]?.[0] ?? '0-0',
        signals: parsed(all),
      };
    },
    async changesSince(revision, cursor, maxKeys) {
      const r = (await redis.eval(
        CHANGES_SINCE,
        3,
        keys.revision,
        keys.changes,
        keys.queries,
        String(revision),
        cursor,
        String(maxKeys),
        String(KEEP_CHANGES),
      )) as [number, string?, string[]?, (string | null)[]?, string[]?];
      if (r.length === 1) return undefined;
      if (r[1] === 'reload') return 'reload';
      const [rev, at, setKeys = [], values = [], removed = []] = r;
      const set: LearnedSignals = new Map();
      setKeys.forEach((k, i) => {
        const v = values[i];
        if (v) set.set(k, JSON.parse(v) as LearnedQuery);
        else removed.push(k);
      });
      return { revision: rev, cursor: at!, set, removed };
    },
    async meta(): Promise<LearnedMeta | undefined> {
      const raw = await redis.get(keys.meta);
      return raw === null ? undefined : (JSON.parse(raw) as LearnedMeta);
    },
    replace: async (signals, meta) => {
      await write(signals, [], meta, true);
    },
    update: (set, remove, meta) => write(set, remove, meta, false),
  };
}
