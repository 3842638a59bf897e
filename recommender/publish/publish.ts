// Publishing a trained model: write every list under a new version, check what was written, then
// switch the one pointer readers follow (a single SET, so no reader sees two versions). Versions
// retired longer than the grace period are deleted; a retired version can be made current again.
import { randomBytes } from 'node:crypto';
import type { Redis } from '../../common/clients/redis.ts';
import type { Scored } from '../models/ranked-list.ts';
import type { ModelMetadata, TrainedModel } from '../train.ts';
import { ALL_CATEGORIES, LIST_KINDS, type ListKind, type RecsKeys } from './keys.ts';
import type { ProductSummary } from './product-summary.ts';

export interface Manifest {
  version: string;
  publishedAt: string;
  counts: Record<ListKind, number>;
  cart: ModelMetadata['options']['cart'];
  popular: Scored[];
  model: Pick<ModelMetadata, 'trainedAt' | 'window' | 'counts'>;
}

export class PublishError extends Error {
  override name = 'PublishError';
}

const newVersion = (now: Date): string =>
  `${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;

/** A hash of a version: its field count, and its fields → JSON values, produced as they are written. */
export interface HashContents {
  size: number;
  entries(): Iterable<[string, string]>;
}

const jsonEntries = <T>(m: ReadonlyMap<string, T>): HashContents => ({
  size: m.size,
  entries: function* () {
    for (const [k, v] of m) yield [k, JSON.stringify(v)];
  },
});

/** The hashes of a version. Lazy: a million items' lists are never held as JSON text at once. */
export function versionContents(
  model: TrainedModel,
  products: readonly ProductSummary[],
): Record<ListKind, HashContents> {
  const trending = new Map(model.trendingByCategory);
  trending.set(ALL_CATEGORIES, model.trending);
  const vectors = embeddingEntries(model.embeddings);
  const unique = [...new Map(products.map((p) => [p.id, p])).values()];
  return {
    similar: jsonEntries(model.similar),
    together: jsonEntries(model.together),
    user: jsonEntries(model.forUser),
    recent: jsonEntries(model.recent),
    trending: jsonEntries(trending),
    product: { size: unique.length, entries: () => unique.map((p) => [p.id, JSON.stringify(p)]) },
    embedding: { size: vectors.length, entries: () => vectors.map((i) => vectors.entry(i)) },
  };
}

/** Each item's unit-length vector, for personalizing search (cosine is then a dot product). */
function embeddingEntries(e: TrainedModel['embeddings']): number[] & { entry(i: number): [string, string] } {
  const vector = (i: number) => e.vectors.subarray(i * e.dimensions, (i + 1) * e.dimensions);
  const rows = e.items.map((_, i) => i).filter((i) => Math.hypot(...vector(i)) > 0);
  return Object.assign(rows, {
    entry(i: number): [string, string] {
      const v = vector(i);
      const norm = Math.hypot(...v);
      return [e.items[i]!, JSON.stringify(Array.from(v, (x) => Math.round((x / norm) * 1e4) / 1e4))];
    },
  });
}

/**
 * Redis's own cost of a hash field beyond its text: the dict entry, two string headers, the bucket
 * slot and the allocator's rounding. Calibrated on published synthetic versions (bench train:
 * estimate within a few percent of MEMORY USAGE); docs/recommendations-scale.md#redis-memory.
 */
const FIELD_OVERHEAD_BYTES = 64;
const TEXT_ROUNDING = 1.1;
/** Fields of each hash whose text is measured; the rest are assumed alike. */
const ESTIMATE_SAMPLE = 2000;

/** Bytes Redis will hold for a version's hashes, from a sample of each hash's fields. */
export function estimateVersionBytes(contents: Record<ListKind, HashContents>): number {
  let total = 0;
  for (const kind of LIST_KINDS) {
    const { size } = contents[kind];
    let measured = 0;
    let text = 0;
    for (const [field, value] of contents[kind].entries()) {
      text += Buffer.byteLength(field) + Buffer.byteLength(value);
      if (++measured === ESTIMATE_SAMPLE) break;
    }
    if (measured > 0) total += size * ((text / measured) * TEXT_ROUNDING + FIELD_OVERHEAD_BYTES);
  }
  return Math.round(total);
}

const mb = (bytes: number) => Math.ceil(bytes / 2 ** 20);

/**
 * Refuses a version that cannot fit under Redis's maxmemory before writing any of it, and says how
 * large maxmemory has to be. Versions are kept keys (no TTL), never evicted, so a version that does
 * not fit would fail part-way with OOM errors. What eviction can free (caches, counters: keys with a
 * TTL) does not count against it, else a Redis filled with cache, its steady state, would refuse
 * every publish: the versions already stored and the new one must fit.
 */
export async function checkRoom(redis: Redis, keys: RecsKeys, needBytes: number): Promise<void> {
  const { maxBytes } = await redisMemory(redis);
  if (maxBytes === 0) return;
  const storedBytes = await storedVersionsBytes(redis, keys);
  if (storedBytes + needBytes > maxBytes)
    throw new PublishError(
      `the new version needs about ${mb(needBytes)} MB in Redis beside ${mb(storedBytes)} MB of stored versions, ` +
        `over its maxmemory ${mb(maxBytes)} MB; raise maxmemory to at least ${mb((storedBytes + needBytes) * 1.2)} MB ` +
        '(the embedded stack: SHOP_STACK_REDIS_MAXMEMORY_MB, then restart it with npm run stack -- down / up) and publish again',
    );
}

/** Bytes the stored versions' hashes take (Redis's sampled MEMORY USAGE: a few calls per version). */
export async function storedVersionsBytes(redis: Redis, keys: RecsKeys): Promise<number> {
  let total = 0;
  for (const version of await redis.zrange(keys.versions, 0, -1))
    for (const kind of LIST_KINDS)
      total += Number((await redis.call('MEMORY', 'USAGE', keys.list(version, kind))) ?? 0);
  return total;
}

/** Bytes Redis uses, and its maxmemory (0: unbounded). */
export async function redisMemory(redis: Redis): Promise<{ usedBytes: number; maxBytes: number }> {
  const info = await redis.info('memory');
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return { usedBytes: field('used_memory'), maxBytes: field('maxmemory') };
}

/** Writes a hash in chunks of fields, a few chunks in flight at once. */
async function writeHash(redis: Redis, key: string, contents: HashContents): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let chunk: Record<string, string> = {};
  let n = 0;
  const send = async () => {
    const p: Promise<void> = redis
      .hset(key, chunk)
      .then(
        () => {},
        (e: unknown) => void (failure ??= e),
      )
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    chunk = {};
    n = 0;
    if (inFlight.size >= 4) await Promise.race(inFlight);
    if (failure) throw failure;
  };
  for (const [field, value] of contents.entries()) {
    chunk[field] = value;
    if (++n === 1000) await send();
  }
  if (n > 0) await send();
  await Promise.all(inFlight);
  if (failure) throw failure;
}

export async function publish(
  redis: Redis,
  keys: RecsKeys,
  model: TrainedModel,
  products: readonly ProductSummary[],
  now = new Date(),
  onKind: (kind: ListKind, fields: number) => void = () => {},
): Promise<Manifest> {
  const version = newVersion(now);
  const contents = versionContents(model, products);
  const counts = Object.fromEntries(LIST_KINDS.map((k) => [k, contents[k].size])) as Record<ListKind, number>;
  await checkRoom(redis, keys, estimateVersionBytes(contents));
  try {
    for (const kind of LIST_KINDS) {
      await writeHash(redis, keys.list(version, kind), contents[kind]);
      onKind(kind, counts[kind]);
    }
    const manifest: Manifest = {
      version,
      publishedAt: now.toISOString(),
      counts,
      cart: model.metadata.options.cart,
      popular: model.popular,
      model: { trainedAt: model.metadata.trainedAt, window: model.metadata.window, counts: model.metadata.counts },
    };
    await redis.set(keys.manifest(version), JSON.stringify(manifest));
    await verify(redis, keys, version, counts);
    await switchTo(redis, keys, version, now.getTime());
    return manifest;
  } catch (e) {
    await deleteVersion(redis, keys, version);
    throw e;
  }
}

async function verify(redis: Redis, keys: RecsKeys, version: string, counts: Record<ListKind, number>): Promise<void> {
  for (const kind of LIST_KINDS) {
    const stored = await redis.hlen(keys.list(version, kind));
    if (stored !== counts[kind])
      throw new PublishError(`version ${version}: ${kind} has ${stored} entries in Redis, expected ${counts[kind]}`);
  }
}

/** Makes a version current and records when the previous one was retired. */
async function switchTo(redis: Redis, keys: RecsKeys, version: string, now: number): Promise<string | null> {
  const previous = await redis.get(keys.current);
  const tx = redis.multi().set(keys.current, version).zadd(keys.versions, now, version).hdel(keys.retired, version);
  if (previous && previous !== version) tx.hset(keys.retired, previous, String(now));
  await tx.exec();
  return previous;
}

export interface VersionInfo {
  version: string;
  publishedAt: string;
  current: boolean;
  retiredAt?: string;
}

export async function listVersions(redis: Redis, keys: RecsKeys): Promise<VersionInfo[]> {
  const [current, scored, retired] = await Promise.all([
    redis.get(keys.current),
    redis.zrange(keys.versions, 0, -1, 'WITHSCORES'),
    redis.hgetall(keys.retired),
  ]);
  const out: VersionInfo[] = [];
  for (let i = 0; i < scored.length; i += 2) {
    const version = scored[i]!;
    const info: VersionInfo = {
      version,
      publishedAt: new Date(Number(scored[i + 1])).toISOString(),
      current: version === current,
    };
    if (retired[version]) info.retiredAt = new Date(Number(retired[version])).toISOString();
    out.push(info);
  }
  return out;
}

/** Makes `to` (default: the most recently retired version) current again. */
export async function rollback(
  redis: Redis,
  keys: RecsKeys,
  to?: string,
  now = Date.now(),
): Promise<{ from: string | null; to: string }> {
  const versions = await listVersions(redis, keys);
  const target =
    to ??
    versions.filter((v) => !v.current && v.retiredAt).sort((a, b) => (a.retiredAt! < b.retiredAt! ? 1 : -1))[0]
      ?.version;
  if (!target) throw new PublishError('no earlier version to roll back to');
  if (!(await redis.exists(keys.manifest(target))))
    throw new PublishError(`version ${target} is not stored (garbage-collected or never published)`);
  const from = await switchTo(redis, keys, target, now);
  return { from, to: target };
}

/** Deletes versions retired more than `graceMs` ago; returns their names. */
export async function collectGarbage(
  redis: Redis,
  keys: RecsKeys,
  graceMs: number,
  now = Date.now(),
): Promise<string[]> {
  const [current, retired] = await Promise.all([redis.get(keys.current), redis.hgetall(keys.retired)]);
  const old = Object.entries(retired)
    .filter(([v, at]) => v !== current && Number(at) < now - graceMs)
    .map(([v]) => v);
  for (const v of old) await deleteVersion(redis, keys, v);
  return old;
}

async function deleteVersion(redis: Redis, keys: RecsKeys, version: string): Promise<void> {
  // UNLINK frees the large hashes in the background instead of blocking Redis.
  await redis.unlink(keys.manifest(version), ...LIST_KINDS.map((k) => keys.list(version, k)));
  await redis.multi().zrem(keys.versions, version).hdel(keys.retired, version).exec();
}
