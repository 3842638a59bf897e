// The published autocomplete suggestions, in Redis. A version is a full snapshot, written in
// chunks and made current by one pointer switch (a single SET in a transaction), plus a sequence
// of small deltas appended to it afterwards (upserts and removals), so a writer can move
// popularity every few seconds without rewriting a million entries.
//
// Consistency rule: a version's snapshot never changes once it is current and its deltas are only
// ever appended, so a reader that holds version V and has applied its first n deltas is exact by
// reading deltas n.. of V. A delta is appended only while its version is current (checked in the
// same atomic script), so nothing is ever added to a version readers have left. A reader loads a
// whole new version (snapshot, then its deltas) before it swaps: it never mixes two versions.
// Replaced versions stay for `graceSeconds` (in-flight readers, rollback) and are then deleted by
// the next publish.
//
// Privacy: the store does not know shoppers. A writer puts in only phrases that passed the
// threshold (query/suggest/build/sources.ts: enough distinct shoppers, or every word vouched for).
import { randomBytes } from 'node:crypto';
import type { Redis } from '../common/clients/redis.ts';
import { normalizeSuggestion } from '../query/suggest/normalize.ts';
import type { Config } from '../common/config.ts';
import { keySpace, type SuggestionKeys } from './keys.ts';

export type SuggestionSource = 'query' | 'catalog';

export interface SuggestionEntry {
  /** The phrase as shown (at most 100 characters); its normalized form names it (see normalizeSuggestion). */
  text: string;
  /** Popularity, ≥ 0: distinct searchers for logged queries, less than 1 for catalog phrases. */
  weight: number;
  source: SuggestionSource;
}

/** A change to the current version: entries replaced or added by normalized phrase, then phrases removed. */
export interface SuggestionDelta {
  upserts?: SuggestionEntry[];
  /** Phrases (any form: they are normalized) no longer suggested. */
  removals?: string[];
}

export interface SuggestionHead {
  version: string;
  /** Deltas appended to the version so far. */
  deltas: number;
}

export interface SuggestionStore {
  /**
   * The current version and its delta count, or undefined when nothing was published. `held`, the
   * version the caller already holds, lets the common case (no new version) take one round trip.
   */
  head(held?: string): Promise<SuggestionHead | undefined>;
  /** A version's snapshot in the chunks it was written in; throws IncompleteVersionError when it is gone or partial. */
  snapshot(version: string): AsyncIterable<SuggestionEntry[]>;
  /** The version's deltas from index `from` (0-based) on, in order. */
  deltas(version: string, from: number): Promise<SuggestionDelta[]>;
  /** Writes a new version in chunks, checks it, then makes it current; returns it. Phrases must be distinct. */
  publishSnapshot(entries: readonly SuggestionEntry[]): Promise<SuggestionHead & { entries: number }>;
  /**
   * Appends a delta to `version` if it is still current (else StaleVersionError: read head() and
   * rebase); DeltaLimitError once the version's deltas would hold more than `maxDeltaChanges`
   * changes (publish a snapshot instead). Returns the delta count after the append.
   */
  appendDelta(version: string, delta: SuggestionDelta): Promise<number>;
}

export interface SuggestionStoreOptions {
  /** Entries a snapshot may hold (readers hold them all in memory). */
  maxEntries: number;
  /** Changes (upserts + removals) all deltas of one version may hold before a snapshot is due. */
  maxDeltaChanges: number;
  /** How long a replaced version is kept. */
  graceSeconds: number;
  now?: () => number;
}

export class StaleVersionError extends Error {
  override name = 'StaleVersionError';
}
export class DeltaLimitError extends Error {
  override name = 'DeltaLimitError';
}
export class IncompleteVersionError extends Error {
  override name = 'IncompleteVersionError';
}
export class InvalidSuggestionError extends Error {
  override name = 'InvalidSuggestionError';
}

const CHUNK = 2000;
const MAX_TEXT = 100;
type Packed = [text: string, weight: number, source: SuggestionSource];

/** Refuses what readers could not match or would show wrongly; returns the normalized phrase. */
function checked(e: SuggestionEntry, where: string): string {
  const key = typeof e?.text === 'string' && e.text.length <= MAX_TEXT ? normalizeSuggestion(e.text) : '';
  if (!key) throw new InvalidSuggestionError(`${where}.text must be 1-${MAX_TEXT} characters with a letter or digit`);
  if (typeof e.weight !== 'number' || !Number.isFinite(e.weight) || e.weight < 0)
    throw new InvalidSuggestionError(`${where}.weight must be a finite number ≥ 0`);
  if (e.source !== 'query' && e.source !== 'catalog')
    throw new InvalidSuggestionError(`${where}.source must be query or catalog`);
  return key;
}

const pack = (e: SuggestionEntry): Packed => [e.text, e.weight, e.source];
const unpack = ([text, weight, source]: Packed): SuggestionEntry => ({ text, weight, source });

// Atomic: append only while the version is current and within its change budget.
const APPEND = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local used = tonumber(redis.call('HGET', KEYS[2], 'delta_changes') or '0')
if used + tonumber(ARGV[3]) > tonumber(ARGV[4]) then return -2 end
redis.call('HINCRBY', KEYS[2], 'delta_changes', ARGV[3])
return redis.call('RPUSH', KEYS[3], ARGV[2])
`;

export function redisSuggestionStore(redis: Redis, keys: SuggestionKeys, o: SuggestionStoreOptions): SuggestionStore {
  const now = o.now ?? Date.now;

  const drop = async (version: string) => {
    await redis.unlink(keys.meta(version), keys.chunks(version), keys.deltas(version));
    await redis.hdel(keys.retired, version);
  };

  return {
    async head(held) {
      if (held !== undefined) {
        const res = await redis.multi().get(keys.current).llen(keys.deltas(held)).exec();
        const [[e1, current], [e2, length]] = res as [[Error | null, string | null], [Error | null, number]];
        if (e1 || e2) throw e1 ?? e2;
        if (current === held) return { version: held, deltas: length };
        if (current === null) return undefined;
        return { version: current, deltas: await redis.llen(keys.deltas(current)) };
      }
      const current = await redis.get(keys.current);
      return current === null ? undefined : { version: current, deltas: await redis.llen(keys.deltas(current)) };
    },

    async *snapshot(version) {
      const [entries, chunks] = await redis.hmget(keys.meta(version), 'entries', 'chunks');
      if (entries === null || chunks === null) throw new IncompleteVersionError(`version ${version} is not stored`);
      let seen = 0;
      // A few chunks per round trip: bounded memory per read, few round trips.
      for (let i = 0; i < Number(chunks); i += 16) {
        const raw = await redis.lrange(keys.chunks(version), i, Math.min(i + 15, Number(chunks) - 1));
        for (const text of raw) {
          const chunk = (JSON.parse(text) as Packed[]).map(unpack);
          seen += chunk.length;
          yield chunk;
        }
        if (raw.length === 0) break;
      }
      if (seen !== Number(entries))
        throw new IncompleteVersionError(`version ${version} has ${seen} entries stored, ${entries} published`);
    },

    async deltas(version, from) {
      const raw = await redis.lrange(keys.deltas(version), from, -1);
      return raw.map((text) => {
        const d = JSON.parse(text) as { u?: Packed[]; r?: string[] };
        return { ...(d.u ? { upserts: d.u.map(unpack) } : {}), ...(d.r ? { removals: d.r } : {}) };
      });
    },

    async publishSnapshot(entries) {
      if (entries.length > o.maxEntries)
        throw new InvalidSuggestionError(`${entries.length} entries, more than the ${o.maxEntries} readers hold`);
      const seen = new Set<string>();
      entries.forEach((e, i) => {
        const key = checked(e, `entries.${i}`);
        if (seen.has(key)) throw new InvalidSuggestionError(`entries.${i}: "${key}" appears twice`);
        seen.add(key);
      });
      const at = now();
      const version = `${new Date(at).toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
      const chunks = Math.ceil(entries.length / CHUNK);
      try {
        for (let i = 0; i < entries.length; i += CHUNK * 16) {
          const batch: string[] = [];
          for (let j = i; j < Math.min(i + CHUNK * 16, entries.length); j += CHUNK)
            batch.push(JSON.stringify(entries.slice(j, j + CHUNK).map(pack)));
          await redis.rpush(keys.chunks(version), ...batch);
        }
        await redis.hset(keys.meta(version), {
          entries: entries.length,
          chunks,
          published_at: new Date(at).toISOString(),
          delta_changes: 0,
        });
        const stored = await redis.llen(keys.chunks(version));
        if (stored !== chunks)
          throw new IncompleteVersionError(`version ${version}: ${stored} chunks stored of ${chunks}`);
        const previous = await redis.get(keys.current);
        const tx = redis.multi().set(keys.current, version);
        if (previous && previous !== version) tx.hset(keys.retired, previous, String(at));
        await tx.exec();
      } catch (err) {
        await drop(version).catch(() => {});
        throw err;
      }
      const retired = await redis.hgetall(keys.retired);
      for (const [v, t] of Object.entries(retired)) if (Number(t) < at - o.graceSeconds * 1000) await drop(v);
      return { version, deltas: 0, entries: entries.length };
    },

    async appendDelta(version, delta) {
      const upserts = delta.upserts ?? [];
      const removals = delta.removals ?? [];
      upserts.forEach((e, i) => checked(e, `upserts.${i}`));
      removals.forEach((r, i) => {
        if (typeof r !== 'string' || !normalizeSuggestion(r))
          throw new InvalidSuggestionError(`removals.${i} must be a phrase with a letter or digit`);
      });
      const changes = upserts.length + removals.length;
      if (changes === 0) throw new InvalidSuggestionError('a delta needs upserts or removals');
      const payload = JSON.stringify({
        ...(upserts.length ? { u: upserts.map(pack) } : {}),
        ...(removals.length ? { r: removals } : {}),
      });
      const res = (await redis.eval(
        APPEND,
        3,
        keys.current,
        keys.meta(version),
        keys.deltas(version),
        version,
        payload,
        changes,
        o.maxDeltaChanges,
      )) as number;
      if (res === -1) throw new StaleVersionError(`version ${version} is no longer current`);
      if (res === -2)
        throw new DeltaLimitError(
          `version ${version} would hold more than ${o.maxDeltaChanges} delta changes: publish a snapshot`,
        );
      return res;
    },
  };
}

/** The store as configured (SHOP_REDIS_PREFIX, SHOP_SUGGEST_MAX_ENTRIES, SHOP_SUGGEST_MAX_DELTA_CHANGES, SHOP_SUGGEST_GRACE_S). */
export const suggestionStoreFor = (
  redis: Redis,
  c: Pick<Config, 'redisPrefix' | 'suggestMaxEntries' | 'suggestMaxDeltaChanges' | 'suggestGraceSeconds'>,
): SuggestionStore =>
  redisSuggestionStore(redis, keySpace(c.redisPrefix).suggestions, {
    maxEntries: c.suggestMaxEntries,
    maxDeltaChanges: c.suggestMaxDeltaChanges,
    graceSeconds: c.suggestGraceSeconds,
  });
